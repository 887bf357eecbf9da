"""The default stack: config/stratus.toml as shipped, served on free ports.
Its resources are provisioned at start (buckets, replication, queues with the
dead-letter queue, the EventBridge rule, topics with the operator's email, the
metadata table) and the seed functions run on them. Seed 001's operations
("Verifying a Successful Backup", "Testing the Failure and Alerting Path") are
performed step by step with the aws CLI, as its README describes them."""

import json
import os
import subprocess

import pytest

from clients import aws_clis
from conftest import ROOT, BINARY, Stratus, metric, wait_for

PRIMARY, REPLICA = "ap-south-1", "ap-southeast-1"
ACCOUNT = "000000000000"
CONFIG = os.path.join(ROOT, "config", "stratus.toml")


@pytest.fixture
def stack(tmp_path):
    s = Stratus.from_file(tmp_path / "stack", CONFIG).start()
    yield s
    if s.proc.poll() is None:
        s.kill9()


def aws(stack, env, cli, region, *args):
    """Runs `cli` against `region`; returns its parsed JSON output (or text)."""
    out = subprocess.run([cli, "--endpoint-url", stack.endpoint(region), "--region", region, "--output", "json",
                          *args], capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0, f"{args}: {out.stderr}"
    try:
        return json.loads(out.stdout) if out.stdout.strip() else {}
    except json.JSONDecodeError:
        return out.stdout


def stratus_logs(stack, function, region):
    """`stratus logs FUNCTION` — the function's log group, as CloudWatch shows it."""
    out = subprocess.run([BINARY, "logs", function, "--region", region, "--config", stack.config,
                          "--data", stack.data], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    return out.stdout


def mails(stack, region):
    folder = os.path.join(stack.data, region, "mail")
    if not os.path.isdir(folder):
        return []
    out = []
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name)) as f:
            out.append(f.read())
    return out


def test_the_stack_is_provisioned_from_the_config(stack, aws_env):
    cli = aws_clis()[0][0]
    buckets = {b["Name"] for b in aws(stack, aws_env, cli, PRIMARY, "s3api", "list-buckets")["Buckets"]}
    assert buckets == {"main", "logs", "documents", "media", "database"}
    replicas = {b["Name"] for b in aws(stack, aws_env, cli, REPLICA, "s3api", "list-buckets")["Buckets"]}
    assert replicas == {"main-replica", "documents-replica", "media-replica", "database-replica"}
    versioning = aws(stack, aws_env, cli, PRIMARY, "s3api", "get-bucket-versioning", "--bucket", "documents")
    assert versioning["Status"] == "Enabled"
    rules = aws(stack, aws_env, cli, PRIMARY, "s3api", "get-bucket-replication", "--bucket", "documents")
    assert rules["ReplicationConfiguration"]["Rules"][0]["Destination"]["Bucket"] == "arn:aws:s3:::documents-replica"

    url = aws(stack, aws_env, cli, PRIMARY, "sqs", "get-queue-url", "--queue-name", "validation-queue")["QueueUrl"]
    attrs = aws(stack, aws_env, cli, PRIMARY, "sqs", "get-queue-attributes", "--queue-url", url,
                "--attribute-names", "All")["Attributes"]
    assert json.loads(attrs["RedrivePolicy"]) == {
        "deadLetterTargetArn": f"arn:aws:sqs:{PRIMARY}:{ACCOUNT}:validation-dlq", "maxReceiveCount": 3}
    assert attrs["VisibilityTimeout"] == "5"
    targets = aws(stack, aws_env, cli, PRIMARY, "events", "list-targets-by-rule", "--rule", "s3-object-created")
    assert [t["Arn"] for t in targets["Targets"]] == [f"arn:aws:sqs:{PRIMARY}:{ACCOUNT}:validation-queue"]
    topic = f"arn:aws:sns:{PRIMARY}:{ACCOUNT}:alerts"
    subs = aws(stack, aws_env, cli, PRIMARY, "sns", "list-subscriptions-by-topic", "--topic-arn", topic)
    assert [(x["Protocol"], x["Endpoint"]) for x in subs["Subscriptions"]] == [("email", "ops@stratus.local")]
    assert subs["Subscriptions"][0]["SubscriptionArn"].startswith(topic + ":")  # confirmed
    table = aws(stack, aws_env, cli, REPLICA, "dynamodb", "describe-table", "--table-name", "file-metadata")
    assert table["Table"]["KeySchema"] == [{"AttributeName": "object_key", "KeyType": "HASH"}]

    # A restart provisions again and changes nothing: no second subscription,
    # no new S3 test event, the same queue.
    assert stack.stop() == 0
    stack.start()
    subs = aws(stack, aws_env, cli, PRIMARY, "sns", "list-subscriptions-by-topic", "--topic-arn", topic)
    assert len(subs["Subscriptions"]) == 1
    assert aws(stack, aws_env, cli, PRIMARY, "sqs", "get-queue-url", "--queue-name", "validation-queue")["QueueUrl"] == url


@pytest.mark.parametrize("generation", [0, 1], ids=["debian-cli", "newer-cli"])
def test_seed001_verifying_a_successful_backup(stack, aws_env, tmp_path, generation):
    clis = aws_clis()
    if generation >= len(clis):
        pytest.skip("one aws CLI on this machine")
    cli = clis[generation][0]
    # 1. Upload any file to one of the primary buckets.
    path = tmp_path / "contract.pdf"
    path.write_bytes(b"%PDF-1.7 signed contract\n" * 4000)
    aws(stack, aws_env, cli, PRIMARY, "s3", "cp", str(path), "s3://documents/contracts/contract.pdf")
    # 2. The corresponding replica bucket in the secondary region has the file.
    head = wait_for(lambda: subprocess.run(
        [cli, "--endpoint-url", stack.endpoint(REPLICA), "--region", REPLICA, "--output", "json", "s3api",
         "head-object", "--bucket", "documents-replica", "--key", "contracts/contract.pdf"],
        capture_output=True, text=True, env=aws_env).stdout, 30, what="the replica")
    assert json.loads(head)["ContentLength"] == path.stat().st_size
    assert json.loads(head)["ReplicationStatus"] == "REPLICA"
    # 3-4. The validator's log group has the success message.
    log = wait_for(lambda: "SUCCESS: Checksum validation passed for s3://documents/contracts/contract.pdf"
                   in (text := stratus_logs(stack, "checksum-validator", PRIMARY)) and text, 30,
                   what="validation success")
    assert "documents-replica" in log
    source = aws(stack, aws_env, cli, PRIMARY, "s3api", "head-object", "--bucket", "documents",
                 "--key", "contracts/contract.pdf")
    assert source["ReplicationStatus"] == "COMPLETED"
    # The function's and its mapping's metrics.
    m = stack.metrics(PRIMARY)
    assert metric(m, "stratus_function_invocations_total", function="checksum-validator") >= 1
    assert metric(m, "stratus_function_sqs_messages_total", function="checksum-validator",
                  queue="validation-queue") >= 1
    assert metric(m, "stratus_function_duration_seconds_count", function="checksum-validator") >= 1


def test_seed001_testing_the_failure_and_alerting_path(stack, aws_env):
    clis = [c for c, _ in aws_clis()]
    debian = clis[0]
    # 1-2. Send a poison pill (any non-JSON text) to the validation queue.
    url = aws(stack, aws_env, debian, PRIMARY, "sqs", "get-queue-url", "--queue-name", "validation-queue")["QueueUrl"]
    aws(stack, aws_env, debian, PRIMARY, "sqs", "send-message", "--queue-url", url,
        "--message-body", "not json: a poison pill")
    # 3. After maxReceiveCount (3) failed receives it is in the DLQ.
    dlq = aws(stack, aws_env, debian, PRIMARY, "sqs", "get-queue-url", "--queue-name", "validation-dlq")["QueueUrl"]
    wait_for(lambda: aws(stack, aws_env, debian, PRIMARY, "sqs", "get-queue-attributes", "--queue-url", dlq,
                         "--attribute-names", "ApproximateNumberOfMessages")["Attributes"]
             ["ApproximateNumberOfMessages"] == "1", 40, interval=1, what="the poison pill in the DLQ")
    # 4. A DLQ redrive to the failure queue (message move tasks need the newer CLI).
    newer = [c for c in clis if not c.startswith("/usr/")]
    if not newer:
        pytest.skip("no aws CLI with start-message-move-task on this machine")
    task = aws(stack, aws_env, newer[0], PRIMARY, "sqs", "start-message-move-task",
               "--source-arn", f"arn:aws:sqs:{PRIMARY}:{ACCOUNT}:validation-dlq",
               "--destination-arn", f"arn:aws:sqs:{PRIMARY}:{ACCOUNT}:failure-queue")
    assert task["TaskHandle"]
    # 5. The inbox has the SNS failure alert.
    alert = wait_for(lambda: [m for m in mails(stack, PRIMARY) if "Subject: Backup validation failure" in m], 30,
                     what="the failure email")[0]
    assert "To: ops@stratus.local" in alert and "not json: a poison pill" in alert
    assert "ALERT sent" in stratus_logs(stack, "failure-notifier", PRIMARY)


def test_kill9_mid_pipeline_loses_no_event(stack, aws_env):
    import boto3
    from conftest import ACCESS_KEY, SECRET_KEY
    s3 = boto3.client("s3", endpoint_url=stack.endpoint(PRIMARY), region_name=PRIMARY,
                      aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY)
    keys = [f"burst/{i:02d}.bin" for i in range(10)]
    for k in keys:
        s3.put_object(Bucket="main", Key=k, Body=os.urandom(4096))
        s3.put_object(Bucket="media", Key=k, Body=os.urandom(4096))
    stack.kill9()
    stack.start()
    ddb = boto3.client("dynamodb", endpoint_url=stack.endpoint(REPLICA), region_name=REPLICA,
                       aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY)
    wait_for(lambda: all("Item" in ddb.get_item(TableName="file-metadata", Key={"object_key": {"S": k}})
                         for k in keys), 60, interval=0.5, what="a metadata item for every upload to main")
    wait_for(lambda: all(f"SUCCESS: Checksum validation passed for s3://media/{k} " in
                         stratus_logs(stack, "checksum-validator", PRIMARY) for k in keys),
             60, interval=0.5, what="a validation success for every upload to media")


def test_a_resource_the_service_refuses_stops_startup(tmp_path):
    with open(CONFIG) as f:
        text = f.read()
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace('name = "logs"', 'name = "Logs_Bucket"'))
    s = Stratus.from_file(tmp_path / "bad", str(bad))
    with pytest.raises(RuntimeError) as e:
        s.start()
    assert s.proc.returncode == 1
    assert "region ap-south-1: bucket Logs_Bucket: InvalidBucketName" in str(e.value)


def test_a_stop_during_provisioning_is_clean(tmp_path):
    import signal
    import time
    s = Stratus.from_file(tmp_path / "early", CONFIG)
    s.stdout, s.stderr = open(s.stdout_path, "ab"), open(s.stderr_path, "ab")
    s.proc = subprocess.Popen([BINARY, "serve", "--config", s.config, "--data", s.data],
                              stdout=s.stdout, stderr=s.stderr, cwd=s.workdir)
    time.sleep(0.05)
    assert s.stop(signal.SIGTERM) == 0, s.logs()


def test_stratus_demo_drives_both_seeds(stack):
    out = subprocess.run([BINARY, "demo", "--config", stack.config, "--data", stack.data],
                         capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stdout + out.stderr
    for hop in ("POST /presign → a PUT URL for s3://main/demo/", "PUT with the URL → 200",
                "replication COMPLETED → s3://main-replica/demo/", "metadata item (GET /files/demo/",
                "alert email → ", "checksum-validator: SUCCESS: Checksum validation passed",
                "poison pill in validation-dlq", "redrive started: validation-dlq → failure-queue",
                "failure email → ", "Every hop happened"):
        assert hop in out.stdout, out.stdout
    # Against a stack that is not running: a clear refusal.
    stack.stop()
    out = subprocess.run([BINARY, "demo", "--config", stack.config, "--data", stack.data],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 2 and "is not ready" in out.stderr
