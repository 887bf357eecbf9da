// The S3 route table and the pure helpers the S3 operations share.

#include <gtest/gtest.h>

#include "api/rest_xml/router.h"
#include "api/s3/common.h"
#include "api/s3/ops/objects.h"
#include "api/s3/routes.h"

namespace api::s3 {
namespace {

using common::ErrorCode;
using net::http::verb;

net::RequestHeader Req(verb method, std::string target, std::vector<std::pair<std::string, std::string>> headers = {}) {
  net::RequestHeader h;
  h.method(method);
  h.target(target);
  h.set(net::http::field::host, "127.0.0.1:4566");
  for (auto& [k, v] : headers) h.set(k, v);
  return h;
}

std::string_view Routed(const rest_xml::Router& router, const net::RequestHeader& h) {
  auto r = router.Route(h);
  return r.ok() ? r->op->spec.name : std::string_view("<none>");
}

// Every row of the real table is reachable and the most specific row wins.
TEST(S3Routes, EachRequestShapeReachesItsOperation) {
  rest_xml::Router router(Routes());
  struct Case {
    verb method;
    std::string target;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string_view op;
  };
  const std::vector<Case> cases = {
      {verb::get, "/", {}, "ListBuckets"},
      {verb::put, "/b", {}, "CreateBucket"},
      {verb::delete_, "/b", {}, "DeleteBucket"},
      {verb::head, "/b", {}, "HeadBucket"},
      {verb::get, "/b", {}, "ListObjects"},
      {verb::get, "/b?list-type=2&prefix=a", {}, "ListObjectsV2"},
      {verb::get, "/b?versions", {}, "ListObjectVersions"},
      {verb::get, "/b?uploads", {}, "ListMultipartUploads"},
      {verb::get, "/b?location", {}, "GetBucketLocation"},
      {verb::get, "/b?versioning", {}, "GetBucketVersioning"},
      {verb::put, "/b?versioning", {}, "PutBucketVersioning"},
      {verb::get, "/b?tagging", {}, "GetBucketTagging"},
      {verb::put, "/b?tagging", {}, "PutBucketTagging"},
      {verb::delete_, "/b?tagging", {}, "DeleteBucketTagging"},
      {verb::get, "/b?cors", {}, "GetBucketCors"},
      {verb::put, "/b?cors", {}, "PutBucketCors"},
      {verb::delete_, "/b?cors", {}, "DeleteBucketCors"},
      {verb::options, "/b", {}, "PreflightRequest"},
      {verb::options, "/b/k", {}, "PreflightRequest"},
      {verb::get, "/b?publicAccessBlock", {}, "GetPublicAccessBlock"},
      {verb::put, "/b?publicAccessBlock", {}, "PutPublicAccessBlock"},
      {verb::delete_, "/b?publicAccessBlock", {}, "DeletePublicAccessBlock"},
      {verb::post, "/b?delete", {}, "DeleteObjects"},
      {verb::get, "/b?policy", {}, "GetBucketPolicy"},
      {verb::put, "/b?policy", {}, "PutBucketPolicy"},
      {verb::delete_, "/b?policy", {}, "DeleteBucketPolicy"},
      {verb::get, "/b?policyStatus", {}, "GetBucketPolicyStatus"},
      {verb::put, "/b/k", {}, "PutObject"},
      {verb::put, "/b/k", {{"x-amz-copy-source", "/a/b"}}, "CopyObject"},
      {verb::get, "/b/k", {}, "GetObject"},
      {verb::head, "/b/k", {}, "HeadObject"},
      {verb::delete_, "/b/k", {}, "DeleteObject"},
      {verb::get, "/b/k?attributes", {}, "GetObjectAttributes"},
      {verb::get, "/b/k?tagging", {}, "GetObjectTagging"},
      {verb::put, "/b/k?tagging", {}, "PutObjectTagging"},
      {verb::delete_, "/b/k?tagging", {}, "DeleteObjectTagging"},
      {verb::post, "/b/k?uploads", {}, "CreateMultipartUpload"},
      {verb::put, "/b/k?partNumber=1&uploadId=u", {}, "UploadPart"},
      {verb::put, "/b/k?partNumber=1&uploadId=u", {{"x-amz-copy-source", "/a/b"}}, "UploadPartCopy"},
      {verb::post, "/b/k?uploadId=u", {}, "CompleteMultipartUpload"},
      {verb::delete_, "/b/k?uploadId=u", {}, "AbortMultipartUpload"},
      {verb::get, "/b/k?uploadId=u", {}, "ListParts"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(Routed(router, Req(c.method, c.target, c.headers)), c.op) << c.target;
  }
  EXPECT_EQ(router.Route(Req(verb::patch, "/b/k")).status().code(), ErrorCode::kUnimplemented);
  // A sub-resource no row serves is refused, not routed to the plain row.
  for (auto target : {"/b?lifecycle", "/b?acl", "/b/k?acl", "/b/k?retention", "/b?website"}) {
    EXPECT_EQ(router.Route(Req(verb::get, target)).status().code(), ErrorCode::kUnimplemented) << target;
  }
}

TEST(S3Names, BucketNamesFollowS3Rules) {
  for (const std::string& good : std::vector<std::string>{"abc", "my-bucket.2", "a1b", std::string(63, 'a')}) {
    EXPECT_TRUE(ValidateBucketName(good).ok()) << good;
  }
  for (const std::string& bad : std::vector<std::string>{"ab", "Abc", "a_b", "-ab", "ab-", "a..b", "192.168.1.1",
                                                         "xn--abc", "abc-s3alias", std::string(64, 'a'), ""}) {
    EXPECT_EQ(ValidateBucketName(bad).reason(), "InvalidBucketName") << bad;
  }
}

TEST(S3Names, KeysAreBoundedUtf8WithoutDotSegments) {
  EXPECT_TRUE(ValidateKey("a/b c/ü.txt").ok());
  EXPECT_TRUE(ValidateKey("a..b/.hidden").ok());
  EXPECT_EQ(ValidateKey(std::string(1025, 'k')).reason(), "KeyTooLongError");
  EXPECT_TRUE(ValidateKey(std::string(1024, 'k')).ok());
  EXPECT_FALSE(ValidateKey("").ok());
  EXPECT_FALSE(ValidateKey("a/../b").ok());
  EXPECT_FALSE(ValidateKey("..").ok());
  EXPECT_FALSE(ValidateKey("./a").ok());
  EXPECT_FALSE(ValidateKey(std::string("a\0b", 3)).ok());
  EXPECT_FALSE(ValidateKey("\xff\xfe").ok());       // not UTF-8
  EXPECT_FALSE(ValidateKey("\xc0\xaf").ok());       // overlong '/'
  EXPECT_FALSE(ValidateKey("\xed\xa0\x80").ok());   // a surrogate
}

TEST(S3Ranges, ParsesAsS3Does) {
  auto r = [](std::string_view h, uint64_t size) { return ParseRange(h, size); };
  auto got = r("bytes=0-9", 100);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->first, 0u);
  EXPECT_EQ((*got)->last, 9u);
  got = r("bytes=90-", 100);
  EXPECT_EQ((*got)->first, 90u);
  EXPECT_EQ((*got)->last, 99u);
  got = r("bytes=-10", 100);
  EXPECT_EQ((*got)->first, 90u);
  got = r("bytes=-1000", 100);
  EXPECT_EQ((*got)->first, 0u);
  got = r("bytes=50-1000", 100);
  EXPECT_EQ((*got)->last, 99u);
  // Not a single valid range: the whole object.
  EXPECT_FALSE(r("bytes=0-1,5-6", 100)->has_value());
  EXPECT_FALSE(r("items=0-1", 100)->has_value());
  EXPECT_FALSE(r("bytes=9-1", 100)->has_value());
  EXPECT_FALSE(r("bytes=x-1", 100)->has_value());
  // Unsatisfiable.
  EXPECT_EQ(r("bytes=100-", 100).status().reason(), "InvalidRange");
  EXPECT_EQ(r("bytes=0-", 0).status().reason(), "InvalidRange");
  EXPECT_EQ(r("bytes=-0", 100).status().reason(), "InvalidRange");
}

TEST(S3Conditions, FollowS3Precedence) {
  ObjectVersion v;
  v.etag = "abc";
  v.last_modified_ms = 1'700'000'000'000;
  auto check = [&](std::vector<std::pair<std::string, std::string>> headers) {
    return CheckReadConditions(Req(verb::get, "/b/k", headers), v).code();
  };
  const std::string before = HttpTime(v.last_modified_ms - 3'600'000);
  const std::string after = HttpTime(v.last_modified_ms + 3'600'000);
  EXPECT_EQ(check({}), ErrorCode::kOk);
  EXPECT_EQ(check({{"If-Match", "\"abc\""}}), ErrorCode::kOk);
  EXPECT_EQ(check({{"If-Match", "\"x\", \"abc\""}}), ErrorCode::kOk);
  EXPECT_EQ(check({{"If-Match", "*"}}), ErrorCode::kOk);
  EXPECT_EQ(check({{"If-Match", "\"x\""}}), ErrorCode::kPreconditionFailed);
  EXPECT_EQ(check({{"If-None-Match", "\"abc\""}}), ErrorCode::kNotModified);
  EXPECT_EQ(check({{"If-Modified-Since", after}}), ErrorCode::kNotModified);
  EXPECT_EQ(check({{"If-Modified-Since", before}}), ErrorCode::kOk);
  EXPECT_EQ(check({{"If-Unmodified-Since", before}}), ErrorCode::kPreconditionFailed);
  // If-Match true wins over If-Unmodified-Since false; If-None-Match false
  // over If-Modified-Since true.
  EXPECT_EQ(check({{"If-Match", "\"abc\""}, {"If-Unmodified-Since", before}}), ErrorCode::kOk);
  EXPECT_EQ(check({{"If-None-Match", "\"x\""}, {"If-Modified-Since", after}}), ErrorCode::kOk);
  // Unparsable dates are ignored.
  EXPECT_EQ(check({{"If-Modified-Since", "yesterday"}}), ErrorCode::kOk);
}

TEST(S3Times, FormatAndParse) {
  EXPECT_EQ(IsoTime(1'700'000'000'123), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(HttpTime(1'700'000'000'123), "Tue, 14 Nov 2023 22:13:20 GMT");
  EXPECT_EQ(ParseHttpTime("Tue, 14 Nov 2023 22:13:20 GMT"), 1'700'000'000'000);
  EXPECT_EQ(ParseHttpTime("Tuesday, 14-Nov-23 22:13:20 GMT"), 1'700'000'000'000);
  EXPECT_EQ(ParseHttpTime("Tue Nov 14 22:13:20 2023"), 1'700'000'000'000);
  EXPECT_FALSE(ParseHttpTime("14/11/2023").has_value());
}

TEST(S3CopySource, ParsesBucketKeyAndVersion) {
  auto s = ParseCopySource("/src/a%20b/c.txt?versionId=v1");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->bucket, "src");
  EXPECT_EQ(s->key, "a b/c.txt");
  EXPECT_EQ(s->version_id, "v1");
  s = ParseCopySource("src/k");
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE(s->version_id.has_value());
  for (auto bad : {"", "/src", "src/", "/src/%zz", "/"}) EXPECT_FALSE(ParseCopySource(bad).ok()) << bad;
}

TEST(S3Metadata, FromHeaders) {
  auto h = Req(verb::put, "/b/k",
               {{"Content-Type", "text/plain"}, {"X-Amz-Meta-Color", "blue"}, {"Cache-Control", "no-cache"},
                {"x-amz-tagging", "a=1&b=two%20words"}, {"Content-Encoding", "aws-chunked,gzip"}});
  auto m = MetadataFromHeaders(h);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->content_type, "text/plain");
  EXPECT_EQ(m->content_encoding, "gzip");
  ASSERT_EQ(m->user_metadata.size(), 1u);
  EXPECT_EQ(m->user_metadata[0].first, "color");
  EXPECT_EQ(m->cache_control, "no-cache");
  ASSERT_EQ(m->tags.size(), 2u);
  EXPECT_EQ(m->tags[1].second, "two words");
  EXPECT_EQ(MetadataFromHeaders(Req(verb::put, "/b/k", {{"x-amz-storage-class", "FAST"}})).status().reason(),
            "InvalidStorageClass");
  EXPECT_EQ(MetadataFromHeaders(Req(verb::put, "/b/k", {{"x-amz-meta-big", std::string(3000, 'x')}}))
                .status()
                .reason(),
            "MetadataTooLarge");
}

}  // namespace
}  // namespace api::s3
