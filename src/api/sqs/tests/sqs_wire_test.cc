// The Query protocol codec against SQS's model: form parameters as botocore's
// Query serializer writes them, and XML as its parser reads it.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "api/query/model.h"
#include "api/query/models/models.h"

namespace api::query {
namespace {

namespace json = boost::json;

std::shared_ptr<const ServiceModel> Sqs() { return ServiceModel::Parse(models::Sqs()).value(); }

TEST(SqsQueryModel, DecodesFlattenedMapsListsAndNestedStructures) {
  Params p = {
      {"Action", "SendMessageBatch"},
      {"QueueUrl", "http://h/000000000000/q"},
      {"SendMessageBatchRequestEntry.1.Id", "a"},
      {"SendMessageBatchRequestEntry.1.MessageBody", "hello"},
      {"SendMessageBatchRequestEntry.1.DelaySeconds", "5"},
      {"SendMessageBatchRequestEntry.1.MessageAttribute.1.Name", "color"},
      {"SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType", "String"},
      {"SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue", "red"},
      {"SendMessageBatchRequestEntry.2.Id", "b"},
      {"SendMessageBatchRequestEntry.2.MessageBody", "bye"},
  };
  auto in = Sqs()->DecodeInput("SendMessageBatch", p).value();
  EXPECT_EQ(in, json::parse(
            R"({"QueueUrl":"http://h/000000000000/q","Entries":[{"Id":"a","MessageBody":"hello","DelaySeconds":5,)"
            R"("MessageAttributes":{"color":{"StringValue":"red","DataType":"String"}}},{"Id":"b","MessageBody":"bye"}]})"));

  Params create = {{"QueueName", "q"}, {"Attribute.1.Name", "VisibilityTimeout"}, {"Attribute.1.Value", "40"},
                   {"Tag.1.Key", "team"}, {"Tag.1.Value", "a"}};
  EXPECT_EQ(Sqs()->DecodeInput("CreateQueue", create).value(),
            json::parse(R"({"QueueName":"q","Attributes":{"VisibilityTimeout":"40"},"tags":{"team":"a"}})"));

  Params receive = {{"QueueUrl", "u"}, {"AttributeName.1", "All"}, {"MessageAttributeName.1", "x"},
                    {"MaxNumberOfMessages", "ten"}};
  EXPECT_EQ(Sqs()->DecodeInput("ReceiveMessage", receive).status().code(), common::ErrorCode::kInvalidArgument);
}

TEST(SqsQueryModel, EncodesOutputAsBotocoreReadsIt) {
  json::object out{{"Messages", json::array{json::object{
                                    {"MessageId", "m1"},
                                    {"Body", "a<b"},
                                    {"Attributes", json::object{{"SentTimestamp", "1"}}},
                                    {"MessageAttributes", json::object{{"n", json::object{{"DataType", "Number"},
                                                                                          {"StringValue", "7"}}}}},
                                }}}};
  std::string xml = Sqs()->EncodeOutput("ReceiveMessage", out, "RID");
  EXPECT_EQ(xml,
            "<?xml version=\"1.0\"?>\n<ReceiveMessageResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\">"
            "<ReceiveMessageResult><Message><MessageId>m1</MessageId><Body>a&lt;b</Body>"
            "<Attribute><Name>SentTimestamp</Name><Value>1</Value></Attribute>"
            "<MessageAttribute><Name>n</Name><Value><StringValue>7</StringValue><DataType>Number</DataType></Value>"
            "</MessageAttribute></Message></ReceiveMessageResult>"
            "<ResponseMetadata><RequestId>RID</RequestId></ResponseMetadata></ReceiveMessageResponse>");
  std::string empty = Sqs()->EncodeOutput("DeleteQueue", {}, "RID");
  EXPECT_NE(empty.find("<DeleteQueueResponse"), std::string::npos);
  EXPECT_EQ(empty.find("Result>"), std::string::npos);
  std::string list = Sqs()->EncodeOutput("ListQueues", json::object{{"QueueUrls", json::array{"u1", "u2"}}}, "R");
  EXPECT_NE(list.find("<ListQueuesResult><QueueUrl>u1</QueueUrl><QueueUrl>u2</QueueUrl></ListQueuesResult>"),
            std::string::npos);
}

TEST(SqsQueryModel, RejectsMalformedModels) {
  EXPECT_FALSE(ServiceModel::Parse("not json").ok());
  EXPECT_FALSE(ServiceModel::Parse(R"({"shapes":{"A":{"type":"structure","members":{"x":{"shape":"B"}}}},"operations":{}})").ok());
}

}  // namespace
}  // namespace api::query
