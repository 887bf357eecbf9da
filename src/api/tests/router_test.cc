#include <gtest/gtest.h>

#include "api/common/query_string.h"
#include "api/json/router.h"
#include "api/query/router.h"
#include "api/rest_xml/router.h"

namespace api {
namespace {

using net::http::verb;

// Distinct ops to route to; only their identity matters here.
net::awaitable<Result<net::Response>> NoRun(OpContext&) { co_return net::Response{}; }
constexpr Op kListBuckets{{.name = "ListBuckets"}, &NoRun};
constexpr Op kGetObject{{.name = "GetObject"}, &NoRun};
constexpr Op kPutObject{{.name = "PutObject"}, &NoRun};
constexpr Op kCopyObject{{.name = "CopyObject"}, &NoRun};
constexpr Op kUploadPart{{.name = "UploadPart"}, &NoRun};
constexpr Op kUploadPartCopy{{.name = "UploadPartCopy"}, &NoRun};
constexpr Op kListObjects{{.name = "ListObjects"}, &NoRun};
constexpr Op kGetVersioning{{.name = "GetBucketVersioning"}, &NoRun};
constexpr Op kPutItem{{.name = "PutItem"}, &NoRun};
constexpr Op kSendMessage{{.name = "SendMessage"}, &NoRun};
constexpr Op kPublish{{.name = "Publish"}, &NoRun};
constexpr Op kSnsListTags{{.name = "ListTagsForResource"}, &NoRun};
constexpr Op kOtherListTags{{.name = "ListTagsForResource"}, &NoRun};

net::RequestHeader Req(verb method, std::string target, std::string host = "127.0.0.1:4566") {
  net::RequestHeader h;
  h.method(method);
  h.target(target);
  h.set(net::http::field::host, host);
  return h;
}

rest_xml::Router S3Router() {
  using rest_xml::Target;
  return rest_xml::Router({
      {verb::get, Target::kService, "", "", &kListBuckets},
      {verb::get, Target::kBucket, "", "", &kListObjects},
      {verb::get, Target::kBucket, "versioning", "", &kGetVersioning},
      {verb::get, Target::kObject, "", "", &kGetObject},
      {verb::put, Target::kObject, "", "", &kPutObject},
      {verb::put, Target::kObject, "", "x-amz-copy-source", &kCopyObject},
      {verb::put, Target::kObject, "uploadId", "", &kUploadPart},
      {verb::put, Target::kObject, "uploadId", "x-amz-copy-source", &kUploadPartCopy},
  });
}

std::string_view RoutedName(const Result<RouteMatch>& r) {
  return r.ok() ? r->op->spec.name : std::string_view("<error>");
}

// Verifies REST routes pick the most specific row: query and header conditions
// beat plain rows, whatever the table order.
TEST(RestRouterTest, MostSpecificRowWins) {
  auto router = S3Router();
  EXPECT_EQ(RoutedName(router.Route(Req(verb::get, "/"))), "ListBuckets");
  EXPECT_EQ(RoutedName(router.Route(Req(verb::get, "/b"))), "ListObjects");
  EXPECT_EQ(RoutedName(router.Route(Req(verb::get, "/b/"))), "ListObjects");
  EXPECT_EQ(RoutedName(router.Route(Req(verb::get, "/b?versioning"))), "GetBucketVersioning");
  EXPECT_EQ(RoutedName(router.Route(Req(verb::get, "/b/k"))), "GetObject");
  EXPECT_EQ(RoutedName(router.Route(Req(verb::put, "/b/k"))), "PutObject");
  auto copy = Req(verb::put, "/b/k");
  copy.set("x-amz-copy-source", "/a/b");
  EXPECT_EQ(RoutedName(router.Route(copy)), "CopyObject");
  EXPECT_EQ(RoutedName(router.Route(Req(verb::put, "/b/k?partNumber=1&uploadId=x"))), "UploadPart");
  auto part_copy = Req(verb::put, "/b/k?partNumber=1&uploadId=x");
  part_copy.set("x-amz-copy-source", "/a/b");
  EXPECT_EQ(RoutedName(router.Route(part_copy)), "UploadPartCopy");
}

// Verifies an unmatched REST request is kUnimplemented (S3's NotImplemented).
TEST(RestRouterTest, UnknownIsUnimplemented) {
  auto r = S3Router().Route(Req(verb::delete_, "/"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), common::ErrorCode::kUnimplemented);
}

// Verifies bucket and key are percent-decoded, keys keep their slashes, and
// virtual-hosted style takes the bucket from the Host header.
TEST(RestRouterTest, ParsesPathAndVirtualHostStyle) {
  auto router = S3Router();
  auto p = router.Parse(Req(verb::get, "/my-bucket/a/b%20c/%E2%82%AC.txt?x=1%2B1"));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->bucket, "my-bucket");
  EXPECT_EQ(p->key, "a/b c/\xE2\x82\xAC.txt");
  EXPECT_EQ(p->query.at("x"), "1+1");
  auto v = router.Parse(Req(verb::get, "/photos/2024/x.jpg", "my.bucket.localhost:4566"));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->bucket, "my.bucket");
  EXPECT_EQ(v->key, "photos/2024/x.jpg");
  auto ip = router.Parse(Req(verb::get, "/b/k", "127.0.0.1:4566"));
  ASSERT_TRUE(ip.ok());
  EXPECT_EQ(ip->bucket, "b");
  auto bad = router.Parse(Req(verb::get, "/b/%zz"));
  EXPECT_FALSE(bad.ok());
  EXPECT_FALSE(router.Parse(Req(verb::get, "b/k")).ok());
}

// Verifies JSON routing by X-Amz-Target, and errors for unknown prefixes/ops.
TEST(JsonRouterTest, RoutesByTarget) {
  json::Router router({{"DynamoDB_20120810", "dynamodb", "application/x-amz-json-1.0",
                        "com.amazonaws.dynamodb.v20120810#", {&kPutItem}}});
  auto r = router.Route("DynamoDB_20120810.PutItem");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->op, &kPutItem);
  EXPECT_EQ(r->service, "dynamodb");
  EXPECT_EQ(router.Route("DynamoDB_20120810.Nope").status().code(), common::ErrorCode::kUnimplemented);
  EXPECT_EQ(router.Route("Nope_2000.PutItem").status().code(), common::ErrorCode::kUnimplemented);
  EXPECT_EQ(router.Route("NoDot").status().code(), common::ErrorCode::kInvalidArgument);
  EXPECT_EQ(router.Route("Trailing.").status().code(), common::ErrorCode::kInvalidArgument);
}

// Verifies Query routing by Action, disambiguated by the SigV4 scope service.
TEST(QueryRouterTest, RoutesByActionAndScope) {
  query::Router router({{"sqs", "http://queue.amazonaws.com/doc/2012-11-05/", {&kSendMessage, &kOtherListTags}},
                        {"sns", "http://sns.amazonaws.com/doc/2010-03-31/", {&kPublish, &kSnsListTags}}});
  Params p{{"Action", "SendMessage"}};
  EXPECT_EQ(router.Route(p, "").value().op, &kSendMessage);
  Params tags{{"Action", "ListTagsForResource"}};
  EXPECT_EQ(router.Route(tags, "sns").value().op, &kSnsListTags);
  EXPECT_EQ(router.Route(tags, "sqs").value().op, &kOtherListTags);
  EXPECT_EQ(router.Route(tags, "").status().code(), common::ErrorCode::kUnimplemented);
  EXPECT_EQ(router.Route(Params{{"Action", "Nope"}}, "").status().code(),
            common::ErrorCode::kUnimplemented);
  EXPECT_EQ(router.Route(Params{}, "").status().code(), common::ErrorCode::kInvalidArgument);
  EXPECT_EQ(router.XmlnsFor("sns"), "http://sns.amazonaws.com/doc/2010-03-31/");
}

// Verifies the scope service is found in header and presigned forms.
TEST(QueryRouterTest, ScopeService) {
  EXPECT_EQ(query::ScopeService("AWS4-HMAC-SHA256 Credential=AKID/20261122/us-east-1/sqs/aws4_request, "
                                "SignedHeaders=host, Signature=ab"),
            "sqs");
  EXPECT_EQ(query::ScopeService("X-Amz-Credential=AKID%2F20261122%2Fus-east-1%2Fsts%2Faws4_request&x=1"),
            "sts");
  EXPECT_EQ(query::ScopeService("garbage"), "");
}

// Verifies query-string decoding, including malformed escapes.
TEST(QueryStringTest, Decoding) {
  auto p = ParseQuery("a=1&b=&c&d=x%20y+z&a=2", true);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->at("a"), "1");
  EXPECT_EQ(p->at("b"), "");
  EXPECT_EQ(p->at("c"), "");
  EXPECT_EQ(p->at("d"), "x y z");
  EXPECT_EQ(ParseQuery("d=x+y", false)->at("d"), "x+y");
  EXPECT_FALSE(ParseQuery("a=%4", true));
  EXPECT_FALSE(ParseQuery("a=%", true));
  EXPECT_FALSE(ParseQuery("a=%g1", true));
  EXPECT_EQ(PercentDecode("%41%42", false), "AB");
}

}  // namespace
}  // namespace api
