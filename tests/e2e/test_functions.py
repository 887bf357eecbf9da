"""Functions on resources a user creates with boto3 (the default stack's own,
provisioned from the config, are in test_default_stack.py): the seed handlers
deployed through [[regions.functions]], fed by an SQS event source mapping and
S3 notifications, calling services through the AWS client. A poison pill →
DLQ → redrive → failure-queue → failure-notifier → alert to a queue and the
operator's confirmed email; a failing asynchronous invocation ends in its
on-failure queue."""

import json
import os
import subprocess
import time
import urllib.request

import pytest

from clients import aws_clis
from conftest import ACCESS_KEY, SECRET_KEY, wait_for

import boto3
import botocore.config

PRIMARY = "ap-south-1"
REPLICA = "ap-southeast-1"
ACCOUNT = "000000000000"

PRIMARY_FUNCTIONS = f"""
[[regions.functions]]
name = "checksum-validator"
timeout_seconds = 30
environment = {{ REPLICA_REGION = "{REPLICA}" }}

[[regions.functions]]
name = "failure-notifier"
environment = {{ ALERTS_TOPIC_ARN = "arn:aws:sns:{PRIMARY}:{ACCOUNT}:alerts" }}

[[regions.event_source_mappings]]
function = "checksum-validator"
queue = "validation-queue"
batch_size = 10
report_batch_item_failures = true

[[regions.event_source_mappings]]
function = "failure-notifier"
queue = "failure-queue"
report_batch_item_failures = true
"""

REPLICA_FUNCTIONS = f"""
[[regions.functions]]
name = "replica-processor"
environment = {{ TABLE_NAME = "file-metadata", ALERTS_TOPIC_ARN = "arn:aws:sns:{REPLICA}:{ACCOUNT}:alerts" }}
on_failure = "arn:aws:sqs:{REPLICA}:{ACCOUNT}:processor-failures"
"""


def client(stratus, service, region):
    return boto3.client(service, endpoint_url=stratus.endpoint(region), region_name=region,
                        aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
                        config=botocore.config.Config(retries={"max_attempts": 1}))


def function_log(stratus, region, name):
    path = os.path.join(stratus.data, region, "functions", f"{name}.log")
    if not os.path.exists(path):
        return ""
    with open(path) as f:
        return f.read()


def provision(stratus):
    """The seed 000/001 resources, created as a user would with boto3."""
    p_s3, r_s3 = client(stratus, "s3", PRIMARY), client(stratus, "s3", REPLICA)
    p_sqs, r_sqs = client(stratus, "sqs", PRIMARY), client(stratus, "sqs", REPLICA)
    p_sns, r_sns = client(stratus, "sns", PRIMARY), client(stratus, "sns", REPLICA)
    events = client(stratus, "events", PRIMARY)
    ddb = client(stratus, "dynamodb", REPLICA)

    r_s3.create_bucket(Bucket="documents-replica", CreateBucketConfiguration={"LocationConstraint": REPLICA})
    r_s3.put_bucket_versioning(Bucket="documents-replica", VersioningConfiguration={"Status": "Enabled"})
    ddb.create_table(TableName="file-metadata", AttributeDefinitions=[{"AttributeName": "object_key", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "object_key", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
    r_sqs.create_queue(QueueName="processor-failures")
    r_topic = r_sns.create_topic(Name="alerts")["TopicArn"]
    r_inbox = r_sqs.create_queue(QueueName="alerts-inbox")["QueueUrl"]
    r_sns.subscribe(TopicArn=r_topic, Protocol="sqs", Endpoint=f"arn:aws:sqs:{REPLICA}:{ACCOUNT}:alerts-inbox",
                    Attributes={"RawMessageDelivery": "true"})
    r_s3.put_bucket_notification_configuration(Bucket="documents-replica", NotificationConfiguration={
        "LambdaFunctionConfigurations": [{
            "LambdaFunctionArn": f"arn:aws:lambda:{REPLICA}:{ACCOUNT}:function:replica-processor",
            "Events": ["s3:ObjectCreated:*"]}]})

    p_s3.create_bucket(Bucket="documents", CreateBucketConfiguration={"LocationConstraint": PRIMARY})
    p_s3.put_bucket_versioning(Bucket="documents", VersioningConfiguration={"Status": "Enabled"})
    p_s3.put_bucket_replication(Bucket="documents", ReplicationConfiguration={
        "Role": f"arn:aws:iam::{ACCOUNT}:role/replication",
        "Rules": [{"ID": "all", "Priority": 1, "Status": "Enabled", "Filter": {"Prefix": ""},
                   "DeleteMarkerReplication": {"Status": "Disabled"},
                   "Destination": {"Bucket": "arn:aws:s3:::documents-replica"}}]})
    p_s3.put_bucket_notification_configuration(Bucket="documents",
                                               NotificationConfiguration={"EventBridgeConfiguration": {}})
    dlq_arn = f"arn:aws:sqs:{PRIMARY}:{ACCOUNT}:validation-dlq"
    p_sqs.create_queue(QueueName="validation-dlq")
    p_sqs.create_queue(QueueName="validation-queue", Attributes={
        "VisibilityTimeout": "1",
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "3"})})
    p_sqs.create_queue(QueueName="failure-queue", Attributes={"VisibilityTimeout": "5"})
    events.put_rule(Name="s3-object-created", EventPattern=json.dumps(
        {"source": ["aws.s3"], "detail-type": ["Object Created"], "detail": {"bucket": {"name": ["documents"]}}}))
    events.put_targets(Rule="s3-object-created", Targets=[
        {"Id": "validation", "Arn": f"arn:aws:sqs:{PRIMARY}:{ACCOUNT}:validation-queue"}])
    p_topic = p_sns.create_topic(Name="alerts")["TopicArn"]
    p_sqs.create_queue(QueueName="alerts-inbox")
    p_sns.subscribe(TopicArn=p_topic, Protocol="sqs", Endpoint=f"arn:aws:sqs:{PRIMARY}:{ACCOUNT}:alerts-inbox",
                    Attributes={"RawMessageDelivery": "true"})
    p_sns.subscribe(TopicArn=p_topic, Protocol="email", Endpoint="ops@example.com")


def receive_all(sqs, url, timeout, want):
    got = []
    deadline = time.time() + timeout
    while time.time() < deadline and len(got) < want:
        r = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
        for m in r.get("Messages", []):
            got.append(m["Body"])
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    return got


@pytest.fixture
def pipeline(stratus_factory):
    s = stratus_factory(regions=(PRIMARY, REPLICA),
                        region_extra={PRIMARY: PRIMARY_FUNCTIONS, REPLICA: REPLICA_FUNCTIONS}).start()
    provision(s)
    return s


def test_poison_pill_goes_to_the_dlq_and_its_redrive_alerts(pipeline, aws_env):
    s = pipeline
    sqs = client(s, "sqs", PRIMARY)
    url = sqs.get_queue_url(QueueName="validation-queue")["QueueUrl"]
    dlq = sqs.get_queue_url(QueueName="validation-dlq")["QueueUrl"]
    # The operator's email subscription is confirmed through its link, as a user would.
    mail = os.path.join(s.data, PRIMARY, "mail")
    confirmation = wait_for(lambda: os.path.isdir(mail) and [open(os.path.join(mail, f)).read() for f in os.listdir(mail)],
                            10, what="the confirmation mail")[0]
    link = next(l for l in confirmation.splitlines() if "Action=ConfirmSubscription" in l).strip()
    urllib.request.urlopen(link).read()
    sqs.send_message(QueueUrl=url, MessageBody="this is not JSON")
    # Three failed receives (visibility timeout 1 s), then the redrive policy moves it.
    wait_for(lambda: sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["ApproximateNumberOfMessages"])
             ["Attributes"]["ApproximateNumberOfMessages"] == "1", 30, what="poison pill in the DLQ")
    assert function_log(s, PRIMARY, "checksum-validator").count("is not an object event") >= 3

    # The operator's redrive, with the aws CLI as seed 001 does it (Debian's
    # CLI 2.9 predates message move tasks; the newer one has them).
    clis = [c for c, _ in aws_clis() if not c.startswith("/usr/")]
    if not clis:
        pytest.skip("no aws CLI with start-message-move-task on this machine")
    out = subprocess.run([clis[0], "--endpoint-url", s.endpoint(PRIMARY), "--region", PRIMARY, "--output", "json",
                          "sqs", "start-message-move-task",
                          "--source-arn", f"arn:aws:sqs:{PRIMARY}:{ACCOUNT}:validation-dlq",
                          "--destination-arn", f"arn:aws:sqs:{PRIMARY}:{ACCOUNT}:failure-queue"],
                         capture_output=True, text=True, env=aws_env, timeout=60)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["TaskHandle"]
    inbox = sqs.get_queue_url(QueueName="alerts-inbox")["QueueUrl"]
    alerts = receive_all(sqs, inbox, 30, 1)
    assert alerts, function_log(s, PRIMARY, "failure-notifier")
    assert "this is not JSON" in alerts[0] and "Receive count:" in alerts[0] and "could not be processed" in alerts[0]
    assert "ALERT sent" in function_log(s, PRIMARY, "failure-notifier")
    # ... and the operator's inbox has the failure email.
    email = wait_for(lambda: [t for t in (open(os.path.join(mail, f)).read() for f in os.listdir(mail))
                              if "Subject: Backup validation failure" in t], 10, what="the failure email")[0]
    assert "this is not JSON" in email and "To: ops@example.com" in email


def test_a_failing_async_invocation_ends_in_its_on_failure_queue(pipeline):
    s = pipeline
    ddb = client(s, "dynamodb", REPLICA)
    ddb.delete_table(TableName="file-metadata")  # every PutItem now fails
    r_s3 = client(s, "s3", REPLICA)
    r_s3.put_object(Bucket="documents-replica", Key="orphan.txt", Body=b"x")
    r_sqs = client(s, "sqs", REPLICA)
    url = r_sqs.get_queue_url(QueueName="processor-failures")["QueueUrl"]
    # 1 attempt + 2 retries with 1 s, 2 s backoff.
    bodies = receive_all(r_sqs, url, 30, 1)
    assert bodies, function_log(s, REPLICA, "replica-processor")
    record = json.loads(bodies[0])
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 3
    assert record["requestContext"]["functionArn"].endswith(":function:replica-processor:$LATEST")
    assert record["requestPayload"]["Records"][0]["s3"]["object"]["key"] == "orphan.txt"
    assert "ResourceNotFoundException" in record["responsePayload"]["errorMessage"]
