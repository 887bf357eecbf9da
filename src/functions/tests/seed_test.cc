#include "functions/seed/common.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace functions::seed {
namespace {

namespace json = boost::json;

TEST(ObjectsOf, ReadsS3NotificationsWithEncodedKeys) {
  json::value e = json::parse(R"({"Records":[{"eventName":"ObjectCreated:Put","eventTime":"2026-11-22T10:00:00.000Z",
    "s3":{"bucket":{"name":"main-replica"},"object":{"key":"reports/q3+2026%2Ba.pdf","size":12,"eTag":"abc",
    "versionId":"v1"}}}]})");
  auto objects = ObjectsOf(e);
  ASSERT_TRUE(objects.ok()) << objects.status().ToString();
  ASSERT_EQ(objects->size(), 1u);
  const ObjectRef& o = (*objects)[0];
  EXPECT_EQ(o.bucket, "main-replica");
  EXPECT_EQ(o.key, "reports/q3 2026+a.pdf");
  EXPECT_EQ(o.size, 12);
  EXPECT_EQ(o.version_id, "v1");
  EXPECT_EQ(o.event_name, "ObjectCreated:Put");
  EXPECT_EQ(o.event_time, "2026-11-22T10:00:00.000Z");
}

TEST(ObjectsOf, ReadsEventBridgeS3Events) {
  json::value e = json::parse(R"({"version":"0","source":"aws.s3","detail-type":"Object Created",
    "time":"2026-11-22T10:00:00Z","detail":{"bucket":{"name":"documents"},
    "object":{"key":"a b.txt","size":3,"etag":"e","version-id":"v9"}}})");
  auto objects = ObjectsOf(e);
  ASSERT_TRUE(objects.ok());
  EXPECT_EQ((*objects)[0].bucket, "documents");
  EXPECT_EQ((*objects)[0].key, "a b.txt");  // EventBridge keys are not encoded
  EXPECT_EQ((*objects)[0].version_id, "v9");
  EXPECT_EQ((*objects)[0].event_name, "Object Created");
}

TEST(ObjectsOf, RefusesAnythingElse) {
  for (const char* text : {"42", R"("poison")", R"({"Records":"x"})", R"({"Records":[{"s3":{}}]})",
                           R"({"source":"aws.ec2","detail":{"bucket":{"name":"b"},"object":{"key":"k"}}})",
                           R"({"source":"aws.s3","detail":{"bucket":{"name":"b"},"object":{}}})"}) {
    auto objects = ObjectsOf(json::parse(text));
    EXPECT_EQ(objects.status().code(), common::ErrorCode::kInvalidArgument) << text;
  }
}

}  // namespace
}  // namespace functions::seed
