"""The Lambda Runtime API: a function with a runtime_api runs in an external
process — `stratus lambda-bootstrap`, the loop a provided.al2023 function runs
on AWS Lambda — and gets the same result as in process: seed 001's
checksum-validator, fed by validation-queue, validates an upload; a poison
pill fails three times and lands in the dead-letter queue. The Runtime API's
own answers are checked with raw HTTP, as a runtime sees them."""

import http.client
import json
import os
import subprocess
import time

import boto3
import botocore.config
import pytest

from conftest import ACCESS_KEY, BINARY, SECRET_KEY, free_port, wait_for

PRIMARY, REPLICA = "ap-south-1", "ap-southeast-1"
ACCOUNT = "000000000000"


def functions(runtime_port):
    return f"""
[[regions.buckets]]
name = "documents"
versioning = true
eventbridge = true
replicate_to = ["documents-replica"]

[[regions.queues]]
name = "validation-dlq"

[[regions.queues]]
name = "validation-queue"
dead_letter_queue = "validation-dlq"
max_receive_count = 3
attributes = {{ VisibilityTimeout = "1" }}

[[regions.rules]]
name = "s3-object-created"
event_pattern = '{{"source": ["aws.s3"], "detail-type": ["Object Created"]}}'
queues = ["validation-queue"]

[[regions.functions]]
name = "checksum-validator"
timeout_seconds = 10
runtime_api = "127.0.0.1:{runtime_port}"

[[regions.event_source_mappings]]
function = "checksum-validator"
queue = "validation-queue"
report_batch_item_failures = true
"""


REPLICA_RESOURCES = """
[[regions.buckets]]
name = "documents-replica"
versioning = true
"""


def client(stratus, service, region):
    return boto3.client(service, endpoint_url=stratus.endpoint(region), region_name=region,
                        aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
                        config=botocore.config.Config(retries={"max_attempts": 1}))


def request(port, method, path, body=None, timeout=10):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body)
        r = conn.getresponse()
        return r.status, dict(r.getheaders()), r.read()
    finally:
        conn.close()


@pytest.fixture
def external(stratus_factory, tmp_path):
    port = free_port()
    s = stratus_factory(regions=(PRIMARY, REPLICA),
                        region_extra={PRIMARY: functions(port), REPLICA: REPLICA_RESOURCES}).start()
    return s, port


def start_bootstrap(stratus, port, tmp_path):
    env = {"PATH": os.environ.get("PATH", ""),
           "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{port}", "_HANDLER": "checksum-validator",
           "AWS_LAMBDA_FUNCTION_NAME": "checksum-validator", "AWS_REGION": PRIMARY,
           "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
           "AWS_ENDPOINT_URL": stratus.endpoint(PRIMARY),
           "STRATUS_ENDPOINTS": f"{REPLICA}={stratus.endpoint(REPLICA)}",
           "REPLICA_REGION": REPLICA}
    out = open(tmp_path / "bootstrap.out", "w")
    return subprocess.Popen([BINARY, "lambda-bootstrap"], env=env, stdout=out, stderr=subprocess.STDOUT), \
        tmp_path / "bootstrap.out"


def test_checksum_validator_runs_as_an_external_process(external, tmp_path):
    s, port = external
    proc, log = start_bootstrap(s, port, tmp_path)
    try:
        s3 = client(s, "s3", PRIMARY)
        s3.put_object(Bucket="documents", Key="ledger.xlsx", Body=b"numbers" * 5000)
        text = wait_for(lambda: "SUCCESS: Checksum validation passed for s3://documents/ledger.xlsx" in log.read_text()
                        and log.read_text(), 30, what="the external validation")
        assert "documents-replica" in text
        sqs = client(s, "sqs", PRIMARY)
        url = sqs.get_queue_url(QueueName="validation-queue")["QueueUrl"]
        wait_for(lambda: sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
                 ["ApproximateNumberOfMessages"] == "0", 10, what="validation-queue drained")
        # The host's log stream has the invocation's START/REPORT lines.
        with open(os.path.join(s.data, PRIMARY, "functions", "checksum-validator.log")) as f:
            assert "REPORT RequestId:" in f.read()

        # A poison pill: the process reports it failed; after 3 receives it is in the DLQ.
        sqs.send_message(QueueUrl=url, MessageBody="not an event")
        dlq = sqs.get_queue_url(QueueName="validation-dlq")["QueueUrl"]
        wait_for(lambda: sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["ApproximateNumberOfMessages"])
                 ["Attributes"]["ApproximateNumberOfMessages"] == "1", 30, what="the poison pill in the DLQ")
        assert log.read_text().count("is not an object event") >= 3
    finally:
        proc.kill()
        proc.wait()


def test_runtime_api_protocol(external):
    s, port = external
    # A bad request id, an unknown path.
    status, _, body = request(port, "POST", "/2018-06-01/runtime/invocation/nope/response", b"{}")
    assert status == 400 and json.loads(body)["errorType"] == "InvalidRequestID"
    status, _, _ = request(port, "GET", "/2018-06-01/runtime/nothing")
    assert status == 404
    status, _, body = request(port, "POST", "/2018-06-01/runtime/init/error",
                              json.dumps({"errorMessage": "boom", "errorType": "Init"}))
    assert status == 202 and json.loads(body) == {"status": "OK"}

    # Play the runtime by hand: take the event the queue's message produced,
    # answer it with a reported failure for it, then take the redelivery.
    sqs = client(s, "sqs", PRIMARY)
    url = sqs.get_queue_url(QueueName="validation-queue")["QueueUrl"]
    sent = sqs.send_message(QueueUrl=url, MessageBody="by hand")["MessageId"]
    status, headers, body = request(port, "GET", "/2018-06-01/runtime/invocation/next", timeout=20)
    assert status == 200
    request_id = headers["Lambda-Runtime-Aws-Request-Id"]
    assert headers["Lambda-Runtime-Invoked-Function-Arn"] == \
        f"arn:aws:lambda:{PRIMARY}:{ACCOUNT}:function:checksum-validator"
    assert int(headers["Lambda-Runtime-Deadline-Ms"]) > time.time() * 1000
    event = json.loads(body)
    assert event["Records"][0]["messageId"] == sent and event["Records"][0]["body"] == "by hand"
    failures = {"batchItemFailures": [{"itemIdentifier": sent}]}
    status, _, _ = request(port, "POST", f"/2018-06-01/runtime/invocation/{request_id}/response",
                           json.dumps(failures))
    assert status == 202
    # Answered once: a second answer is refused.
    status, _, _ = request(port, "POST", f"/2018-06-01/runtime/invocation/{request_id}/error", b"{}")
    assert status == 400
    # The reported failure stays in the queue and comes back (visibility 1 s);
    # this time the runtime answers success and the message is deleted.
    status, headers, body = request(port, "GET", "/2018-06-01/runtime/invocation/next", timeout=20)
    assert status == 200 and json.loads(body)["Records"][0]["messageId"] == sent
    status, _, _ = request(port, "POST",
                           f"/2018-06-01/runtime/invocation/{headers['Lambda-Runtime-Aws-Request-Id']}/response", b"{}")
    assert status == 202
    wait_for(lambda: sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
             ["ApproximateNumberOfMessagesNotVisible"] == "0" and
             sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
             ["ApproximateNumberOfMessages"] == "0", 10, what="the message deleted")


def test_bootstrap_refuses_a_bad_environment():
    out = subprocess.run([BINARY, "lambda-bootstrap"], env={"PATH": os.environ.get("PATH", "")},
                         capture_output=True, text=True, timeout=10)
    assert out.returncode == 2 and "AWS_LAMBDA_RUNTIME_API" in out.stderr
    out = subprocess.run([BINARY, "lambda-bootstrap"], env={"AWS_LAMBDA_RUNTIME_API": "127.0.0.1:1",
                                                            "_HANDLER": "nobody", "AWS_REGION": PRIMARY},
                         capture_output=True, text=True, timeout=10)
    assert out.returncode == 2 and "no built-in handler nobody" in out.stderr


def test_everything_over_tls(stratus_factory, tmp_path):
    """Behind [tls] every listener is HTTPS: replication between the regions,
    the functions' calls and the external runtime's AWS client (AWS_CA_BUNDLE)
    all go over TLS, and verify the certificate."""
    from conftest import self_signed
    cert, key = self_signed(str(tmp_path))
    port = free_port()
    s = stratus_factory(regions=(PRIMARY, REPLICA),
                        region_extra={PRIMARY: functions(port), REPLICA: REPLICA_RESOURCES},
                        extra=f'[tls]\ncert_file = "{cert}"\nkey_file = "{key}"\n')
    s.ca = cert
    s.start()
    env = {"PATH": os.environ.get("PATH", ""),
           "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{port}", "_HANDLER": "checksum-validator", "AWS_REGION": PRIMARY,
           "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
           "AWS_ENDPOINT_URL": s.endpoint(PRIMARY), "STRATUS_ENDPOINTS": f"{REPLICA}={s.endpoint(REPLICA)}",
           "REPLICA_REGION": REPLICA}
    s3 = boto3.client("s3", endpoint_url=s.endpoint(PRIMARY), region_name=PRIMARY, verify=cert,
                      aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY)
    # Without the CA the runtime's calls are refused by the certificate check.
    untrusting_log = tmp_path / "untrusting.out"
    proc = subprocess.Popen([BINARY, "lambda-bootstrap"], env=env, stdout=open(untrusting_log, "w"),
                            stderr=subprocess.STDOUT)
    try:
        s3.put_object(Bucket="documents", Key="first.txt", Body=b"over TLS")
        wait_for(lambda: "certificate verify failed" in untrusting_log.read_text(), 30,
                 what="the refused certificate")
    finally:
        proc.kill()
        proc.wait()
    # With it, the message comes back and validates; the replica came over TLS.
    trusting_log = tmp_path / "trusting.out"
    proc = subprocess.Popen([BINARY, "lambda-bootstrap"], env={**env, "AWS_CA_BUNDLE": cert},
                            stdout=open(trusting_log, "w"), stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: "SUCCESS: Checksum validation passed for s3://documents/first.txt" in trusting_log.read_text(),
                 30, what="validation over TLS")
    finally:
        proc.kill()
        proc.wait()
