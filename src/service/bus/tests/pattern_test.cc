#include "service/bus/pattern.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace service::bus {
namespace {

bool Match(std::string_view pattern, std::string_view event) {
  auto p = EventPattern::Parse(pattern);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return p.ok() && p->Matches(boost::json::parse(event));
}

constexpr std::string_view kEvent = R"({
  "source": "aws.s3", "detail-type": "Object Created", "region": "ap-south-1",
  "resources": ["arn:aws:s3:::main"],
  "detail": {"bucket": {"name": "main"}, "object": {"key": "docs/report.PDF", "size": 2048},
             "reason": "PutObject", "source-ip-address": "10.0.1.7", "tags": ["a", "b"], "flag": null}})";

TEST(EventPattern, ExactValuesNestedFieldsAndArraysAsOr) {
  EXPECT_TRUE(Match(R"({"source": ["aws.s3"]})", kEvent));
  EXPECT_TRUE(Match(R"({"source": ["other", "aws.s3"], "detail": {"bucket": {"name": ["main"]}}})", kEvent));
  EXPECT_FALSE(Match(R"({"source": ["aws.s3"], "detail": {"bucket": {"name": ["logs"]}}})", kEvent));
  EXPECT_TRUE(Match(R"({"detail": {"object": {"size": [2048.0]}}})", kEvent));
  EXPECT_TRUE(Match(R"({"resources": ["arn:aws:s3:::main"]})", kEvent));
  EXPECT_TRUE(Match(R"({"detail": {"tags": ["b"]}})", kEvent));
  EXPECT_TRUE(Match(R"({"detail": {"flag": [null]}})", kEvent));
  EXPECT_FALSE(Match(R"({"detail": {"missing": [null]}})", kEvent));
}

TEST(EventPattern, ContentFilters) {
  EXPECT_TRUE(Match(R"({"detail": {"object": {"key": [{"prefix": "docs/"}]}}})", kEvent));
  EXPECT_TRUE(Match(R"({"detail": {"object": {"key": [{"suffix": {"equals-ignore-case": ".pdf"}}]}}})", kEvent));
  EXPECT_FALSE(Match(R"({"detail": {"object": {"key": [{"suffix": ".pdf"}]}}})", kEvent));
  EXPECT_TRUE(Match(R"({"detail": {"reason": [{"equals-ignore-case": "putobject"}]}})", kEvent));
  EXPECT_TRUE(Match(R"({"detail": {"object": {"key": [{"wildcard": "docs/*.PDF"}]}}})", kEvent));
  EXPECT_TRUE(Match(R"({"detail": {"reason": [{"anything-but": ["CopyObject", "DeleteObject"]}]}})", kEvent));
  EXPECT_FALSE(Match(R"({"detail": {"reason": [{"anything-but": {"prefix": "Put"}}]}})", kEvent));
  EXPECT_TRUE(Match(R"({"detail": {"object": {"size": [{"numeric": [">", 1024, "<=", 4096]}]}}})", kEvent));
  EXPECT_FALSE(Match(R"({"detail": {"object": {"size": [{"numeric": ["<", 1024]}]}}})", kEvent));
  EXPECT_TRUE(Match(R"({"detail": {"object": {"etag": [{"exists": false}]}}})", kEvent));
  EXPECT_FALSE(Match(R"({"detail": {"object": {"key": [{"exists": false}]}}})", kEvent));
  EXPECT_TRUE(Match(R"({"detail": {"source-ip-address": [{"cidr": "10.0.0.0/16"}]}})", kEvent));
  EXPECT_TRUE(Match(R"({"$or": [{"source": ["nope"]}, {"detail": {"reason": ["PutObject"]}}]})", kEvent));
  EXPECT_FALSE(Match(R"({"$or": [{"source": ["nope"]}, {"detail": {"reason": ["Copy"]}}]})", kEvent));
}

TEST(EventPattern, RejectsMalformedPatterns) {
  for (std::string_view bad : {"[]", "{", R"({"source": "aws.s3"})", R"({"source": []})",
                               R"({"a": [{"prefix": 1}]})", R"({"a": [{"numeric": ["!", 1]}]})",
                               R"({"a": [{"bogus": 1}]})", R"({"a": [{"exists": "yes"}]})"}) {
    auto p = EventPattern::Parse(bad);
    ASSERT_FALSE(p.ok()) << bad;
    EXPECT_EQ(p.status().reason(), "InvalidEventPatternException") << bad;
  }
}

}  // namespace
}  // namespace service::bus
