"""SQS checks run by one generation of boto3 against a running stratus region.

Debian's boto3 1.26 speaks SQS's Query protocol; newer ones its JSON protocol.
test_sqs.py runs this file with each Python that has boto3:

    python3 sqs_checks.py ENDPOINT REGION ACCESS_KEY SECRET_KEY PREFIX

and prints a JSON object {check name: "ok" | what failed}.
"""

import hashlib
import json
import struct
import sys
import threading
import time
import traceback

import boto3
import botocore.config
from botocore.exceptions import ClientError

ENDPOINT, REGION, KEY, SECRET, PREFIX = sys.argv[1:6]
sqs = boto3.client("sqs", endpoint_url=ENDPOINT, region_name=REGION, aws_access_key_id=KEY,
                   aws_secret_access_key=SECRET,
                   config=botocore.config.Config(retries={"max_attempts": 1}, read_timeout=60))
ACCOUNT = "000000000000"


def arn(name):
    return f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}"


def md5_of_attributes(attrs):
    """SQS's MD5OfMessageAttributes, computed independently of the server."""
    buf = b""
    for name in sorted(attrs):
        v = attrs[name]
        buf += struct.pack(">I", len(name.encode())) + name.encode()
        buf += struct.pack(">I", len(v["DataType"].encode())) + v["DataType"].encode()
        if "BinaryValue" in v:
            buf += b"\x02" + struct.pack(">I", len(v["BinaryValue"])) + v["BinaryValue"]
        else:
            value = v["StringValue"].encode()
            buf += b"\x01" + struct.pack(">I", len(value)) + value
    return hashlib.md5(buf).hexdigest()


def error_code(fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except ClientError as e:
        return e.response["Error"]["Code"]
    raise AssertionError("no error")


def check_queue_lifecycle():
    name = PREFIX + "life"
    url = sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "40", "DelaySeconds": "1"},
                           tags={"team": "data"})["QueueUrl"]
    assert url.endswith(f"/{ACCOUNT}/{name}"), url
    assert sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "40"})["QueueUrl"] == url
    assert error_code(sqs.create_queue, QueueName=name, Attributes={"VisibilityTimeout": "41"}) == "QueueAlreadyExists"
    assert sqs.get_queue_url(QueueName=name)["QueueUrl"] == url
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attrs["VisibilityTimeout"] == "40" and attrs["DelaySeconds"] == "1", attrs
    assert attrs["QueueArn"] == arn(name) and attrs["ApproximateNumberOfMessages"] == "0", attrs
    assert int(attrs["CreatedTimestamp"]) > 1_600_000_000
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"MessageRetentionPeriod": "120"})
    one = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["MessageRetentionPeriod"])["Attributes"]
    assert one == {"MessageRetentionPeriod": "120"}, one
    assert error_code(sqs.set_queue_attributes, QueueUrl=url,
                      Attributes={"VisibilityTimeout": "50000"}) == "InvalidAttributeValue"
    assert error_code(sqs.get_queue_attributes, QueueUrl=url, AttributeNames=["Nope"]) == "InvalidAttributeName"
    sqs.tag_queue(QueueUrl=url, Tags={"env": "dev"})
    sqs.untag_queue(QueueUrl=url, TagKeys=["team"])
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"env": "dev"}
    for i in range(3):
        sqs.create_queue(QueueName=f"{PREFIX}page{i}")
    page = sqs.list_queues(QueueNamePrefix=PREFIX + "page", MaxResults=2)
    assert len(page["QueueUrls"]) == 2 and "NextToken" in page, page
    rest = sqs.list_queues(QueueNamePrefix=PREFIX + "page", MaxResults=2, NextToken=page["NextToken"])
    assert [u.rsplit("/", 1)[1] for u in page["QueueUrls"] + rest["QueueUrls"]] == [f"{PREFIX}page{i}" for i in range(3)]
    sqs.delete_queue(QueueUrl=url)
    code = error_code(sqs.get_queue_url, QueueName=name)
    assert code == "AWS.SimpleQueueService.NonExistentQueue", code
    try:
        sqs.get_queue_url(QueueName=name)
    except sqs.exceptions.QueueDoesNotExist:
        pass


def check_messages_and_md5():
    url = sqs.create_queue(QueueName=PREFIX + "msgs")["QueueUrl"]
    attrs = {"color": {"DataType": "String", "StringValue": "blue"},
             "count": {"DataType": "Number", "StringValue": "42"},
             "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01\xff"},
             "custom": {"DataType": "String.json", "StringValue": "{\"a\": 1}"}}
    body = "héllo wörld ✓ " + "x" * 100
    sent = sqs.send_message(QueueUrl=url, MessageBody=body, MessageAttributes=attrs)
    assert sent["MD5OfMessageBody"] == hashlib.md5(body.encode()).hexdigest()
    assert sent["MD5OfMessageAttributes"] == md5_of_attributes(attrs), sent
    got = sqs.receive_message(QueueUrl=url, AttributeNames=["All"], MessageAttributeNames=["All"],
                              MaxNumberOfMessages=10)["Messages"]
    assert len(got) == 1
    m = got[0]
    assert m["Body"] == body and m["MessageId"] == sent["MessageId"]
    assert m["MessageAttributes"] == attrs, m["MessageAttributes"]
    assert m["MD5OfMessageAttributes"] == md5_of_attributes(attrs)
    assert m["Attributes"]["ApproximateReceiveCount"] == "1" and int(m["Attributes"]["SentTimestamp"]) > 0, m
    sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    # Attribute name filters: a prefix ("geo.*"), exact names, names not present.
    geo = dict(attrs, **{"geo.lat": {"DataType": "Number", "StringValue": "1.5"},
                         "geo.lon": {"DataType": "Number", "StringValue": "-2"}})
    sqs.send_message(QueueUrl=url, MessageBody="f", MessageAttributes={k: geo[k] for k in list(geo)[:10]})
    got = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["geo.*", "color", "missing"])["Messages"][0]
    assert set(got["MessageAttributes"]) == {"color", "geo.lat", "geo.lon"}, got["MessageAttributes"]
    assert got["MD5OfMessageAttributes"] == md5_of_attributes({k: geo[k] for k in ("color", "geo.lat", "geo.lon")})
    assert "Attributes" not in got
    sqs.delete_message(QueueUrl=url, ReceiptHandle=got["ReceiptHandle"])
    # Batches, with one bad entry.
    res = sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": "a", "MessageBody": "one"}, {"Id": "b", "MessageBody": "two", "DelaySeconds": 0},
        {"Id": "bad", "MessageBody": "\u0001"}])
    assert sorted(e["Id"] for e in res["Successful"]) == ["a", "b"], res
    assert res["Failed"][0]["Id"] == "bad" and res["Failed"][0]["Code"] == "InvalidMessageContents", res
    assert res["Failed"][0]["SenderFault"] is True
    msgs = []
    for _ in range(10):
        msgs += sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if len(msgs) == 2:
            break
    assert sorted(m["Body"] for m in msgs) == ["one", "two"]
    cv = sqs.change_message_visibility_batch(QueueUrl=url, Entries=[
        {"Id": "x", "ReceiptHandle": msgs[0]["ReceiptHandle"], "VisibilityTimeout": 0},
        {"Id": "y", "ReceiptHandle": "bogus", "VisibilityTimeout": 0}])
    assert [e["Id"] for e in cv["Successful"]] == ["x"] and cv["Failed"][0]["Code"] == "ReceiptHandleIsInvalid", cv
    again = sqs.receive_message(QueueUrl=url, AttributeNames=["ApproximateReceiveCount"])["Messages"][0]
    assert again["Attributes"]["ApproximateReceiveCount"] == "2"
    dl = sqs.delete_message_batch(QueueUrl=url, Entries=[{"Id": "p", "ReceiptHandle": again["ReceiptHandle"]},
                                                         {"Id": "q", "ReceiptHandle": msgs[1]["ReceiptHandle"]}])
    assert sorted(e["Id"] for e in dl["Successful"]) == ["p", "q"] and not dl.get("Failed"), dl
    assert error_code(sqs.send_message_batch, QueueUrl=url, Entries=[
        {"Id": "same", "MessageBody": "1"}, {"Id": "same", "MessageBody": "2"}]) == \
        "AWS.SimpleQueueService.BatchEntryIdsNotDistinct"
    assert error_code(sqs.send_message, QueueUrl=url + "-nope", MessageBody="x") == \
        "AWS.SimpleQueueService.NonExistentQueue"
    assert error_code(sqs.delete_message, QueueUrl=url, ReceiptHandle="garbage") == "ReceiptHandleIsInvalid"
    attrs_now = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attrs_now["ApproximateNumberOfMessages"] == "0" and attrs_now["ApproximateNumberOfMessagesNotVisible"] == "0"


def check_visibility_timeout_redelivers():
    url = sqs.create_queue(QueueName=PREFIX + "vis", Attributes={"VisibilityTimeout": "1"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="again")
    first = sqs.receive_message(QueueUrl=url)["Messages"][0]
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    time.sleep(1.2)
    second = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=2, AttributeNames=["ApproximateReceiveCount"])["Messages"][0]
    assert second["MessageId"] == first["MessageId"] and second["Attributes"]["ApproximateReceiveCount"] == "2"
    assert second["ReceiptHandle"] != first["ReceiptHandle"]


def check_dead_letter_queue_and_redrive():
    dlq = sqs.create_queue(QueueName=PREFIX + "dlq")["QueueUrl"]
    policy = json.dumps({"deadLetterTargetArn": arn(PREFIX + "dlq"), "maxReceiveCount": "3"})
    src = sqs.create_queue(QueueName=PREFIX + "src", Attributes={"RedrivePolicy": policy,
                                                                 "VisibilityTimeout": "1"})["QueueUrl"]
    assert sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"] == [src]
    sent = sqs.send_message(QueueUrl=src, MessageBody="poison")
    for i in range(3):
        got = sqs.receive_message(QueueUrl=src, WaitTimeSeconds=3)
        assert len(got.get("Messages", [])) == 1, (i, got)
    dead = sqs.receive_message(QueueUrl=dlq, WaitTimeSeconds=5, AttributeNames=["All"]).get("Messages", [])
    assert len(dead) == 1 and dead[0]["MessageId"] == sent["MessageId"], dead
    assert dead[0]["Attributes"]["DeadLetterQueueSourceArn"] == arn(PREFIX + "src")
    assert "Messages" not in sqs.receive_message(QueueUrl=src)
    sqs.change_message_visibility(QueueUrl=dlq, ReceiptHandle=dead[0]["ReceiptHandle"], VisibilityTimeout=0)
    if not hasattr(sqs, "start_message_move_task"):
        return  # this generation's model predates message move tasks
    handle = sqs.start_message_move_task(SourceArn=arn(PREFIX + "dlq"), MaxNumberOfMessagesPerSecond=50)["TaskHandle"]
    assert handle
    back = sqs.receive_message(QueueUrl=src, WaitTimeSeconds=5).get("Messages", [])
    assert len(back) == 1 and back[0]["Body"] == "poison", back
    tasks = sqs.list_message_move_tasks(SourceArn=arn(PREFIX + "dlq"), MaxResults=10)["Results"]
    assert tasks[0]["Status"] == "COMPLETED" and tasks[0]["ApproximateNumberOfMessagesMoved"] == 1, tasks


def check_long_poll_wakes_on_send():
    url = sqs.create_queue(QueueName=PREFIX + "poll")["QueueUrl"]
    result = {}

    def poll():
        result["got"] = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=10).get("Messages", [])
        result["at"] = time.monotonic()

    t = threading.Thread(target=poll)
    t.start()
    time.sleep(0.7)
    sender = boto3.client("sqs", endpoint_url=ENDPOINT, region_name=REGION, aws_access_key_id=KEY,
                          aws_secret_access_key=SECRET)
    sqs_sent_at = time.monotonic()
    sender.send_message(QueueUrl=url, MessageBody="wake")
    t.join(15)
    assert result["got"] and result["got"][0]["Body"] == "wake", result
    latency = result["at"] - sqs_sent_at
    assert latency < 0.1 + 0.05, f"long poll returned {latency:.3f}s after the send"
    start = time.monotonic()
    assert "Messages" not in sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)
    assert 0.9 < time.monotonic() - start < 2.0


def check_fifo_order_under_concurrency():
    name = PREFIX + "order.fifo"
    url = sqs.create_queue(QueueName=name, Attributes={"FifoQueue": "true",
                                                       "ContentBasedDeduplication": "true"})["QueueUrl"]
    assert error_code(sqs.create_queue, QueueName=PREFIX + "nofifo", Attributes={"FifoQueue": "true"}) == \
        "InvalidParameterValue"
    groups, per_group = 4, 15
    for i in range(per_group):
        sqs.send_message_batch(QueueUrl=url, Entries=[
            {"Id": f"g{g}", "MessageBody": f"{g}:{i}", "MessageGroupId": f"g{g}"} for g in range(groups)])
    dup = sqs.send_message(QueueUrl=url, MessageBody="0:0", MessageGroupId="g0")
    assert dup["SequenceNumber"]
    seen = {f"g{g}": [] for g in range(groups)}
    lock = threading.Lock()
    errors = []

    def consume():
        c = boto3.client("sqs", endpoint_url=ENDPOINT, region_name=REGION, aws_access_key_id=KEY,
                         aws_secret_access_key=SECRET)
        idle = 0
        while idle < 3:
            msgs = c.receive_message(QueueUrl=url, MaxNumberOfMessages=3, WaitTimeSeconds=1,
                                     AttributeNames=["MessageGroupId"]).get("Messages", [])
            if not msgs:
                idle += 1
                continue
            idle = 0
            with lock:
                for m in msgs:
                    seen[m["Attributes"]["MessageGroupId"]].append(int(m["Body"].split(":")[1]))
            c.delete_message_batch(QueueUrl=url, Entries=[
                {"Id": str(k), "ReceiptHandle": m["ReceiptHandle"]} for k, m in enumerate(msgs)])

    threads = [threading.Thread(target=consume) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    for g, order in seen.items():
        assert order == list(range(per_group)), (g, order)


def check_fifo_receive_attempt_is_repeatable():
    url = sqs.create_queue(QueueName=PREFIX + "attempt.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    for i in range(3):
        sqs.send_message(QueueUrl=url, MessageBody=f"m{i}", MessageGroupId=f"g{i}", MessageDeduplicationId=f"d{i}")
    first = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=2, ReceiveRequestAttemptId="try-1")["Messages"]
    again = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=2, ReceiveRequestAttemptId="try-1")["Messages"]
    assert [m["ReceiptHandle"] for m in again] == [m["ReceiptHandle"] for m in first], (first, again)
    other = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, ReceiveRequestAttemptId="try-2")["Messages"]
    assert [m["Body"] for m in other] == ["m2"], other


CHECKS = {name[len("check_"):]: fn for name, fn in list(globals().items()) if name.startswith("check_")}

if __name__ == "__main__":
    results = {}
    for name, fn in CHECKS.items():
        try:
            fn()
            results[name] = "ok"
        except Exception:  # reported, not raised: the other checks still run
            results[name] = traceback.format_exc(limit=3)
    print(json.dumps(results))
