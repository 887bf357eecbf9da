"""SNS end to end (Query protocol, both boto3 generations' CLIs): topics,
subscriptions to SQS queues (envelope, raw delivery, filter policies), an HTTP
webhook served by the test (confirmation through the SubscribeURL), email
written as .eml files, PublishBatch, errors."""

import glob
import http.server
import json
import os
import socketserver
import subprocess
import threading
import time
import urllib.request

import boto3
import botocore.config
import pytest
from botocore.exceptions import ClientError

from clients import aws_clis
from conftest import ACCESS_KEY, SECRET_KEY, free_port

REGION = "ap-south-1"
ACCOUNT = "000000000000"


def client(stratus, service):
    return boto3.client(service, endpoint_url=stratus.endpoint(REGION), region_name=REGION,
                        aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
                        config=botocore.config.Config(retries={"max_attempts": 1}))


def drain(sqs, url, want, timeout=10):
    got, deadline = [], time.time() + timeout
    while len(got) < want and time.time() < deadline:
        msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                                   MessageAttributeNames=["All"]).get("Messages", [])
        for m in msgs:
            got.append(m)
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    return got


def test_topic_to_queues_with_filters_and_raw_delivery(stratus):
    sns, sqs = client(stratus, "sns"), client(stratus, "sqs")
    arn = sns.create_topic(Name="alerts", Attributes={"DisplayName": "Alerts"}, Tags=[{"Key": "team", "Value": "ops"}])["TopicArn"]
    assert arn == f"arn:aws:sns:{REGION}:{ACCOUNT}:alerts"
    assert sns.create_topic(Name="alerts")["TopicArn"] == arn
    env_url = sqs.create_queue(QueueName="enveloped")["QueueUrl"]
    raw_url = sqs.create_queue(QueueName="raw")["QueueUrl"]
    sub1 = sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=f"arn:aws:sqs:{REGION}:{ACCOUNT}:enveloped",
                         ReturnSubscriptionArn=True)["SubscriptionArn"]
    sub2 = sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=f"arn:aws:sqs:{REGION}:{ACCOUNT}:raw",
                         Attributes={"RawMessageDelivery": "true",
                                     "FilterPolicy": json.dumps({"severity": ["critical", "high"]})})["SubscriptionArn"]
    assert sub1.startswith(arn + ":") and sub2.startswith(arn + ":")
    attrs = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert attrs["DisplayName"] == "Alerts" and attrs["SubscriptionsConfirmed"] == "2"
    sa = sns.get_subscription_attributes(SubscriptionArn=sub2)["Attributes"]
    assert sa["RawMessageDelivery"] == "true" and sa["Protocol"] == "sqs"
    assert {s["SubscriptionArn"] for s in sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"]} == {sub1, sub2}
    assert arn in [t["TopicArn"] for t in sns.list_topics()["Topics"]]
    assert sns.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "ops"}]

    msg_id = sns.publish(TopicArn=arn, Subject="disk", Message="disk almost full",
                         MessageAttributes={"severity": {"DataType": "String", "StringValue": "critical"}})["MessageId"]
    sns.publish(TopicArn=arn, Message="just fyi",
                MessageAttributes={"severity": {"DataType": "String", "StringValue": "info"}})
    enveloped = [json.loads(m["Body"]) for m in drain(sqs, env_url, 2)]
    assert {e["Message"] for e in enveloped} == {"disk almost full", "just fyi"}
    e = next(x for x in enveloped if x["MessageId"] == msg_id)
    assert e["Type"] == "Notification" and e["TopicArn"] == arn and e["Subject"] == "disk"
    assert e["MessageAttributes"]["severity"] == {"Type": "String", "Value": "critical"}
    assert e["SignatureVersion"] == "1" and e["UnsubscribeURL"] and e["Timestamp"].endswith("Z")
    raw = drain(sqs, raw_url, 2, timeout=3)
    assert [m["Body"] for m in raw] == ["disk almost full"]  # the filter dropped "info"
    assert raw[0]["MessageAttributes"]["severity"]["StringValue"] == "critical"

    # MessageStructure json picks the per-protocol message.
    sns.publish(TopicArn=arn, MessageStructure="json", Message=json.dumps({"default": "d", "sqs": "for queues"}),
                MessageAttributes={"severity": {"DataType": "String", "StringValue": "high"}})
    assert json.loads(drain(sqs, env_url, 1)[0]["Body"])["Message"] == "for queues"
    assert drain(sqs, raw_url, 1)[0]["Body"] == "for queues"

    batch = sns.publish_batch(TopicArn=arn, PublishBatchRequestEntries=[
        {"Id": "a", "Message": "one"}, {"Id": "b", "Message": "two"}])
    assert sorted(x["Id"] for x in batch["Successful"]) == ["a", "b"] and not batch.get("Failed")
    assert {json.loads(m["Body"])["Message"] for m in drain(sqs, env_url, 2)} == {"one", "two"}

    sns.unsubscribe(SubscriptionArn=sub1)
    sns.publish(TopicArn=arn, Message="after unsubscribe")
    assert drain(sqs, env_url, 1, timeout=1.5) == []
    with pytest.raises(ClientError) as err:
        sns.publish(TopicArn=f"arn:aws:sns:{REGION}:{ACCOUNT}:nope", Message="x")
    assert err.value.response["Error"]["Code"] == "NotFound"
    with pytest.raises(ClientError) as err:
        sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=f"arn:aws:sqs:{REGION}:{ACCOUNT}:raw",
                      Attributes={"FilterPolicy": "{not json"})
    assert err.value.response["Error"]["Code"] == "InvalidParameter"
    sns.delete_topic(TopicArn=arn)
    assert arn not in [t["TopicArn"] for t in sns.list_topics()["Topics"]]


class _Hook(http.server.BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Hook.received.append((dict(self.headers), json.loads(body)))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def verify_sns_signature(envelope, tmp):
    """Checks an envelope's Signature as SNS receivers do: the certificate from
    SigningCertURL, the canonical string of its fields, SHA1 (version 1) or
    SHA256 (version 2) with RSA — with the openssl CLI."""
    import base64
    keys = (["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
            if envelope["Type"] == "Notification" else
            ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"])
    canonical = "".join(f"{k}\n{envelope[k]}\n" for k in keys if k in envelope)
    with urllib.request.urlopen(envelope["SigningCertURL"]) as r:
        cert = r.read()
    paths = {n: os.path.join(tmp, n) for n in ("cert.pem", "pub.pem", "msg", "sig")}
    open(paths["cert.pem"], "wb").write(cert)
    open(paths["msg"], "wb").write(canonical.encode())
    open(paths["sig"], "wb").write(base64.b64decode(envelope["Signature"]))
    pub = subprocess.run(["openssl", "x509", "-pubkey", "-noout", "-in", paths["cert.pem"]], capture_output=True,
                         check=True).stdout
    open(paths["pub.pem"], "wb").write(pub)
    digest = "-sha256" if envelope["SignatureVersion"] == "2" else "-sha1"
    out = subprocess.run(["openssl", "dgst", digest, "-verify", paths["pub.pem"], "-signature", paths["sig"],
                          paths["msg"]], capture_output=True, text=True)
    return out.returncode == 0 and "Verified OK" in out.stdout


def test_http_webhook_confirmation_and_delivery(stratus, tmp_path):
    sns = client(stratus, "sns")
    port = free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), _Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        _Hook.received.clear()
        arn = sns.create_topic(Name="hooks")["TopicArn"]
        pending = sns.subscribe(TopicArn=arn, Protocol="http", Endpoint=f"http://127.0.0.1:{port}/sns")
        assert pending["SubscriptionArn"] == "pending confirmation"
        deadline = time.time() + 10
        while not _Hook.received and time.time() < deadline:
            time.sleep(0.05)
        headers, confirm = _Hook.received[0]
        assert headers["x-amz-sns-message-type"] == "SubscriptionConfirmation" and confirm["Token"]
        assert confirm["SignatureVersion"] == "1" and verify_sns_signature(confirm, str(tmp_path))
        # The endpoint confirms by visiting the SubscribeURL, unauthenticated.
        with urllib.request.urlopen(confirm["SubscribeURL"]) as r:
            assert b"<ConfirmSubscriptionResult>" in r.read()
        subs = sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"]
        assert subs[0]["SubscriptionArn"].startswith(arn + ":")
        sns.publish(TopicArn=arn, Message="to the webhook", Subject="s")
        deadline = time.time() + 10
        while len(_Hook.received) < 2 and time.time() < deadline:
            time.sleep(0.05)
        headers, note = _Hook.received[1]
        assert headers["x-amz-sns-message-type"] == "Notification"
        assert headers["x-amz-sns-subscription-arn"] == subs[0]["SubscriptionArn"]
        assert note["Message"] == "to the webhook" and note["Subject"] == "s" and note["TopicArn"] == arn
        assert verify_sns_signature(note, str(tmp_path))
        # A tampered message does not verify; SignatureVersion 2 signs with SHA-256.
        assert not verify_sns_signature({**note, "Message": "to the webhook!"}, str(tmp_path))
        sns.set_topic_attributes(TopicArn=arn, AttributeName="SignatureVersion", AttributeValue="2")
        sns.publish(TopicArn=arn, Message="signed with SHA-256")
        deadline = time.time() + 10
        while len(_Hook.received) < 3 and time.time() < deadline:
            time.sleep(0.05)
        v2 = _Hook.received[2][1]
        assert v2["SignatureVersion"] == "2" and verify_sns_signature(v2, str(tmp_path))
    finally:
        server.shutdown()


def test_https_webhook_is_verified_and_delivered(stratus_factory, tmp_path):
    """An https endpoint gets the same envelope over TLS, once stratus trusts its
    certificate (here through OpenSSL's SSL_CERT_FILE); an untrusted one gets nothing."""
    import ssl
    from conftest import self_signed
    cert, key = self_signed(str(tmp_path))
    port = free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), _Hook)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        _Hook.received.clear()
        untrusting = stratus_factory(regions=(REGION,), subdir="untrusting").start()
        sns = client(untrusting, "sns")
        arn = sns.create_topic(Name="tls-hooks")["TopicArn"]
        sns.subscribe(TopicArn=arn, Protocol="https", Endpoint=f"https://127.0.0.1:{port}/sns")
        time.sleep(2)
        assert _Hook.received == []  # the certificate is not trusted: no delivery
        untrusting.stop()

        trusting = stratus_factory(regions=(REGION,), subdir="trusting", env={"SSL_CERT_FILE": cert}).start()
        sns = client(trusting, "sns")
        arn = sns.create_topic(Name="tls-hooks")["TopicArn"]
        sns.subscribe(TopicArn=arn, Protocol="https", Endpoint=f"https://127.0.0.1:{port}/sns")
        deadline = time.time() + 10
        while not _Hook.received and time.time() < deadline:
            time.sleep(0.05)
        headers, confirm = _Hook.received[0]
        assert headers["x-amz-sns-message-type"] == "SubscriptionConfirmation"
        assert headers["Host"] == f"127.0.0.1:{port}"
        with urllib.request.urlopen(confirm["SubscribeURL"]) as r:
            assert r.status == 200
        sns.publish(TopicArn=arn, Message="over TLS")
        deadline = time.time() + 10
        while len(_Hook.received) < 2 and time.time() < deadline:
            time.sleep(0.05)
        assert _Hook.received[1][1]["Message"] == "over TLS"
    finally:
        server.shutdown()


def test_email_is_written_to_the_mail_folder(stratus):
    sns = client(stratus, "sns")
    arn = sns.create_topic(Name="mail", Attributes={"DisplayName": "Ops"})["TopicArn"]
    sns.subscribe(TopicArn=arn, Protocol="email", Endpoint="ops@example.com")
    mail_dir = os.path.join(stratus.data, REGION, "mail")
    deadline = time.time() + 10
    while not glob.glob(os.path.join(mail_dir, "*.eml")) and time.time() < deadline:
        time.sleep(0.05)
    confirmation = open(glob.glob(os.path.join(mail_dir, "*.eml"))[0]).read()
    assert "To: ops@example.com" in confirmation and "Subscription Confirmation" in confirmation
    link = next(line for line in confirmation.splitlines() if "Action=ConfirmSubscription" in line).strip()
    with urllib.request.urlopen(link) as r:
        assert r.status == 200
    sns.publish(TopicArn=arn, Message="the disk is full", Subject="Disk alert")
    deadline = time.time() + 10
    while len(glob.glob(os.path.join(mail_dir, "*.eml"))) < 2 and time.time() < deadline:
        time.sleep(0.05)
    mails = sorted(glob.glob(os.path.join(mail_dir, "*.eml")))
    alert = open(mails[-1]).read()
    assert "Subject: Disk alert" in alert and "the disk is full" in alert and "To: ops@example.com" in alert


class _Smtp(socketserver.StreamRequestHandler):
    """A minimal SMTP relay: accepts every message and keeps it."""
    messages = []

    def reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        self.reply("220 test relay")
        mail = {"to": [], "data": ""}
        while True:
            line = self.rfile.readline().decode().rstrip("\r\n")
            if not line:
                return
            verb = line.split(" ")[0].upper().split(":")[0]
            if verb == "EHLO":
                self.wfile.write(b"250-test relay\r\n250 8BITMIME\r\n")
            elif verb == "MAIL":
                mail["from"] = line.split(":", 1)[1].strip("<> ")
                self.reply("250 ok")
            elif verb == "RCPT":
                mail["to"].append(line.split(":", 1)[1].strip("<> "))
                self.reply("250 ok")
            elif verb == "DATA":
                self.reply("354 go on")
                lines = []
                while True:
                    l = self.rfile.readline().decode()
                    if l == ".\r\n":
                        break
                    lines.append(l[1:] if l.startswith("..") else l)
                mail["data"] = "".join(lines)
                _Smtp.messages.append(dict(mail))
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 unknown")


def test_email_through_an_smtp_relay(stratus_factory):
    port = free_port()
    server = socketserver.ThreadingTCPServer(("127.0.0.1", port), _Smtp)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        _Smtp.messages.clear()
        s = stratus_factory(regions=(REGION,), extra=f'[email]\nsmtp_relay = "127.0.0.1:{port}"\nfrom = "alerts@example.com"\n').start()
        sns = client(s, "sns")
        arn = sns.create_topic(Name="relayed")["TopicArn"]
        sns.subscribe(TopicArn=arn, Protocol="email", Endpoint="oncall@example.com")
        deadline = time.time() + 10
        while not _Smtp.messages and time.time() < deadline:
            time.sleep(0.05)
        confirm = _Smtp.messages[0]
        assert confirm["from"] == "alerts@example.com" and confirm["to"] == ["oncall@example.com"]
        link = next(l for l in confirm["data"].splitlines() if "Action=ConfirmSubscription" in l).strip()
        urllib.request.urlopen(link).read()
        # A lone "." ends SMTP DATA unless dot-stuffed.
        sns.publish(TopicArn=arn, Message="first line\n.\n.leading dot stays\nlast line", Subject="Relay test")
        with pytest.raises(ClientError) as e:
            sns.publish(TopicArn=arn, Message="x", Subject="x\r\nBcc: victim@example.com")
        assert e.value.response["Error"]["Code"] == "InvalidParameter"
        deadline = time.time() + 10
        while len(_Smtp.messages) < 2 and time.time() < deadline:
            time.sleep(0.05)
        body = _Smtp.messages[1]["data"]
        assert "Subject: Relay test" in body and "first line\r\n.\r\n.leading dot stays\r\nlast line" in body
        assert len(_Smtp.messages) == 2
        assert not os.path.exists(os.path.join(s.data, REGION, "mail"))
    finally:
        server.shutdown()


@pytest.mark.parametrize("cli", [c[0] for c in aws_clis()], ids=lambda c: "debian" if c.startswith("/usr") else "pyenv")
def test_aws_cli(stratus, aws_env, cli):
    base = [cli, "--endpoint-url", stratus.endpoint(REGION), "--region", REGION, "--output", "json"]

    def run(*args):
        out = subprocess.run(base + list(args), capture_output=True, text=True, env=aws_env, timeout=60)
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout) if out.stdout.strip() else {}

    tag = "debian" if cli.startswith("/usr") else "pyenv"
    url = run("sqs", "create-queue", "--queue-name", f"{tag}-sns")["QueueUrl"]
    arn = run("sns", "create-topic", "--name", f"{tag}-topic")["TopicArn"]
    run("sns", "subscribe", "--topic-arn", arn, "--protocol", "sqs", "--notification-endpoint",
        f"arn:aws:sqs:{REGION}:{ACCOUNT}:{tag}-sns")
    run("sns", "publish", "--topic-arn", arn, "--message", "from the cli")
    msg = run("sqs", "receive-message", "--queue-url", url, "--wait-time-seconds", "5")["Messages"][0]
    assert json.loads(msg["Body"])["Message"] == "from the cli"


def test_add_and_remove_permission(stratus):
    sns = client(stratus, "sns")
    arn = sns.create_topic(Name="shared")["TopicArn"]
    sns.add_permission(TopicArn=arn, Label="partners", AWSAccountId=["111122223333", "444455556666"],
                       ActionName=["Publish", "Subscribe"])
    policy = json.loads(sns.get_topic_attributes(TopicArn=arn)["Attributes"]["Policy"])
    statement = next(s for s in policy["Statement"] if s.get("Sid") == "partners")
    assert statement["Principal"]["AWS"] == ["arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:root"]
    assert statement["Action"] == ["SNS:Publish", "SNS:Subscribe"] and statement["Resource"] == arn
    assert any(s.get("Sid") == "__default_statement_ID" for s in policy["Statement"])
    with pytest.raises(ClientError) as err:
        sns.add_permission(TopicArn=arn, Label="partners", AWSAccountId=["111122223333"], ActionName=["Publish"])
    assert err.value.response["Error"]["Code"] == "InvalidParameter"
    with pytest.raises(ClientError) as err:
        sns.add_permission(TopicArn=arn, Label="bad", AWSAccountId=["42"], ActionName=["Publish"])
    assert err.value.response["Error"]["Code"] == "InvalidParameter"
    sns.remove_permission(TopicArn=arn, Label="partners")
    policy = json.loads(sns.get_topic_attributes(TopicArn=arn)["Attributes"]["Policy"])
    assert not any(s.get("Sid") == "partners" for s in policy["Statement"])
    with pytest.raises(ClientError) as err:
        sns.remove_permission(TopicArn=arn.replace(":shared", ":missing"), Label="partners")
    assert err.value.response["Error"]["Code"] == "NotFound"
