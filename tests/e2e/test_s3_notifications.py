"""S3 event notifications end to end: to SQS queues (S3's event JSON) and to
the EventBridge bus (EventBridge's "Object Created"/"Object Deleted"), with
filters, test events, errors, both aws CLIs, and delivery after kill -9."""

import hashlib
import json
import subprocess
import time
import urllib.parse

import boto3
import botocore.config
import pytest
from botocore.exceptions import ClientError

from clients import aws_clis
from conftest import ACCESS_KEY, SECRET_KEY

REGION = "ap-south-1"
ACCOUNT = "000000000000"


def client(stratus, service):
    return boto3.client(service, endpoint_url=stratus.endpoint(REGION), region_name=REGION,
                        aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
                        config=botocore.config.Config(retries={"max_attempts": 1}))


def drain(sqs, url, want, timeout=10):
    """Bodies of messages until `want` arrived (or the time is up)."""
    got, deadline = [], time.time() + timeout
    while len(got) < want and time.time() < deadline:
        msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
        for m in msgs:
            got.append(json.loads(m["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    return got


def records(bodies):
    return [r for b in bodies for r in b.get("Records", [])]


def test_queue_notifications_with_filters(stratus):
    s3, sqs = client(stratus, "s3"), client(stratus, "sqs")
    url = sqs.create_queue(QueueName="uploads")["QueueUrl"]
    s3.create_bucket(Bucket="photos", CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_bucket_versioning(Bucket="photos", VersioningConfiguration={"Status": "Enabled"})
    config = {"QueueConfigurations": [{
        "Id": "jpegs", "QueueArn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:uploads",
        "Events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"],
        "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "in/"}, {"Name": "suffix", "Value": ".jpg"}]}}}]}
    s3.put_bucket_notification_configuration(Bucket="photos", NotificationConfiguration=config)
    got = s3.get_bucket_notification_configuration(Bucket="photos")["QueueConfigurations"][0]
    assert got["Id"] == "jpegs" and got["QueueArn"].endswith(":uploads")
    assert sorted(got["Events"]) == ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]
    assert {r["Name"].lower(): r["Value"] for r in got["Filter"]["Key"]["FilterRules"]} == {"prefix": "in/", "suffix": ".jpg"}
    test = drain(sqs, url, 1)
    assert test[0]["Event"] == "s3:TestEvent" and test[0]["Bucket"] == "photos"

    body = b"jpeg bytes"
    put = s3.put_object(Bucket="photos", Key="in/my photo.jpg", Body=body)
    s3.put_object(Bucket="photos", Key="in/skip.png", Body=b"x")         # suffix does not match
    s3.put_object(Bucket="photos", Key="out/skip.jpg", Body=b"x")        # prefix does not match
    s3.copy_object(Bucket="photos", Key="in/copy.jpg", CopySource={"Bucket": "photos", "Key": "in/my photo.jpg"})
    mp = s3.create_multipart_upload(Bucket="photos", Key="in/big.jpg")
    part = s3.upload_part(Bucket="photos", Key="in/big.jpg", UploadId=mp["UploadId"], PartNumber=1, Body=b"p" * 100)
    s3.complete_multipart_upload(Bucket="photos", Key="in/big.jpg", UploadId=mp["UploadId"],
                                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
    marker = s3.delete_object(Bucket="photos", Key="in/copy.jpg")
    s3.delete_object(Bucket="photos", Key="in/big.jpg", VersionId=s3.head_object(Bucket="photos", Key="in/big.jpg")["VersionId"])
    recs = records(drain(sqs, url, 5))
    by_name = {r["eventName"]: r for r in recs}
    assert sorted(by_name) == ["ObjectCreated:CompleteMultipartUpload", "ObjectCreated:Copy", "ObjectCreated:Put",
                               "ObjectRemoved:Delete", "ObjectRemoved:DeleteMarkerCreated"], sorted(by_name)
    r = by_name["ObjectCreated:Put"]
    assert r["eventVersion"] == "2.1" and r["eventSource"] == "aws:s3" and r["awsRegion"] == REGION
    assert r["s3"]["bucket"]["name"] == "photos" and r["s3"]["bucket"]["arn"] == "arn:aws:s3:::photos"
    assert r["s3"]["configurationId"] == "jpegs"
    obj = r["s3"]["object"]
    assert obj["key"] == "in/my+photo.jpg" and urllib.parse.unquote_plus(obj["key"]) == "in/my photo.jpg"
    assert obj["size"] == len(body) and obj["eTag"] == hashlib.md5(body).hexdigest()
    assert obj["versionId"] == put["VersionId"] and obj["sequencer"]
    assert r["userIdentity"]["principalId"] == ACCESS_KEY and r["requestParameters"]["sourceIPAddress"] == "127.0.0.1"
    assert by_name["ObjectRemoved:DeleteMarkerCreated"]["s3"]["object"]["versionId"] == marker["VersionId"]
    # Sequencers order the events of one key: the copy's creation before its delete marker.
    seq = {x["eventName"]: x["s3"]["object"]["sequencer"] for x in recs if x["s3"]["object"]["key"] == "in/copy.jpg"}
    assert seq["ObjectCreated:Copy"] < seq["ObjectRemoved:DeleteMarkerCreated"], seq

    s3.put_bucket_notification_configuration(Bucket="photos", NotificationConfiguration={})
    assert "QueueConfigurations" not in s3.get_bucket_notification_configuration(Bucket="photos")
    s3.put_object(Bucket="photos", Key="in/after.jpg", Body=b"x")
    assert drain(sqs, url, 1, timeout=1.5) == []


def test_configuration_errors(stratus):
    s3 = client(stratus, "s3")
    s3.create_bucket(Bucket="errs", CreateBucketConfiguration={"LocationConstraint": REGION})
    for config, code in [
        ({"QueueConfigurations": [{"QueueArn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:missing", "Events": ["s3:ObjectCreated:*"]}]},
         "InvalidArgument"),
        ({"QueueConfigurations": [{"QueueArn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:q", "Events": ["s3:Nope"]}]},
         "InvalidArgument"),
    ]:
        with pytest.raises(ClientError) as e:
            s3.put_bucket_notification_configuration(Bucket="errs", NotificationConfiguration=config)
        assert e.value.response["Error"]["Code"] == code
    assert s3.get_bucket_notification_configuration(Bucket="errs").get("QueueConfigurations") is None


def test_eventbridge_rule_to_queue(stratus):
    """The seed 001 path: S3 → EventBridge rule → SQS queue."""
    s3, sqs, events = client(stratus, "s3"), client(stratus, "sqs"), client(stratus, "events")
    url = sqs.create_queue(QueueName="validation-queue")["QueueUrl"]
    s3.create_bucket(Bucket="documents", CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_bucket_notification_configuration(Bucket="documents",
                                             NotificationConfiguration={"EventBridgeConfiguration": {}})
    assert "EventBridgeConfiguration" in s3.get_bucket_notification_configuration(Bucket="documents")
    events.put_rule(Name="documents-created", EventPattern=json.dumps({
        "source": ["aws.s3"], "detail-type": ["Object Created"], "detail": {"bucket": {"name": ["documents"]}}}))
    events.put_targets(Rule="documents-created",
                       Targets=[{"Id": "q", "Arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:validation-queue"}])
    body = b"%PDF-1.7 report"
    start = time.time()
    put = s3.put_object(Bucket="documents", Key="reports/q3 report.pdf", Body=body)
    got = drain(sqs, url, 1)
    latency = time.time() - start
    assert len(got) == 1, got
    e = got[0]
    assert e["source"] == "aws.s3" and e["detail-type"] == "Object Created" and e["region"] == REGION
    assert e["resources"] == ["arn:aws:s3:::documents"]
    d = e["detail"]
    assert d["bucket"]["name"] == "documents" and d["reason"] == "PutObject"
    assert d["object"]["key"] == "reports/q3 report.pdf" and d["object"]["size"] == len(body)
    assert d["object"]["etag"] == hashlib.md5(body).hexdigest() and d["object"]["sequencer"]
    assert latency < 5
    s3.delete_object(Bucket="documents", Key="reports/q3 report.pdf")
    assert drain(sqs, url, 1, timeout=1.5) == []  # the rule wants Object Created only
    del put


def test_notifications_survive_kill9(stratus):
    s3, sqs = client(stratus, "s3"), client(stratus, "sqs")
    url = sqs.create_queue(QueueName="crash-events")["QueueUrl"]
    s3.create_bucket(Bucket="crashy", CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_bucket_notification_configuration(Bucket="crashy", NotificationConfiguration={"QueueConfigurations": [
        {"QueueArn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:crash-events", "Events": ["s3:ObjectCreated:Put"]}]})
    keys = {f"k{i}" for i in range(100)}
    for k in sorted(keys):
        s3.put_object(Bucket="crashy", Key=k, Body=b"x")
    stratus.kill9()
    stratus.start()
    sqs = client(stratus, "sqs")
    seen, deadline = set(), time.time() + 20
    while not keys <= seen and time.time() < deadline:
        for b in drain(sqs, url, 10, timeout=1):
            seen |= {r["s3"]["object"]["key"] for r in b.get("Records", [])}
    assert keys <= seen  # every acknowledged upload is announced, at least once


@pytest.mark.parametrize("cli", [c[0] for c in aws_clis()], ids=lambda c: "debian" if c.startswith("/usr") else "pyenv")
def test_aws_cli(stratus, aws_env, cli):
    base = [cli, "--endpoint-url", stratus.endpoint(REGION), "--region", REGION, "--output", "json"]

    def run(*args):
        out = subprocess.run(base + list(args), capture_output=True, text=True, env=aws_env, timeout=60)
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout) if out.stdout.strip() else {}

    tag = "debian" if cli.startswith("/usr") else "pyenv"
    url = run("sqs", "create-queue", "--queue-name", f"{tag}-n")["QueueUrl"]
    run("s3api", "create-bucket", "--bucket", f"{tag}-n", "--create-bucket-configuration",
        f"LocationConstraint={REGION}")
    run("s3api", "put-bucket-notification-configuration", "--bucket", f"{tag}-n", "--notification-configuration",
        json.dumps({"QueueConfigurations": [{"QueueArn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:{tag}-n",
                                              "Events": ["s3:ObjectCreated:*"]}]}))
    got = run("s3api", "get-bucket-notification-configuration", "--bucket", f"{tag}-n")
    assert got["QueueConfigurations"][0]["Events"] == ["s3:ObjectCreated:*"]
    run("s3api", "put-object", "--bucket", f"{tag}-n", "--key", "cli.txt", "--body", "/etc/hostname")
    names = []
    for _ in range(10):
        msgs = run("sqs", "receive-message", "--queue-url", url, "--wait-time-seconds", "2",
                   "--max-number-of-messages", "10").get("Messages", [])
        for m in msgs:
            b = json.loads(m["Body"])
            names += [r["eventName"] for r in b.get("Records", [])] + ([b["Event"]] if "Event" in b else [])
        if "ObjectCreated:Put" in names:
            break
    assert "s3:TestEvent" in names and "ObjectCreated:Put" in names
