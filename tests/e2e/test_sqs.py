"""SQS end to end: both client generations through sqs_checks.py (Debian's
boto3 speaks the Query protocol, newer ones JSON), both aws CLIs, and
durability across kill -9."""

import json
import os
import subprocess
import time

import boto3
import pytest

from clients import aws_clis, boto3_generations
from conftest import ACCESS_KEY, SECRET_KEY

REGION = "ap-south-1"
HERE = os.path.dirname(os.path.abspath(__file__))


def sqs_client(stratus, region=REGION):
    import botocore.config
    return boto3.client("sqs", endpoint_url=stratus.endpoint(region), region_name=region,
                        aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
                        config=botocore.config.Config(retries={"max_attempts": 1}))


@pytest.mark.parametrize("python", boto3_generations(), ids=lambda p: "boto3-" + p[1])
def test_sqs_checks(stratus, python):
    prefix = "b" + python[1].replace(".", "") + "-"
    out = subprocess.run([python[0], os.path.join(HERE, "sqs_checks.py"), stratus.endpoint(REGION), REGION,
                          ACCESS_KEY, SECRET_KEY, prefix], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    results = json.loads(out.stdout)
    failed = {k: v for k, v in results.items() if v != "ok"}
    assert not failed, "\n".join(f"--- {k}\n{v}" for k, v in failed.items())
    assert len(results) >= 6


@pytest.mark.parametrize("cli", [c[0] for c in aws_clis()], ids=lambda c: "debian" if c.startswith("/usr") else "pyenv")
def test_aws_cli_queue_with_dead_letter_queue_and_redrive(stratus, aws_env, cli):
    base = [cli, "--endpoint-url", stratus.endpoint(REGION), "--region", REGION, "--output", "json", "sqs"]

    def run(*args):
        out = subprocess.run(base + list(args), capture_output=True, text=True, env=aws_env, timeout=60)
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout) if out.stdout.strip() else {}

    tag = "debian" if cli.startswith("/usr") else "pyenv"
    dlq = run("create-queue", "--queue-name", f"{tag}-dlq")["QueueUrl"]
    policy = json.dumps({"deadLetterTargetArn": f"arn:aws:sqs:{REGION}:000000000000:{tag}-dlq", "maxReceiveCount": "3"})
    src = run("create-queue", "--queue-name", f"{tag}-src", "--attributes",
              json.dumps({"RedrivePolicy": policy, "VisibilityTimeout": "1"}))["QueueUrl"]
    run("send-message", "--queue-url", src, "--message-body", "from the cli")
    for _ in range(3):
        got = run("receive-message", "--queue-url", src, "--wait-time-seconds", "3")
        assert got["Messages"][0]["Body"] == "from the cli"
    dead = run("receive-message", "--queue-url", dlq, "--wait-time-seconds", "5", "--visibility-timeout", "0")
    assert dead["Messages"][0]["Body"] == "from the cli"
    help_out = subprocess.run(base + ["help"], capture_output=True, text=True, env=aws_env, timeout=60).stdout
    if "start-message-move-task" not in help_out:
        return  # this CLI predates message move tasks
    run("start-message-move-task", "--source-arn", f"arn:aws:sqs:{REGION}:000000000000:{tag}-dlq")
    back = run("receive-message", "--queue-url", src, "--wait-time-seconds", "5")
    assert back["Messages"][0]["Body"] == "from the cli"
    tasks = run("list-message-move-tasks", "--source-arn", f"arn:aws:sqs:{REGION}:000000000000:{tag}-dlq")
    assert tasks["Results"][0]["Status"] == "COMPLETED"


def test_messages_survive_kill9(stratus):
    sqs = sqs_client(stratus)
    url = sqs.create_queue(QueueName="durable")["QueueUrl"]
    fifo = sqs.create_queue(QueueName="durable.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    bodies = {f"m{i}" for i in range(200)}
    for i in range(0, 200, 10):
        sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(j), "MessageBody": f"m{i + j}"} for j in range(10)])
    for i in range(5):
        sqs.send_message(QueueUrl=fifo, MessageBody=f"f{i}", MessageGroupId="g", MessageDeduplicationId=f"d{i}")
    inflight = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=600)["Messages"]
    stratus.kill9()
    stratus.start()
    sqs = sqs_client(stratus)
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attrs["ApproximateNumberOfMessagesNotVisible"] == "10", attrs
    assert attrs["ApproximateNumberOfMessages"] == "190", attrs
    got = set()
    while True:
        msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not msgs:
            break
        got |= {m["Body"] for m in msgs}
        sqs.delete_message_batch(QueueUrl=url, Entries=[{"Id": str(k), "ReceiptHandle": m["ReceiptHandle"]}
                                                        for k, m in enumerate(msgs)])
    assert got | {m["Body"] for m in inflight} == bodies
    # Receipt handles from before the crash still work.
    sqs.delete_message(QueueUrl=url, ReceiptHandle=inflight[0]["ReceiptHandle"])
    # FIFO order and deduplication survive too.
    dup = sqs.send_message(QueueUrl=fifo, MessageBody="f0-again", MessageGroupId="g", MessageDeduplicationId="d0")
    order = []
    for _ in range(10):
        msgs = sqs.receive_message(QueueUrl=fifo, MaxNumberOfMessages=10).get("Messages", [])
        if not msgs:
            break
        order += [m["Body"] for m in msgs]
        sqs.delete_message_batch(QueueUrl=fifo, Entries=[{"Id": str(k), "ReceiptHandle": m["ReceiptHandle"]}
                                                         for k, m in enumerate(msgs)])
    assert order == [f"f{i}" for i in range(5)], (order, dup)


def test_query_protocol_posted_to_queue_url_and_errors(stratus):
    """Older SDKs post Query requests to the queue's URL without a QueueUrl."""
    from conftest import sigv4_headers
    import urllib.parse
    import urllib.request
    sqs = sqs_client(stratus)
    url = sqs.create_queue(QueueName="posted")["QueueUrl"]
    path = "/000000000000/posted"
    body = urllib.parse.urlencode({"Action": "SendMessage", "MessageBody": "via path", "Version": "2012-11-05"}).encode()
    headers, _ = sigv4_headers(stratus, REGION, "POST", path, body=body, service="sqs",
                            headers={"content-type": "application/x-www-form-urlencoded"})
    req = urllib.request.Request(stratus.endpoint(REGION) + path, data=body, method="POST", headers=headers)
    with urllib.request.urlopen(req) as res:
        text = res.read().decode()
    assert "<SendMessageResult>" in text and "<MD5OfMessageBody>" in text
    assert sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"] == "via path"
    # An unknown action is the Query protocol's InvalidAction; a JSON request
    # with a bad body is a clean 400.
    bad = urllib.parse.urlencode({"Action": "Frobnicate", "Version": "2012-11-05"}).encode()
    headers, _ = sigv4_headers(stratus, REGION, "POST", "/", body=bad, service="sqs",
                            headers={"content-type": "application/x-www-form-urlencoded"})
    try:
        urllib.request.urlopen(urllib.request.Request(stratus.endpoint(REGION) + "/", data=bad, method="POST",
                                                      headers=headers))
        raise AssertionError("accepted")
    except urllib.error.HTTPError as e:
        assert e.code == 400 and b"<Code>InvalidAction</Code>" in e.read()
    junk = b"{not json"
    headers, _ = sigv4_headers(stratus, REGION, "POST", "/", body=junk, service="sqs",
                            headers={"content-type": "application/x-amz-json-1.0",
                                     "x-amz-target": "AmazonSQS.SendMessage"})
    try:
        urllib.request.urlopen(urllib.request.Request(stratus.endpoint(REGION) + "/", data=junk, method="POST",
                                                      headers=headers))
        raise AssertionError("accepted")
    except urllib.error.HTTPError as e:
        assert e.code == 400
        assert e.headers["x-amzn-query-error"] == "InvalidParameterValue;Sender"
