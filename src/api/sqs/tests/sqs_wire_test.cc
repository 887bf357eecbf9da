// The Query protocol codec against SQS's (and SNS's) model: form parameters as
// botocore's Query serializer writes them, and XML as its parser reads it, in
// the server's direction and the client's.

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

// --- The client direction: EncodeInput / DecodeOutput / DecodeError ---------

using Form = std::vector<std::pair<std::string, std::string>>;

const ServiceModel& SnsM() { return models::SnsModel(); }
const ServiceModel& SqsM() { return models::SqsModel(); }

Params ToParams(const Form& form) {
  Params p;
  for (const auto& [k, v] : form) EXPECT_TRUE(p.emplace(k, v).second) << "repeated parameter " << k;
  return p;
}

// EncodeInput's parameters, checked to decode back to `input`.
Form EncodeRoundTrip(const ServiceModel& m, std::string_view op, std::string_view input) {
  json::object in = json::parse(input).as_object();
  auto form = m.EncodeInput(op, in);
  EXPECT_TRUE(form.ok()) << form.status().ToString();
  if (!form.ok()) return {};
  auto back = m.DecodeInput(op, ToParams(*form));
  EXPECT_TRUE(back.ok()) << back.status().ToString();
  if (back.ok()) {
    EXPECT_EQ(*back, in) << op;
  }
  return *form;
}

// EncodeOutput's XML, checked to decode back to `output`.
std::string OutputRoundTrip(const ServiceModel& m, std::string_view op, std::string_view output) {
  json::object out = json::parse(output).as_object();
  std::string xml = m.EncodeOutput(op, out, "RID");
  auto back = m.DecodeOutput(op, xml);
  EXPECT_TRUE(back.ok()) << back.status().ToString();
  if (back.ok()) {
    EXPECT_EQ(*back, out) << xml;
  }
  return xml;
}

TEST(QueryClientCodec, EncodesSnsPublishAsBotocoreDoes) {
  Form form = EncodeRoundTrip(SnsM(), "Publish",
      R"({"TopicArn":"arn:aws:sns:us-east-1:123456789012:t","Message":"a & b","Subject":"s",)"
      R"("MessageAttributes":{"k":{"DataType":"String","StringValue":"v"},"b":{"DataType":"Binary","BinaryValue":"AAE="}}})");
  EXPECT_EQ(form, (Form{{"TopicArn", "arn:aws:sns:us-east-1:123456789012:t"},
                        {"Message", "a & b"},
                        {"Subject", "s"},
                        {"MessageAttributes.entry.1.Name", "k"},
                        {"MessageAttributes.entry.1.Value.DataType", "String"},
                        {"MessageAttributes.entry.1.Value.StringValue", "v"},
                        {"MessageAttributes.entry.2.Name", "b"},
                        {"MessageAttributes.entry.2.Value.DataType", "Binary"},
                        {"MessageAttributes.entry.2.Value.BinaryValue", "AAE="}}));
}

TEST(QueryClientCodec, SnsInputsRoundTrip) {
  Params batch = ToParams(EncodeRoundTrip(SnsM(), "PublishBatch",
      R"({"TopicArn":"arn:t","PublishBatchRequestEntries":[{"Id":"1","Message":"one"},)"
      R"({"Id":"2","Message":"two","MessageGroupId":"g","MessageAttributes":{"n":{"DataType":"Number","StringValue":"7"}}}]})"));
  EXPECT_EQ(batch["PublishBatchRequestEntries.member.1.Id"], "1");
  EXPECT_EQ(batch["PublishBatchRequestEntries.member.2.MessageAttributes.entry.1.Value.StringValue"], "7");

  Params subscribe = ToParams(EncodeRoundTrip(SnsM(), "Subscribe",
      R"({"TopicArn":"arn:t","Protocol":"sqs","Endpoint":"arn:q","ReturnSubscriptionArn":true,)"
      R"("Attributes":{"RawMessageDelivery":"true","FilterPolicy":"{\"a\":[\"b\"]}"}})"));
  EXPECT_EQ(subscribe["ReturnSubscriptionArn"], "true");
  EXPECT_EQ(subscribe["Attributes.entry.2.key"], "FilterPolicy");
  EXPECT_EQ(subscribe["Attributes.entry.2.value"], R"({"a":["b"]})");
  EXPECT_EQ(ToParams(EncodeRoundTrip(SnsM(), "Subscribe", R"({"TopicArn":"t","ReturnSubscriptionArn":false})"))
                ["ReturnSubscriptionArn"], "false");

  EXPECT_EQ(EncodeRoundTrip(SnsM(), "SetSubscriptionAttributes",
                            R"({"SubscriptionArn":"arn:s","AttributeName":"RawMessageDelivery","AttributeValue":"true"})"),
            (Form{{"SubscriptionArn", "arn:s"}, {"AttributeName", "RawMessageDelivery"}, {"AttributeValue", "true"}}));
  // Nulls are left out, as if absent.
  EXPECT_EQ(SnsM().EncodeInput("Publish", json::object{{"TopicArn", "t"}, {"Subject", nullptr}}).value(),
            (Form{{"TopicArn", "t"}}));
}

TEST(QueryClientCodec, SqsInputsRoundTripWithFlattenedListsAndMaps) {
  // As botocore 1.29's Query serializer writes it, in the same order.
  Form batch = EncodeRoundTrip(SqsM(), "SendMessageBatch",
      R"({"QueueUrl":"http://h/000000000000/q","Entries":[)"
      R"({"Id":"a","MessageBody":"hello","DelaySeconds":5,"MessageAttributes":{)"
      R"("color":{"DataType":"String","StringValue":"red"},)"
      R"("sizes":{"DataType":"String","StringListValues":["s","m"]}},)"
      R"("MessageSystemAttributes":{"AWSTraceHeader":{"DataType":"String","StringValue":"Root=1"}}},)"
      R"({"Id":"b","MessageBody":"bye","MessageGroupId":"g"}]})");
  const std::string e1 = "SendMessageBatchRequestEntry.1.", e2 = "SendMessageBatchRequestEntry.2.";
  EXPECT_EQ(batch, (Form{{"QueueUrl", "http://h/000000000000/q"},
                         {e1 + "Id", "a"},
                         {e1 + "MessageBody", "hello"},
                         {e1 + "DelaySeconds", "5"},
                         {e1 + "MessageAttribute.1.Name", "color"},
                         {e1 + "MessageAttribute.1.Value.DataType", "String"},
                         {e1 + "MessageAttribute.1.Value.StringValue", "red"},
                         {e1 + "MessageAttribute.2.Name", "sizes"},
                         {e1 + "MessageAttribute.2.Value.DataType", "String"},
                         {e1 + "MessageAttribute.2.Value.StringListValue.1", "s"},
                         {e1 + "MessageAttribute.2.Value.StringListValue.2", "m"},
                         {e1 + "MessageSystemAttribute.1.Name", "AWSTraceHeader"},
                         {e1 + "MessageSystemAttribute.1.Value.DataType", "String"},
                         {e1 + "MessageSystemAttribute.1.Value.StringValue", "Root=1"},
                         {e2 + "Id", "b"},
                         {e2 + "MessageBody", "bye"},
                         {e2 + "MessageGroupId", "g"}}));

  Params receive = ToParams(EncodeRoundTrip(SqsM(), "ReceiveMessage",
      R"({"QueueUrl":"u","AttributeNames":["All"],"MessageAttributeNames":["a","b"],"MaxNumberOfMessages":10,"WaitTimeSeconds":0})"));
  EXPECT_EQ(receive, (Params{{"QueueUrl", "u"}, {"AttributeName.1", "All"}, {"MessageAttributeName.1", "a"},
                             {"MessageAttributeName.2", "b"}, {"MaxNumberOfMessages", "10"}, {"WaitTimeSeconds", "0"}}));
  // An empty list is the bare name with an empty value.
  EXPECT_EQ(EncodeRoundTrip(SqsM(), "ReceiveMessage", R"({"QueueUrl":"u","AttributeNames":[]})"),
            (Form{{"QueueUrl", "u"}, {"AttributeNames", ""}}));
}

TEST(QueryClientCodec, RejectsUnknownOperationsMembersAndWrongTypes) {
  auto code = [](const common::Result<Form>& r) { return r.status().code(); };
  constexpr auto kInvalid = common::ErrorCode::kInvalidArgument;
  EXPECT_EQ(code(SnsM().EncodeInput("Frobnicate", {})), kInvalid);
  EXPECT_EQ(code(SnsM().EncodeInput("Publish", {{"TopicArn", "t"}, {"Bogus", "x"}})), kInvalid);
  for (std::string_view bad : {R"({"TopicArn":5})", R"({"MessageAttributes":[]})",
                               R"({"MessageAttributes":{"k":"v"}})", R"({"MessageAttributes":{"k":{"StringValue":true}}})"}) {
    EXPECT_EQ(code(SnsM().EncodeInput("Publish", json::parse(bad).as_object())), kInvalid) << bad;
  }
  EXPECT_EQ(code(SnsM().EncodeInput("Subscribe", {{"ReturnSubscriptionArn", "yes"}})), kInvalid);
  EXPECT_EQ(code(SnsM().EncodeInput("PublishBatch", {{"PublishBatchRequestEntries", json::object{}}})), kInvalid);
  for (std::string_view bad : {R"({"Entries":[{"Id":"a","DelaySeconds":"5"}]})", R"({"Entries":[{"DelaySeconds":1.5}]})",
                               R"({"Entries":["a"]})"}) {
    EXPECT_EQ(code(SqsM().EncodeInput("SendMessageBatch", json::parse(bad).as_object())), kInvalid) << bad;
  }
  // Operations without input take no parameters.
  EXPECT_TRUE(SqsM().EncodeInput("ListQueues", {}).ok());
}

TEST(QueryClientCodec, SnsOutputsRoundTrip) {
  std::string attributes = OutputRoundTrip(SnsM(), "GetTopicAttributes",
      R"({"Attributes":{"TopicArn":"arn:t","DisplayName":"a<b>","SubscriptionsConfirmed":"1","Policy":"{\"x\":\"y\"}"}})");
  EXPECT_NE(attributes.find("<Attributes><entry><key>TopicArn</key><value>arn:t</value></entry>"), std::string::npos);
  OutputRoundTrip(SnsM(), "GetTopicAttributes", R"({})");

  std::string topics = OutputRoundTrip(SnsM(), "ListTopics",
                                       R"({"Topics":[{"TopicArn":"arn:1"},{"TopicArn":"arn:2"}],"NextToken":"n"})");
  EXPECT_NE(topics.find("<Topics><member><TopicArn>arn:1</TopicArn></member>"), std::string::npos);
  OutputRoundTrip(SnsM(), "ListTopics", R"({"Topics":[]})");

  OutputRoundTrip(SnsM(), "Publish", R"({"MessageId":"m-1","SequenceNumber":"10000000000000000001"})");
  OutputRoundTrip(SnsM(), "Subscribe", R"({"SubscriptionArn":"pending confirmation"})");
  OutputRoundTrip(SnsM(), "PublishBatch",
                  R"({"Successful":[{"Id":"1","MessageId":"m"}],)"
                  R"("Failed":[{"Id":"2","Code":"InvalidParameter","Message":"no","SenderFault":true}]})");
  // Operations without output decode to {}.
  EXPECT_EQ(SnsM().DecodeOutput("SetSubscriptionAttributes", SnsM().EncodeOutput("SetSubscriptionAttributes", {}, "R")).value(),
            json::object());
}

TEST(QueryClientCodec, SqsOutputsRoundTripWithFlattenedListsAndMaps) {
  std::string xml = OutputRoundTrip(SqsM(), "ReceiveMessage",
      R"({"Messages":[{"MessageId":"m1","ReceiptHandle":"r1","MD5OfBody":"x","Body":"a<b & \"c\"",)"
      R"("Attributes":{"SentTimestamp":"1","ApproximateReceiveCount":"2"},)"
      R"("MessageAttributes":{"n":{"StringValue":"7","DataType":"Number"},"bin":{"BinaryValue":"AAE=","DataType":"Binary"}}},)"
      R"({"MessageId":"m2","Body":" "}]})");
  EXPECT_NE(xml.find("<Message><MessageId>m2</MessageId><Body> </Body></Message>"), std::string::npos);
  OutputRoundTrip(SqsM(), "ReceiveMessage", R"({})");
  OutputRoundTrip(SqsM(), "SendMessageBatch",
                  R"({"Successful":[{"Id":"a","MessageId":"m","MD5OfMessageBody":"x"},{"Id":"b","MessageId":"n"}],)"
                  R"("Failed":[{"Id":"c","SenderFault":false,"Code":"InvalidParameterValue","Message":"m"}]})");
  OutputRoundTrip(SqsM(), "ListMessageMoveTasks",
                  R"({"Results":[{"TaskHandle":"h","Status":"RUNNING","ApproximateNumberOfMessagesMoved":3,)"
                  R"("StartedTimestamp":1700000000000}]})");
  OutputRoundTrip(SqsM(), "GetQueueAttributes", R"({"Attributes":{"VisibilityTimeout":"30","DelaySeconds":"0"}})");
}

// Responses as AWS sends them (the shape of the examples in AWS's API
// references): indented, with ResponseMetadata.
TEST(QueryClientCodec, DecodesResponsesAsAwsSendsThem) {
  auto topics = SnsM().DecodeOutput("ListTopics", R"(<?xml version="1.0"?>
<ListTopicsResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
  <ListTopicsResult>
    <Topics>
      <member>
        <TopicArn>arn:aws:sns:us-east-2:123456789012:My-Topic</TopicArn>
      </member>
      <member>
        <TopicArn>arn:aws:sns:us-east-2:123456789012:Other</TopicArn>
      </member>
    </Topics>
  </ListTopicsResult>
  <ResponseMetadata>
    <RequestId>3f1478c7-33a9-11df-9540-99d0768312d3</RequestId>
  </ResponseMetadata>
</ListTopicsResponse>
)");
  ASSERT_TRUE(topics.ok()) << topics.status().ToString();
  EXPECT_EQ(*topics, json::parse(R"({"Topics":[{"TopicArn":"arn:aws:sns:us-east-2:123456789012:My-Topic"},)"
                                 R"({"TopicArn":"arn:aws:sns:us-east-2:123456789012:Other"}]})"));

  auto attributes = SnsM().DecodeOutput("GetTopicAttributes", R"(
<GetTopicAttributesResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
  <GetTopicAttributesResult>
    <Attributes>
      <entry>
        <key>Owner</key>
        <value>123456789012</value>
      </entry>
      <entry>
        <key>DisplayName</key>
        <value></value>
      </entry>
    </Attributes>
  </GetTopicAttributesResult>
  <ResponseMetadata><RequestId>057f074c-33a7-11df-9540-99d0768312d3</RequestId></ResponseMetadata>
</GetTopicAttributesResponse>)");
  ASSERT_TRUE(attributes.ok()) << attributes.status().ToString();
  EXPECT_EQ(*attributes, json::parse(R"({"Attributes":{"Owner":"123456789012","DisplayName":""}})"));

  auto received = SqsM().DecodeOutput("ReceiveMessage", R"(<ReceiveMessageResponse>
  <ReceiveMessageResult>
    <Message>
      <MessageId>5fea7756-0ea4-451a-a703-a558b933e274</MessageId>
      <ReceiptHandle>MbZj6wDWli+JvwwJaBV+3dcjk2YW2vA3+STFFljTM8tJJg6HRG6PYSasuWXPJB+Cw=</ReceiptHandle>
      <MD5OfBody>fafb00f5732ab283681e124bf8747ed1</MD5OfBody>
      <Body>This is a test message</Body>
      <Attribute>
        <Name>SenderId</Name>
        <Value>195004372649</Value>
      </Attribute>
      <Attribute>
        <Name>ApproximateReceiveCount</Name>
        <Value>5</Value>
      </Attribute>
      <MessageAttribute>
        <Name>City</Name>
        <Value>
          <DataType>String</DataType>
          <StringValue>Any City</StringValue>
        </Value>
      </MessageAttribute>
    </Message>
  </ReceiveMessageResult>
  <ResponseMetadata>
    <RequestId>b6633655-283d-45b4-aee4-4e84e0ae6afa</RequestId>
  </ResponseMetadata>
</ReceiveMessageResponse>)");
  ASSERT_TRUE(received.ok()) << received.status().ToString();
  EXPECT_EQ(*received, json::parse(
      R"({"Messages":[{"MessageId":"5fea7756-0ea4-451a-a703-a558b933e274",)"
      R"("ReceiptHandle":"MbZj6wDWli+JvwwJaBV+3dcjk2YW2vA3+STFFljTM8tJJg6HRG6PYSasuWXPJB+Cw=",)"
      R"("MD5OfBody":"fafb00f5732ab283681e124bf8747ed1","Body":"This is a test message",)"
      R"("Attributes":{"SenderId":"195004372649","ApproximateReceiveCount":"5"},)"
      R"("MessageAttributes":{"City":{"DataType":"String","StringValue":"Any City"}}}]})"));

  // Typed scalars; elements the shape does not name are ignored.
  auto batch = SnsM().DecodeOutput("PublishBatch", R"(<PublishBatchResponse><PublishBatchResult>
    <Successful><member><Id>1</Id><MessageId>m</MessageId><Extra>x</Extra></member></Successful>
    <Failed><member><Id>2</Id><Code>InvalidParameter</Code><SenderFault>true</SenderFault></member></Failed>
  </PublishBatchResult></PublishBatchResponse>)");
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  EXPECT_EQ(*batch, json::parse(R"({"Successful":[{"Id":"1","MessageId":"m"}],)"
                                R"("Failed":[{"Id":"2","Code":"InvalidParameter","SenderFault":true}]})"));
  auto moves = SqsM().DecodeOutput("ListMessageMoveTasks",
      "<ListMessageMoveTasksResponse><ListMessageMoveTasksResult><ListMessageMoveTasksResultEntry>"
      "<ApproximateNumberOfMessagesMoved>42</ApproximateNumberOfMessagesMoved></ListMessageMoveTasksResultEntry>"
      "</ListMessageMoveTasksResult></ListMessageMoveTasksResponse>");
  ASSERT_TRUE(moves.ok()) << moves.status().ToString();
  EXPECT_EQ(*moves, json::parse(R"({"Results":[{"ApproximateNumberOfMessagesMoved":42}]})"));
  // A response without its result element has no members.
  EXPECT_EQ(SnsM().DecodeOutput("Publish", "<PublishResponse><ResponseMetadata/></PublishResponse>").value(),
            json::object());
}

TEST(QueryClientCodec, RejectsMalformedResponses) {
  constexpr auto kInvalid = common::ErrorCode::kInvalidArgument;
  EXPECT_EQ(SnsM().DecodeOutput("Frobnicate", "<FrobnicateResponse/>").status().code(), kInvalid);
  EXPECT_EQ(SnsM().DecodeOutput("Publish", "").status().code(), kInvalid);
  EXPECT_EQ(SnsM().DecodeOutput("Publish", "<PublishResponse><PublishResult>").status().code(), kInvalid);
  EXPECT_EQ(SnsM().DecodeOutput("Publish", "<SubscribeResponse/>").status().code(), kInvalid);
  EXPECT_EQ(SnsM().DecodeOutput("Publish", "<ErrorResponse><Error><Code>X</Code></Error></ErrorResponse>")
                .status().code(), kInvalid);
  EXPECT_EQ(SqsM().DecodeOutput("ListMessageMoveTasks",
                                "<ListMessageMoveTasksResponse><ListMessageMoveTasksResult><ListMessageMoveTasksResultEntry>"
                                "<StartedTimestamp>soon</StartedTimestamp></ListMessageMoveTasksResultEntry>"
                                "</ListMessageMoveTasksResult></ListMessageMoveTasksResponse>")
                .status().code(), kInvalid);
  EXPECT_EQ(SnsM().DecodeOutput("GetTopicAttributes",
                                "<GetTopicAttributesResponse><GetTopicAttributesResult><Attributes><entry><value>v</value>"
                                "</entry></Attributes></GetTopicAttributesResult></GetTopicAttributesResponse>")
                .status().code(), kInvalid);
}

TEST(QueryClientCodec, DecodesErrorBodies) {
  QueryError e = ServiceModel::DecodeError(R"(<?xml version="1.0"?>
<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
  <Error>
    <Type>Sender</Type>
    <Code>NotFound</Code>
    <Message>Topic does not exist &amp; never did</Message>
  </Error>
  <RequestId>9dd01905-5012-5f99-8663-4b3ecd0dfaef</RequestId>
</ErrorResponse>)");
  EXPECT_EQ(e.type, "Sender");
  EXPECT_EQ(e.code, "NotFound");
  EXPECT_EQ(e.message, "Topic does not exist & never did");

  e = ServiceModel::DecodeError("<Response><Errors><Error><Code>AWS.SimpleQueueService.NonExistentQueue</Code>"
                                "</Error></Errors></Response>");
  EXPECT_EQ(e.code, "AWS.SimpleQueueService.NonExistentQueue");
  EXPECT_EQ(e.message, "");
  e = ServiceModel::DecodeError("Service Unavailable");
  EXPECT_EQ(e.type + e.code + e.message, "");
}

// Timestamps and doubles (neither SQS nor SNS has them) against a small model.
TEST(QueryClientCodec, TimestampsAndDoubles) {
  auto model = ServiceModel::Parse(R"({"operations":{"Op":{"input":"S","output":"S","resultWrapper":"OpResult"}},
      "shapes":{"S":{"type":"structure","members":{"When":{"shape":"T"},"Ratio":{"shape":"D"}}},
                "T":{"type":"timestamp"},"D":{"type":"double"}}})").value();
  EXPECT_EQ(model->EncodeInput("Op", {{"When", 1714564800}, {"Ratio", 0.25}}).value(),
            (Form{{"When", "2024-05-01T12:00:00Z"}, {"Ratio", "0.25"}}));
  EXPECT_EQ(model->EncodeInput("Op", {{"When", 1.5}}).value(), (Form{{"When", "1970-01-01T00:00:01.500000Z"}}));
  EXPECT_EQ(model->EncodeInput("Op", {{"When", "2024-05-01T12:00:00Z"}}).value(),
            (Form{{"When", "2024-05-01T12:00:00Z"}}));
  EXPECT_EQ(model->EncodeInput("Op", {{"When", true}}).status().code(), common::ErrorCode::kInvalidArgument);
  EXPECT_EQ(model->DecodeOutput("Op", "<OpResponse><OpResult><When>2024-05-01T12:00:00Z</When><Ratio>2.5</Ratio>"
                                      "</OpResult></OpResponse>").value(),
            json::parse(R"({"When":"2024-05-01T12:00:00Z","Ratio":2.5})"));
  EXPECT_FALSE(model->DecodeOutput("Op", "<OpResponse><OpResult><Ratio>half</Ratio></OpResult></OpResponse>").ok());
}

}  // namespace
}  // namespace api::query
