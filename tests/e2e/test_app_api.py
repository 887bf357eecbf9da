"""The application API (the API Gateway role): routes to functions with API
Gateway's proxy event, API keys, per-key throttling, CORS — and seed 000's
end-to-end workflow, steps 1-5, with curl and the aws CLI against the default
stack: presign, upload with the URL, replication, the replica function's
metadata item and alert, the instance's metadata."""

import http.server
import json
import os
import subprocess
import threading
import urllib.error
import urllib.request

import pytest

from clients import aws_clis
from conftest import ROOT, Stratus, wait_for

PRIMARY, REPLICA = "ap-south-1", "ap-southeast-1"
CONFIG = os.path.join(ROOT, "config", "stratus.toml")


@pytest.fixture
def stack(tmp_path):
    s = Stratus.from_file(tmp_path / "stack", CONFIG).start()
    yield s
    if s.proc.poll() is None:
        s.kill9()


def api_key(stack):
    with open(os.path.join(stack.data, "api-key")) as f:
        return f.read().strip()


def curl(*args):
    """curl -s with the status code on the last line; returns (status, body)."""
    out = subprocess.run(["curl", "-s", "-S", "-w", "\n%{http_code}", *args], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    body, _, status = out.stdout.rpartition("\n")
    return int(status), body


def app(stack, region=PRIMARY):
    return stack.endpoint(region, "app")


def test_seed000_end_to_end_workflow(stack, aws_env, tmp_path):
    key = api_key(stack)
    # Step 1 — get an upload URL.
    status, body = curl("-X", "POST", "-H", f"x-api-key: {key}", "-H", "Content-Type: application/json",
                        "-d", json.dumps({"key": "uploads/report 2026.csv", "content_type": "text/csv"}),
                        app(stack) + "/presign")
    assert status == 200, body
    presigned = json.loads(body)
    assert presigned["method"] == "PUT" and presigned["headers"] == {"Content-Type": "text/csv"}
    assert presigned["expires_in"] == 900 and presigned["bucket"] == "main"
    assert "X-Amz-Signature=" in presigned["url"]
    # Step 2 — upload the file straight to S3, no AWS keys.
    data = tmp_path / "report.csv"
    data.write_text("day,uploads\n1,42\n" * 100)
    status, body = curl("-X", "PUT", "-H", "Content-Type: text/csv", "--data-binary", f"@{data}", presigned["url"])
    assert status == 200, body
    # Step 3 — cross-region replication.
    cli = aws_clis()[0][0]

    def replica_head():
        out = subprocess.run([cli, "--endpoint-url", stack.endpoint(REPLICA), "--region", REPLICA, "--output", "json",
                              "s3api", "head-object", "--bucket", "main-replica", "--key", "uploads/report 2026.csv"],
                             capture_output=True, text=True, env=aws_env)
        return out.returncode == 0 and json.loads(out.stdout)
    head = wait_for(replica_head, 30, what="the replica")
    assert head["ReplicationStatus"] == "REPLICA" and head["ContentType"] == "text/csv"
    # Step 4 — the replica function: metadata in DynamoDB, an SNS alert.
    def item():
        out = subprocess.run([cli, "--endpoint-url", stack.endpoint(REPLICA), "--region", REPLICA, "--output", "json",
                              "dynamodb", "get-item", "--table-name", "file-metadata",
                              "--key", json.dumps({"object_key": {"S": "uploads/report 2026.csv"}})],
                             capture_output=True, text=True, env=aws_env)
        return out.returncode == 0 and out.stdout.strip() and json.loads(out.stdout).get("Item")
    record = wait_for(item, 30, what="the metadata item")
    assert record["bucket"]["S"] == "main-replica"
    assert record["size"]["N"] == str(data.stat().st_size)
    assert record["version_id"]["S"] == head["VersionId"]
    status, body = curl("-H", f"x-api-key: {key}", app(stack) + "/files/uploads/report%202026.csv")
    assert status == 200, body
    assert json.loads(body)["etag"] == head["ETag"].strip('"')
    assert json.loads(body)["size"] == data.stat().st_size
    mail = os.path.join(stack.data, REPLICA, "mail")
    alert = wait_for(lambda: [open(os.path.join(mail, f)).read() for f in sorted(os.listdir(mail))
                              if "uploads/report 2026.csv" in open(os.path.join(mail, f)).read()], 30,
                     what="the alert email")[0]
    assert "To: ops@stratus.local" in alert
    # Step 5 — the serving instance's metadata, from each region's API.
    for region in (PRIMARY, REPLICA, "us-east-1"):
        status, body = curl("-H", f"x-api-key: {key}", app(stack, region) + "/metadata")
        assert status == 200, body
        meta = json.loads(body)
        assert meta["region"] == region and meta["availability_zone"] == region + "a"
        assert meta["instance_id"].startswith("i-") and len(meta["instance_id"]) == 19
        assert meta["source"] == "local" and meta["uptime_seconds"] >= 0 and meta["version"]


def test_keys_errors_and_cors(stack):
    key = api_key(stack)
    # No key, a wrong key: 403 as API Gateway answers.
    for headers in ([], ["-H", "x-api-key: not-the-key"]):
        status, body = curl(*headers, app(stack) + "/metadata")
        assert status == 403 and json.loads(body) == {"message": "Forbidden"}
    status, body = curl("-H", f"x-api-key: {key}", app(stack) + "/nowhere")
    assert status == 404 and json.loads(body) == {"message": "Not Found"}
    # Bad presign requests: 400 with a message, nothing signed.
    for payload in ("not json", json.dumps({"content_type": "text/plain"}), json.dumps({"key": ""}),
                    json.dumps({"key": "x", "bucket": "logs"}), json.dumps({"key": "a\u0001b"})):
        status, body = curl("-X", "POST", "-H", f"x-api-key: {key}", "-d", payload, app(stack) + "/presign")
        assert status == 400, (payload, body)
        assert json.loads(body)["message"] and "url" not in json.loads(body)
    # A category bucket is allowed by name.
    status, body = curl("-X", "POST", "-H", f"x-api-key: {key}", "-d",
                        json.dumps({"key": "x.bin", "bucket": "media"}), app(stack) + "/presign")
    assert status == 200 and "/media/x.bin?" in json.loads(body)["url"]
    # No metadata for an object never uploaded.
    status, body = curl("-H", f"x-api-key: {key}", app(stack) + "/files/never/uploaded")
    assert status == 404 and "never/uploaded" in json.loads(body)["message"]

    # CORS: the browser's preflight, then the request, on the API ...
    status, _ = curl("-X", "OPTIONS", "-H", "Origin: http://localhost:3000",
                     "-H", "Access-Control-Request-Method: POST", "-D", "-", "-o", "/dev/null", app(stack) + "/presign")
    assert status == 204
    req = urllib.request.Request(app(stack) + "/metadata", headers={"x-api-key": key, "Origin": "http://localhost:3000"})
    with urllib.request.urlopen(req) as r:
        assert r.headers["Access-Control-Allow-Origin"] == "*"
    # ... and on the bucket the presigned URL uploads to.
    status, body = curl("-X", "POST", "-H", f"x-api-key: {key}", "-d", json.dumps({"key": "b.txt"}),
                        app(stack) + "/presign")
    url = json.loads(body)["url"]
    pre = urllib.request.Request(url, method="OPTIONS", headers={
        "Origin": "http://localhost:3000", "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "content-type"})
    with urllib.request.urlopen(pre) as r:
        assert r.status == 200 and r.headers["Access-Control-Allow-Origin"] == "*"
        assert "PUT" in r.headers["Access-Control-Allow-Methods"]
    put = urllib.request.Request(url, method="PUT", data=b"from a browser", headers={
        "Origin": "http://localhost:3000", "Content-Type": "application/octet-stream"})
    with urllib.request.urlopen(put) as r:
        assert r.status == 200 and r.headers["Access-Control-Allow-Origin"] == "*"
    # The signed content type is enforced: another one is refused.
    bad = urllib.request.Request(url, method="PUT", data=b"x", headers={"Content-Type": "text/html"})
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(bad)
    assert e.value.code == 403


class FakeImds(http.server.BaseHTTPRequestHandler):
    """EC2's instance metadata service, IMDSv2 only (a token first)."""
    token = "AQAEAFakeToken=="
    values = {"instance-id": "i-0abc1234def567890", "placement/availability-zone": "ap-south-1b",
              "local-hostname": "ip-10-0-1-23.ap-south-1.compute.internal", "instance-type": "t3.small"}

    def do_PUT(self):
        if self.path == "/latest/api/token" and self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
            self._answer(200, self.token)
        else:
            self._answer(400, "")

    def do_GET(self):
        name = self.path.removeprefix("/latest/meta-data/")
        if self.headers.get("X-aws-ec2-metadata-token") != self.token:
            self._answer(401, "")
        elif name in self.values:
            self._answer(200, self.values[name])
        else:
            self._answer(404, "")

    def _answer(self, code, text):
        body = text.encode()
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


FUNCTIONS = """
[[regions.functions]]
name = "instance-metadata"

[[regions.functions]]
name = "file-info"
environment = { TABLE_NAME = "no-such-table" }

[[regions.api_routes]]
route = "GET /metadata"
function = "instance-metadata"

[[regions.api_routes]]
route = "ANY /broken/{key+}"
function = "file-info"
"""


def test_imds_throttling_and_function_failures(stratus_factory):
    imds = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeImds)
    threading.Thread(target=imds.serve_forever, daemon=True).start()
    key = "e2e-api-key-0123456789abcdef"
    try:
        s = stratus_factory(regions=(PRIMARY,), region_extra={PRIMARY: FUNCTIONS}, extra=f"""
[app]
api_keys = ["{key}"]
rate_per_second = 1
burst = 3
imds_endpoint = "127.0.0.1:{imds.server_address[1]}"
""").start()
        base = s.endpoint(PRIMARY, "app")
        status, body = curl("-H", f"x-api-key: {key}", base + "/metadata")
        assert status == 200, body
        meta = json.loads(body)
        assert meta["source"] == "imds" and meta["instance_id"] == "i-0abc1234def567890"
        assert meta["availability_zone"] == "ap-south-1b" and meta["instance_type"] == "t3.small"
        assert meta["hostname"] == "ip-10-0-1-23.ap-south-1.compute.internal"
        # A handler that fails: 502, as API Gateway answers a failed Lambda.
        status, body = curl("-H", f"x-api-key: {key}", base + "/broken/x")
        assert status == 502 and json.loads(body) == {"message": "Internal server error"}
        # A burst beyond the bucket (3 tokens, 1 a second) is throttled.
        answers = []
        for _ in range(6):
            req = urllib.request.Request(base + "/metadata", headers={"x-api-key": key})
            try:
                with urllib.request.urlopen(req) as r:
                    answers.append((r.status, None, None))
            except urllib.error.HTTPError as e:
                answers.append((e.code, e.headers["Retry-After"], json.loads(e.read())))
        throttled = [a for a in answers if a[0] == 429]
        assert len(throttled) >= 2, answers
        assert throttled[0][1] == "1" and throttled[0][2] == {"message": "Too Many Requests"}
    finally:
        imds.shutdown()
