"""The foundation end to end: regions, admin endpoints, metrics, the request
pipeline driven by real AWS clients, graceful shutdown and restarts."""

import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.request

import boto3
import botocore.config
import botocore.exceptions
import pytest

from clients import aws_clis, other_pythons_with_boto3
from conftest import ACCESS_KEY, BINARY, SECRET_KEY, metric

NO_RETRY = botocore.config.Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=30)


def client(stratus, service, region, secret=SECRET_KEY, key=ACCESS_KEY):
    return boto3.client(service, endpoint_url=stratus.endpoint(region), region_name=region,
                        aws_access_key_id=key, aws_secret_access_key=secret, config=NO_RETRY)


def get(url, method="GET"):
    req = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def test_regions_answer_independently(stratus):
    for region in ("ap-south-1", "ap-southeast-1"):
        for listener in ("aws", "app"):
            status, headers, body = get(stratus.endpoint(region, listener) + "/_stratus/health")
            assert status == 200
            assert json.loads(body)["region"] == region
            assert re.fullmatch(r"[0-9A-F]{16}", headers["x-amz-request-id"])
        status, _, body = get(stratus.endpoint(region) + "/_stratus/ready")
        assert status == 200 and json.loads(body)["ready"] is True
    # The two regions are separate data directories with separate engines.
    assert os.path.isdir(os.path.join(stratus.data, "ap-south-1", "meta"))
    assert os.path.isdir(os.path.join(stratus.data, "ap-southeast-1", "meta"))


def test_metrics_count_requests_per_region(stratus):
    before_a = stratus.metrics("ap-south-1")
    before_b = stratus.metrics("ap-southeast-1")
    for _ in range(5):
        assert get(stratus.endpoint("ap-south-1") + "/_stratus/health")[0] == 200
    with pytest.raises(botocore.exceptions.ClientError):
        client(stratus, "s3", "ap-south-1").get_bucket_lifecycle_configuration(Bucket="b")
    after_a = stratus.metrics("ap-south-1")
    after_b = stratus.metrics("ap-southeast-1")

    def delta(after, before, name, **labels):
        return metric(after, name, **labels) - metric(before, name, **labels)

    assert delta(after_a, before_a, "stratus_requests_total", operation="Health", status="200") == 5
    assert delta(after_b, before_b, "stratus_requests_total", operation="Health", status="200") == 0
    assert delta(after_a, before_a, "stratus_request_duration_seconds_count", operation="Health") == 5
    assert delta(after_a, before_a, "stratus_request_errors_total", protocol="rest-xml",
                 error="Unimplemented") == 1
    assert delta(after_a, before_a, "stratus_requests_total", protocol="rest-xml", status="501") == 1
    # The scrape itself is the one request in flight.
    assert metric(after_a, "stratus_requests_in_flight", listener="aws") == 1
    assert delta(after_a, before_a, "stratus_http_received_bytes_total") > 0
    assert delta(after_a, before_a, "stratus_http_sent_bytes_total") > 0
    assert metric(after_a, "process_resident_memory_bytes") > 1_000_000
    assert all(dict(ls).get("region") == "ap-south-1" for (_, ls) in after_a)


def test_sts_identity_through_the_pipeline_with_boto3(stratus):
    for region in ("ap-south-1", "ap-southeast-1"):
        ident = client(stratus, "sts", region).get_caller_identity()
        assert ident["Account"] == "000000000000"
        assert ident["Arn"] == "arn:aws:iam::000000000000:root"


@pytest.mark.parametrize("key,secret,code", [
    (ACCESS_KEY, "wrong-secret-0123456789", "SignatureDoesNotMatch"),
    ("AKIAUNKNOWNKEY000001", SECRET_KEY, "InvalidClientTokenId"),
])
def test_bad_credentials_are_refused(stratus, key, secret, code):
    with pytest.raises(botocore.exceptions.ClientError) as e:
        client(stratus, "sts", "ap-south-1", secret=secret, key=key).get_caller_identity()
    assert e.value.response["Error"]["Code"] == code
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_signature_for_another_region_is_refused(stratus):
    sts = boto3.client("sts", endpoint_url=stratus.endpoint("ap-south-1"), region_name="eu-west-1",
                       aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY, config=NO_RETRY)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sts.get_caller_identity()
    assert "ap-south-1" in e.value.response["Error"]["Message"]


def test_unknown_operations_get_each_protocols_error(stratus):
    with pytest.raises(botocore.exceptions.ClientError) as e:
        client(stratus, "s3", "ap-south-1").get_bucket_lifecycle_configuration(Bucket="b")
    assert e.value.response["Error"]["Code"] == "NotImplemented"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
    with pytest.raises(botocore.exceptions.ClientError) as e:
        client(stratus, "dynamodb", "ap-south-1").list_backups()
    assert e.value.response["Error"]["Code"] == "UnknownOperationException"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        client(stratus, "sns", "ap-south-1").list_platform_applications()
    assert e.value.response["Error"]["Code"] == "InvalidAction"
    status, _, body = get(stratus.endpoint("ap-south-1", "app") + "/no/such/route")
    assert status == 404 and json.loads(body) == {"message": "Not Found"}


@pytest.mark.parametrize("cli", aws_clis(), ids=lambda c: c[1])
def test_aws_cli_generations(stratus, aws_env, cli):
    path, _ = cli
    out = subprocess.run([path, "--endpoint-url", stratus.endpoint("ap-southeast-1"), "--region",
                          "ap-southeast-1", "sts", "get-caller-identity", "--output", "json"],
                         env=aws_env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["Account"] == "000000000000"
    out = subprocess.run([path, "--endpoint-url", stratus.endpoint("ap-south-1"), "--region",
                          "ap-south-1", "dynamodb", "list-backups"],
                         env=aws_env, capture_output=True, text=True, timeout=120)
    assert out.returncode != 0 and "UnknownOperationException" in out.stderr


MODERN_SCRIPT = r"""
import json, sys, boto3, botocore.config, botocore.exceptions
endpoint, region, key, secret = sys.argv[1:5]
cfg = botocore.config.Config(retries={"max_attempts": 1})
kw = dict(endpoint_url=endpoint, region_name=region, aws_access_key_id=key,
          aws_secret_access_key=secret, config=cfg)
out = {"account": boto3.client("sts", **kw).get_caller_identity()["Account"]}
out["queues"] = boto3.client("sqs", **kw).list_queues().get("QueueUrls", [])
for svc, call, args in (("sqs", "add_permission", {"QueueUrl": endpoint + "/000000000000/q", "Label": "l",
                                                  "AWSAccountIds": ["111111111111"], "Actions": ["SendMessage"]}),
                        ("s3", "get_bucket_lifecycle_configuration", {"Bucket": "b"})):
    try:
        getattr(boto3.client(svc, **kw), call)(**args)
    except botocore.exceptions.ClientError as e:
        out[svc] = e.response["Error"]["Code"]
print(json.dumps(out))
"""


@pytest.mark.parametrize("py", other_pythons_with_boto3(), ids=lambda p: "boto3-" + p[1])
def test_newer_boto3_generation(stratus, aws_env, py):
    path, _ = py
    out = subprocess.run([path, "-c", MODERN_SCRIPT, stratus.endpoint("ap-south-1"), "ap-south-1",
                          ACCESS_KEY, SECRET_KEY], env=aws_env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["account"] == "000000000000"
    # Newer SQS clients speak JSON (AmazonSQS.*): queues are served, and an
    # operation stratus does not serve gets the unknown-operation error (named
    # in the Query protocol's terms, as SQS's JSON mode does).
    assert result["queues"] == []
    assert result["sqs"] in ("UnknownOperationException", "InvalidAction")
    assert result["s3"] == "NotImplemented"


def test_restart_keeps_data(stratus_factory):
    s = stratus_factory(regions=("eu-west-1",), secret=None).start()
    first = s.metrics("eu-west-1")
    assert metric(first, "stratus_region_boot_count") == 1
    created = metric(first, "stratus_region_created_timestamp_seconds")
    banner1 = open(s.stdout_path).read()
    secret = re.search(r"AWS_SECRET_ACCESS_KEY=(\S+)", banner1).group(1)
    assert client(s, "sts", "eu-west-1", secret=secret).get_caller_identity()["Account"]
    assert s.stop() == 0
    s.start()
    second = s.metrics("eu-west-1")
    assert metric(second, "stratus_region_boot_count") == 2
    assert metric(second, "stratus_region_created_timestamp_seconds") == created
    # The generated administrator secret is kept, not regenerated.
    assert client(s, "sts", "eu-west-1", secret=secret).get_caller_identity()["Account"]
    assert oct(os.stat(os.path.join(s.data, "admin-credentials")).st_mode & 0o777) == "0o600"
    s.kill9()
    s.start()
    assert metric(s.metrics("eu-west-1"), "stratus_region_boot_count") == 3


def _slow_query_post(port, results, index, started):
    """A Query POST whose body arrives in two halves 1 s apart."""
    body = b"Action=ListWidgets&Version=2012-11-05"  # an unknown action: 400 InvalidAction
    head = (f"POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n\r\n")
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=15) as s:
            s.sendall(head.encode() + body[:10])
            started.release()
            time.sleep(1.0)
            s.sendall(body[10:])
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
            results[index] = data
    except OSError as e:
        results[index] = e


def test_sigterm_drops_no_in_flight_response(stratus_factory):
    s = stratus_factory(regions=("ap-south-1",), limits={"shutdown_grace_seconds": 10}).start()
    port = s.regions["ap-south-1"]["aws"]
    n = 40
    results = [None] * n
    started = threading.Semaphore(0)
    threads = [threading.Thread(target=_slow_query_post, args=(port, results, i, started)) for i in range(n)]
    for t in threads:
        t.start()
    for _ in range(n):
        assert started.acquire(timeout=10)
    # Every request is mid-body now: in flight.
    s.proc.send_signal(signal.SIGTERM)
    for t in threads:
        t.join(timeout=20)
    assert s.proc.wait(timeout=20) == 0
    for r in results:
        assert isinstance(r, bytes), r
        head, _, body = r.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 400"), head
        assert b"Connection: close" in head
        length = int(re.search(rb"Content-Length: (\d+)", head).group(1))
        assert len(body) == length and body.endswith(b"</ErrorResponse>")
    # Nothing new is accepted after the stop.
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_shutdown_under_keepalive_load_answers_every_read_request(stratus_factory):
    """Load on keep-alive connections while SIGTERM arrives: every request the
    server read gets a whole response; the rest see a clean close, never a
    truncated response."""
    s = stratus_factory(regions=("ap-south-1",)).start()
    port = s.regions["ap-south-1"]["aws"]
    stop = threading.Event()
    complete, truncated = [0], []

    def worker():
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        except OSError:
            return
        req = f"GET /_stratus/health HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
        buf = b""
        while not stop.is_set():
            try:
                sock.sendall(req)
                while b"\r\n\r\n" not in buf:
                    chunk = sock.recv(65536)
                    if not chunk:
                        if buf:
                            truncated.append(buf)
                        return
                    buf += chunk
                head, _, rest = buf.partition(b"\r\n\r\n")
                length = int(re.search(rb"Content-Length: (\d+)", head).group(1))
                while len(rest) < length:
                    chunk = sock.recv(65536)
                    if not chunk:
                        truncated.append(buf)
                        return
                    rest += chunk
                complete[0] += 1
                buf = rest[length:]
                if b"Connection: close" in head:
                    return
            except OSError:
                return

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for t in threads:
        t.start()
    time.sleep(1.0)
    s.proc.send_signal(signal.SIGTERM)
    assert s.proc.wait(timeout=20) == 0
    stop.set()
    for t in threads:
        t.join(timeout=10)
    assert complete[0] > 100
    assert truncated == []


def test_access_log_has_request_ids_and_no_secrets(stratus):
    client(stratus, "sts", "ap-south-1").get_caller_identity()
    url = client(stratus, "s3", "ap-south-1").generate_presigned_url(
        "get_object", Params={"Bucket": "b", "Key": "k"}, ExpiresIn=60)
    get(url)
    path = os.path.join(stratus.data, "ap-south-1", "access.log")
    stratus.stop()
    lines = [json.loads(l) for l in open(path)]
    ops = {l["operation"] for l in lines}
    assert "GetCallerIdentity" in ops
    for l in lines:
        assert re.fullmatch(r"[0-9A-F]{16}", l["request_id"])
    text = open(path).read()
    assert SECRET_KEY not in text
    assert "X-Amz-Signature" not in text and "Signature=" not in text
