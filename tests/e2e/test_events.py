"""EventBridge end to end: rules, targets (SQS queues, input transformers,
dead-letter queues), PutEvents, with boto3 and both aws CLIs."""

import json
import subprocess
import time

import boto3
import botocore.config
import pytest
from botocore.exceptions import ClientError

from clients import aws_clis
from conftest import ACCESS_KEY, SECRET_KEY

REGION = "ap-south-1"
ACCOUNT = "000000000000"


def client(stratus, service, region=REGION):
    return boto3.client(service, endpoint_url=stratus.endpoint(region), region_name=region,
                        aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
                        config=botocore.config.Config(retries={"max_attempts": 1}))


def receive_all(sqs, url, n, timeout=10):
    got, deadline = [], time.time() + timeout
    while len(got) < n and time.time() < deadline:
        msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                                   MessageAttributeNames=["All"]).get("Messages", [])
        got += msgs
        if msgs:
            sqs.delete_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                                                            for i, m in enumerate(msgs)])
    return got


def test_rules_targets_and_delivery(stratus):
    events, sqs = client(stratus, "events"), client(stratus, "sqs")
    url = sqs.create_queue(QueueName="orders")["QueueUrl"]
    shaped_url = sqs.create_queue(QueueName="shaped")["QueueUrl"]
    arn = f"arn:aws:sqs:{REGION}:{ACCOUNT}:"
    pattern = {"source": ["shop"], "detail-type": ["Order Placed"], "detail": {"total": [{"numeric": [">", 100]}]}}
    rule_arn = events.put_rule(Name="big-orders", EventPattern=json.dumps(pattern))["RuleArn"]
    assert rule_arn == f"arn:aws:events:{REGION}:{ACCOUNT}:rule/big-orders"
    put = events.put_targets(Rule="big-orders", Targets=[
        {"Id": "raw", "Arn": arn + "orders"},
        {"Id": "shaped", "Arn": arn + "shaped",
         "InputTransformer": {"InputPathsMap": {"id": "$.detail.id", "total": "$.detail.total"},
                              "InputTemplate": '{"order": "<id>", "total": <total>, "rule": "<aws.events.rule-name>"}'}}])
    assert put["FailedEntryCount"] == 0
    desc = events.describe_rule(Name="big-orders")
    assert desc["State"] == "ENABLED" and json.loads(desc["EventPattern"]) == pattern and desc["Arn"] == rule_arn
    assert [r["Name"] for r in events.list_rules(NamePrefix="big")["Rules"]] == ["big-orders"]
    assert {t["Id"] for t in events.list_targets_by_rule(Rule="big-orders")["Targets"]} == {"raw", "shaped"}

    res = events.put_events(Entries=[
        {"Source": "shop", "DetailType": "Order Placed", "Detail": json.dumps({"id": "o-1", "total": 250})},
        {"Source": "shop", "DetailType": "Order Placed", "Detail": json.dumps({"id": "o-2", "total": 5})},
        {"Source": "shop", "DetailType": "Order Placed", "Detail": "not json"}])
    assert res["FailedEntryCount"] == 1 and res["Entries"][2]["ErrorCode"] == "MalformedDetail"
    got = receive_all(sqs, url, 1)
    assert len(got) == 1
    event = json.loads(got[0]["Body"])
    assert event["id"] == res["Entries"][0]["EventId"] and event["detail"] == {"id": "o-1", "total": 250}
    assert event["source"] == "shop" and event["account"] == ACCOUNT and event["region"] == REGION
    shaped = receive_all(sqs, shaped_url, 1)
    assert json.loads(shaped[0]["Body"]) == {"order": "o-1", "total": 250, "rule": "big-orders"}

    events.disable_rule(Name="big-orders")
    events.put_events(Entries=[{"Source": "shop", "DetailType": "Order Placed", "Detail": json.dumps({"total": 500})}])
    assert receive_all(sqs, url, 1, timeout=1.5) == []

    with pytest.raises(ClientError) as e:
        events.delete_rule(Name="big-orders")
    assert e.value.response["Error"]["Code"] == "ValidationException"
    events.remove_targets(Rule="big-orders", Ids=["raw", "shaped"])
    events.delete_rule(Name="big-orders")
    with pytest.raises(ClientError) as e:
        events.describe_rule(Name="big-orders")
    assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as e:
        events.put_rule(Name="bad", EventPattern='{"source": "shop"}')
    assert e.value.response["Error"]["Code"] == "InvalidEventPatternException"
    assert events.test_event_pattern(EventPattern=json.dumps({"source": [{"prefix": "sh"}]}),
                                     Event=json.dumps({"id": "1", "source": "shop", "detail-type": "x",
                                                       "account": ACCOUNT, "time": "2026-01-01T00:00:00Z",
                                                       "region": REGION, "resources": [], "detail": {}}))["Result"]


def test_undeliverable_events_reach_the_dead_letter_queue(stratus):
    events, sqs = client(stratus, "events"), client(stratus, "sqs")
    dlq = sqs.create_queue(QueueName="events-dlq")["QueueUrl"]
    events.put_rule(Name="lost", EventPattern=json.dumps({"source": ["app"]}))
    events.put_targets(Rule="lost", Targets=[{
        "Id": "gone", "Arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:does-not-exist",
        "DeadLetterConfig": {"Arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:events-dlq"},
        "RetryPolicy": {"MaximumRetryAttempts": 2, "MaximumEventAgeInSeconds": 60}}])
    events.put_events(Entries=[{"Source": "app", "DetailType": "t", "Detail": "{\"n\": 1}"}])
    got = receive_all(sqs, dlq, 1, timeout=15)
    assert len(got) == 1
    assert got[0]["MessageAttributes"]["TARGET_ARN"]["StringValue"].endswith(":does-not-exist")
    assert json.loads(got[0]["Body"])["detail"] == {"n": 1}


def test_accepted_events_survive_kill9(stratus):
    events, sqs = client(stratus, "events"), client(stratus, "sqs")
    url = sqs.create_queue(QueueName="after-crash")["QueueUrl"]
    events.put_rule(Name="all-app", EventPattern=json.dumps({"source": ["app"]}))
    events.put_targets(Rule="all-app", Targets=[{"Id": "q", "Arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:after-crash"}])
    ids = set()
    for i in range(0, 100, 10):
        res = events.put_events(Entries=[{"Source": "app", "DetailType": "t", "Detail": json.dumps({"i": i + j})}
                                         for j in range(10)])
        ids |= {e["EventId"] for e in res["Entries"]}
    stratus.kill9()
    stratus.start()
    sqs = client(stratus, "sqs")
    seen, deadline = set(), time.time() + 20
    while seen != ids and time.time() < deadline:
        seen |= {json.loads(m["Body"])["id"] for m in receive_all(sqs, url, 10, timeout=1)}
    assert seen == ids  # at least once: every accepted event arrives (some perhaps twice)


@pytest.mark.parametrize("cli", [c[0] for c in aws_clis()], ids=lambda c: "debian" if c.startswith("/usr") else "pyenv")
def test_aws_cli(stratus, aws_env, cli):
    base = [cli, "--endpoint-url", stratus.endpoint(REGION), "--region", REGION, "--output", "json"]

    def run(*args):
        out = subprocess.run(base + list(args), capture_output=True, text=True, env=aws_env, timeout=60)
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout) if out.stdout.strip() else {}

    url = run("sqs", "create-queue", "--queue-name", "cli-events")["QueueUrl"]
    run("events", "put-rule", "--name", "cli", "--event-pattern", json.dumps({"source": ["cli"]}))
    run("events", "put-targets", "--rule", "cli", "--targets",
        json.dumps([{"Id": "1", "Arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:cli-events"}]))
    res = run("events", "put-events", "--entries",
              json.dumps([{"Source": "cli", "DetailType": "d", "Detail": "{\"from\": \"cli\"}"}]))
    assert res["FailedEntryCount"] == 0
    msg = run("sqs", "receive-message", "--queue-url", url, "--wait-time-seconds", "5")["Messages"][0]
    assert json.loads(msg["Body"])["detail"] == {"from": "cli"}
