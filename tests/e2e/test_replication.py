"""S3 replication between stratus regions, driven with Debian's boto3 1.26 and
both aws CLI generations: configuration, what a replica carries, and the fault
tests (replica region down, kill -9 of the primary, a destination answering
500s and stalling, bytes flipped in transit)."""

import concurrent.futures
import hashlib
import json
import os
import subprocess
import sys
import time
import urllib.request

import pytest
from botocore.exceptions import ClientError

from clients import other_pythons_with_boto3, run_s3_script
from conftest import metric, s3_client, wait_for

PRIMARY = "ap-south-1"
REPLICA = "ap-southeast-1"


def versioned_bucket(s3, name):
    region = s3.meta.region_name
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    return name


def rule(dest_arn, rule_id="all", prefix="", priority=1, delete_markers=True, **extra):
    r = {"ID": rule_id, "Priority": priority, "Status": "Enabled",
         "Filter": {"Prefix": prefix},
         "DeleteMarkerReplication": {"Status": "Enabled" if delete_markers else "Disabled"},
         "Destination": {"Bucket": dest_arn}}
    r.update(extra)
    return r


def replicate(s3, bucket, *rules):
    s3.put_bucket_replication(
        Bucket=bucket,
        ReplicationConfiguration={"Role": "arn:aws:iam::000000000000:role/replication",
                                  "Rules": list(rules)})


def status_of(s3, bucket, key):
    return s3.head_object(Bucket=bucket, Key=key).get("ReplicationStatus")


def all_completed(s3, bucket, keys):
    pending = [k for k in keys if status_of(s3, bucket, k) != "COMPLETED"]
    return not pending


def replication_status(stratus, region, bucket=""):
    url = stratus.endpoint(region) + "/_stratus/replication" + (f"?bucket={bucket}" if bucket else "")
    with urllib.request.urlopen(url, timeout=5) as r:
        return json.loads(r.read())


# --- configuration -------------------------------------------------------------

def test_configuration_round_trip_and_s3_errors(stratus):
    src = s3_client(stratus, PRIMARY)
    dst = s3_client(stratus, REPLICA)
    with pytest.raises(ClientError) as e:
        src.get_bucket_replication(Bucket="nope-bucket")
    assert e.value.response["Error"]["Code"] == "NoSuchBucket"

    src.create_bucket(Bucket="plain-src", CreateBucketConfiguration={"LocationConstraint": PRIMARY})
    with pytest.raises(ClientError) as e:
        replicate(src, "plain-src", rule("arn:aws:s3:::replica-a"))
    assert e.value.response["Error"]["Code"] == "InvalidRequest"
    assert "Versioning" in e.value.response["Error"]["Message"]

    versioned_bucket(src, "main-a")
    with pytest.raises(ClientError) as e:
        src.get_bucket_replication(Bucket="main-a")
    assert e.value.response["Error"]["Code"] == "ReplicationConfigurationNotFoundError"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404

    # The destination must exist and be versioned.
    with pytest.raises(ClientError) as e:
        replicate(src, "main-a", rule(f"arn:aws:s3:{REPLICA}::replica-a"))
    assert e.value.response["Error"]["Code"] == "InvalidRequest"
    assert "exist" in e.value.response["Error"]["Message"]
    dst.create_bucket(Bucket="replica-a", CreateBucketConfiguration={"LocationConstraint": REPLICA})
    with pytest.raises(ClientError) as e:
        replicate(src, "main-a", rule("arn:aws:s3:::replica-a"))
    assert "versioning" in e.value.response["Error"]["Message"]
    dst.put_bucket_versioning(Bucket="replica-a", VersioningConfiguration={"Status": "Enabled"})

    # Schema and rule checks.
    with pytest.raises(ClientError) as e:
        replicate(src, "main-a", rule("not-an-arn"))
    assert e.value.response["Error"]["Code"] == "InvalidArgument"
    tagged = rule("arn:aws:s3:::replica-a", delete_markers=True)
    tagged["Filter"] = {"Tag": {"Key": "k", "Value": "v"}}
    with pytest.raises(ClientError) as e:
        replicate(src, "main-a", tagged)
    assert e.value.response["Error"]["Code"] == "InvalidRequest"
    with pytest.raises(ClientError) as e:
        replicate(src, "main-a", rule("arn:aws:s3:::replica-a", "a", priority=1),
                  rule("arn:aws:s3:::replica-a", "b", priority=1))
    assert e.value.response["Error"]["Code"] == "InvalidRequest"

    full = rule("arn:aws:s3:::replica-a", "docs", prefix="docs/", priority=3,
                ExistingObjectReplication={"Status": "Enabled"})
    full["Destination"].update({
        "StorageClass": "STANDARD_IA", "Account": "000000000000",
        "ReplicationTime": {"Status": "Enabled", "Time": {"Minutes": 15}},
        "Metrics": {"Status": "Enabled", "EventThreshold": {"Minutes": 15}}})
    both = rule("arn:aws:s3:::replica-a", "both", priority=2, delete_markers=False)
    both["Filter"] = {"And": {"Prefix": "x/", "Tags": [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]}}
    replicate(src, "main-a", full, both)
    got = src.get_bucket_replication(Bucket="main-a")["ReplicationConfiguration"]
    assert got["Role"] == "arn:aws:iam::000000000000:role/replication"
    by_id = {r["ID"]: r for r in got["Rules"]}
    assert by_id["docs"]["Filter"] == {"Prefix": "docs/"}
    assert by_id["docs"]["Priority"] == 3
    assert by_id["docs"]["Destination"]["StorageClass"] == "STANDARD_IA"
    assert by_id["docs"]["Destination"]["ReplicationTime"]["Time"]["Minutes"] == 15
    assert by_id["docs"]["ExistingObjectReplication"] == {"Status": "Enabled"}
    assert by_id["both"]["Filter"]["And"]["Tags"] == [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]
    assert by_id["both"]["DeleteMarkerReplication"] == {"Status": "Disabled"}

    # Malformed XML changes nothing.
    from conftest import s3_error, s3_request
    status, _, body = s3_request(stratus, "PUT", "/main-a", query=[("replication", "")], body=b"<Replication")
    assert status == 400 and s3_error(body)["Code"] == "MalformedXML"
    assert len(src.get_bucket_replication(Bucket="main-a")["ReplicationConfiguration"]["Rules"]) == 2

    assert src.delete_bucket_replication(Bucket="main-a")["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError):
        src.get_bucket_replication(Bucket="main-a")


@pytest.mark.parametrize("cli", ["/usr/bin/aws", "aws"])
def test_cli_configures_replication(stratus, aws_env, tmp_path, cli):
    src = s3_client(stratus, PRIMARY)
    dst = s3_client(stratus, REPLICA)
    name = "cli-" + ("debian" if cli.startswith("/") else "pyenv")
    versioned_bucket(src, name)
    versioned_bucket(dst, name + "-copy")
    config = {"Role": "arn:aws:iam::000000000000:role/r",
              "Rules": [rule(f"arn:aws:s3:::{name}-copy")]}
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(config))
    base = [cli, "--endpoint-url", stratus.endpoint(PRIMARY), "--region", PRIMARY, "s3api"]
    subprocess.run(base + ["put-bucket-replication", "--bucket", name,
                           "--replication-configuration", f"file://{path}"],
                   check=True, env=aws_env, capture_output=True)
    out = subprocess.run(base + ["get-bucket-replication", "--bucket", name],
                         check=True, env=aws_env, capture_output=True, text=True).stdout
    assert json.loads(out)["ReplicationConfiguration"]["Rules"][0]["Destination"]["Bucket"] == \
        f"arn:aws:s3:::{name}-copy"
    src.put_object(Bucket=name, Key="k", Body=b"via cli")
    wait_for(lambda: status_of(src, name, "k") == "COMPLETED", 20, what="replication")
    assert dst.get_object(Bucket=name + "-copy", Key="k")["Body"].read() == b"via cli"


# --- what a replica carries ------------------------------------------------------

def test_replica_is_the_same_version(stratus):
    src = s3_client(stratus, PRIMARY)
    dst = s3_client(stratus, REPLICA)
    versioned_bucket(src, "main-b")
    versioned_bucket(dst, "replica-b")
    replicate(src, "main-b", rule("arn:aws:s3:::replica-b"))

    put = src.put_object(Bucket="main-b", Key="dir/photo.jpg", Body=b"\xff\xd8 jpeg bytes",
                         ContentType="image/jpeg", CacheControl="max-age=60",
                         ContentDisposition="inline", Metadata={"owner": "alice", "n": "1"},
                         Tagging="team=a&env=dev")
    assert put["ResponseMetadata"]["HTTPHeaders"].get("x-amz-version-id")
    assert status_of(src, "main-b", "dir/photo.jpg") in ("PENDING", "COMPLETED")
    wait_for(lambda: status_of(src, "main-b", "dir/photo.jpg") == "COMPLETED", 20, what="replication")

    s = src.head_object(Bucket="main-b", Key="dir/photo.jpg")
    r = dst.head_object(Bucket="replica-b", Key="dir/photo.jpg")
    assert r["ReplicationStatus"] == "REPLICA"
    assert r["VersionId"] == s["VersionId"] == put["VersionId"]
    assert r["LastModified"] == s["LastModified"]
    assert r["ETag"] == s["ETag"]
    assert r["ContentType"] == "image/jpeg"
    assert r["CacheControl"] == "max-age=60"
    assert r["ContentDisposition"] == "inline"
    assert r["Metadata"] == {"owner": "alice", "n": "1"}
    tags = dst.get_object_tagging(Bucket="replica-b", Key="dir/photo.jpg")["TagSet"]
    assert sorted((t["Key"], t["Value"]) for t in tags) == [("env", "dev"), ("team", "a")]
    assert dst.get_object(Bucket="replica-b", Key="dir/photo.jpg")["Body"].read() == b"\xff\xd8 jpeg bytes"
    # A copy of a replica is a new version of the replica bucket, not a replica.
    copy = dst.copy_object(Bucket="replica-b", Key="copy-of-replica",
                           CopySource={"Bucket": "replica-b", "Key": "dir/photo.jpg"})
    assert copy["VersionId"] != put["VersionId"]
    assert "ReplicationStatus" not in dst.head_object(Bucket="replica-b", Key="copy-of-replica")

    # A multipart upload (3 parts) replicates as the same version, verified by its CRC64/NVME.
    blobs = [os.urandom(n) for n in ((5 << 20) + 1, (5 << 20) + 2, 1000)]
    mp = src.create_multipart_upload(Bucket="main-b", Key="big.bin")
    etags = [src.upload_part(Bucket="main-b", Key="big.bin", UploadId=mp["UploadId"], PartNumber=i,
                             Body=blobs[i - 1])["ETag"] for i in (1, 2, 3)]
    done = src.complete_multipart_upload(
        Bucket="main-b", Key="big.bin", UploadId=mp["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": i, "ETag": e} for i, e in zip((1, 2, 3), etags)]})
    src.copy_object(Bucket="main-b", Key="copied", CopySource={"Bucket": "main-b", "Key": "dir/photo.jpg"})
    wait_for(lambda: all_completed(src, "main-b", ["big.bin", "copied"]), 30, what="replication")
    got = dst.get_object(Bucket="replica-b", Key="big.bin")
    assert got["VersionId"] == done["VersionId"]
    assert hashlib.sha256(got["Body"].read()).hexdigest() == hashlib.sha256(b"".join(blobs)).hexdigest()
    assert dst.get_object(Bucket="replica-b", Key="copied")["Body"].read() == b"\xff\xd8 jpeg bytes"

    # The source's own client checksum is the replica's too (as S3 keeps it):
    # a CRC32 PUT, and a COMPOSITE CRC32 multipart upload.
    src.put_object(Bucket="main-b", Key="crc32.txt", Body=b"checksummed", ChecksumAlgorithm="CRC32")
    mp = src.create_multipart_upload(Bucket="main-b", Key="crc32-mp.bin", ChecksumAlgorithm="CRC32")
    parts = [src.upload_part(Bucket="main-b", Key="crc32-mp.bin", UploadId=mp["UploadId"], PartNumber=i,
                             Body=blobs[i - 1], ChecksumAlgorithm="CRC32") for i in (1, 2, 3)]
    src.complete_multipart_upload(
        Bucket="main-b", Key="crc32-mp.bin", UploadId=mp["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": i, "ETag": p["ETag"], "ChecksumCRC32": p["ChecksumCRC32"]}
                                   for i, p in zip((1, 2, 3), parts)]})
    wait_for(lambda: all_completed(src, "main-b", ["crc32.txt", "crc32-mp.bin"]), 30, what="replication")
    for key in ("crc32.txt", "crc32-mp.bin"):
        s_head = src.head_object(Bucket="main-b", Key=key, ChecksumMode="ENABLED")
        r_head = dst.head_object(Bucket="replica-b", Key=key, ChecksumMode="ENABLED")
        assert r_head["ChecksumCRC32"] == s_head["ChecksumCRC32"], key
    assert r_head["ChecksumCRC32"].endswith("-3")

    # Delete markers replicate (same id); deleting a specific version does not.
    marker = src.delete_object(Bucket="main-b", Key="copied")
    assert marker["DeleteMarker"]

    def marker_replicated():
        vs = dst.list_object_versions(Bucket="replica-b", Prefix="copied")
        return [m["VersionId"] for m in vs.get("DeleteMarkers", [])] == [marker["VersionId"]]
    wait_for(marker_replicated, 20, what="delete marker replication")
    src.delete_object(Bucket="main-b", Key="dir/photo.jpg", VersionId=put["VersionId"])
    time.sleep(1)
    assert dst.head_object(Bucket="replica-b", Key="dir/photo.jpg")["VersionId"] == put["VersionId"]

    m = stratus.metrics(PRIMARY)
    assert metric(m, "stratus_replication_completed_total") >= 6
    assert metric(m, "stratus_replication_latency_seconds_count") >= 4
    assert metric(m, "stratus_replication_backlog_objects", bucket="main-b") == 0
    st = replication_status(stratus, PRIMARY, "main-b")
    assert st["rules"][0]["completed"] >= 4 and st["pending"] == 0


def test_two_way_replication_converges_without_loops(stratus):
    a = s3_client(stratus, PRIMARY)
    b = s3_client(stratus, REPLICA)
    versioned_bucket(a, "ping")
    versioned_bucket(b, "pong")
    replicate(a, "ping", rule("arn:aws:s3:::pong"))
    replicate(b, "pong", rule("arn:aws:s3:::ping"))
    a.put_object(Bucket="ping", Key="from-a", Body=b"a")
    b.put_object(Bucket="pong", Key="from-b", Body=b"b")
    wait_for(lambda: all_completed(a, "ping", ["from-a"]) and all_completed(b, "pong", ["from-b"]),
             20, what="two-way replication")
    time.sleep(1)
    for s3, bucket in ((a, "ping"), (b, "pong")):
        versions = s3.list_object_versions(Bucket=bucket)["Versions"]
        assert sorted(v["Key"] for v in versions) == ["from-a", "from-b"]
    assert a.head_object(Bucket="ping", Key="from-b")["ReplicationStatus"] == "REPLICA"


def test_permanent_failure_marks_failed(stratus):
    src = s3_client(stratus, PRIMARY)
    dst = s3_client(stratus, REPLICA)
    versioned_bucket(src, "main-f")
    versioned_bucket(dst, "gone-soon")
    replicate(src, "main-f", rule("arn:aws:s3:::gone-soon"))
    dst.delete_bucket(Bucket="gone-soon")
    src.put_object(Bucket="main-f", Key="k", Body=b"x")
    wait_for(lambda: status_of(src, "main-f", "k") == "FAILED", 20, what="FAILED status")
    assert metric(stratus.metrics(PRIMARY), "stratus_replication_failures_total") >= 1


# --- fault tests ---------------------------------------------------------------

def two_processes(stratus_factory, primary_env=None, replica_env=None, timeout_s=30, workers=16):
    replica = stratus_factory(regions=(REPLICA,), subdir="replica", env=replica_env)
    port = replica.regions[REPLICA]["aws"]
    extra = (f"[replication]\nworkers = {workers}\nrequest_timeout_seconds = {timeout_s}\n\n"
             f"[[replication.endpoints]]\nregion = \"{REPLICA}\"\nendpoint = \"127.0.0.1:{port}\"\n")
    primary = stratus_factory(regions=(PRIMARY,), subdir="primary", extra=extra, env=primary_env)
    return primary, replica


def setup_pair(primary, replica, bucket="main", copy="replica"):
    src = s3_client(primary, PRIMARY, max_pool_connections=32)
    dst = s3_client(replica, REPLICA, max_pool_connections=32)
    versioned_bucket(src, bucket)
    versioned_bucket(dst, copy)
    replicate(src, bucket, rule(f"arn:aws:s3:{REPLICA}::{copy}"))
    return src, dst


def upload_many(s3, bucket, n, size=256):
    bodies = {f"obj/{i:05d}": os.urandom(size) for i in range(n)}
    versions = {}
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        for key, put in zip(bodies, pool.map(lambda kv: s3.put_object(Bucket=bucket, Key=kv[0], Body=kv[1]),
                                             bodies.items())):
            versions[key] = put["VersionId"]
    return bodies, versions


def assert_replicated(src, dst, bodies, versions, bucket="main", copy="replica", timeout=60):
    def done():
        listed = {}
        kw = {"Bucket": copy}
        while True:
            page = dst.list_object_versions(**kw)
            for v in page.get("Versions", []):
                listed.setdefault(v["Key"], []).append(v["VersionId"])
            if not page.get("IsTruncated"):
                break
            kw.update(KeyMarker=page["NextKeyMarker"], VersionIdMarker=page["NextVersionIdMarker"])
        return listed if len(listed) == len(bodies) else None
    listed = wait_for(done, timeout, interval=0.5, what="all replicas")
    # Exactly one version per key: the source's.
    assert all(listed[k] == [versions[k]] for k in bodies)

    def check(key):
        got = dst.get_object(Bucket=copy, Key=key)
        return got["Body"].read() == bodies[key] and got["ReplicationStatus"] == "REPLICA"
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        assert all(pool.map(check, bodies))
    wait_for(lambda: all_completed(src, bucket, list(bodies)[:50]) and
             replication_status_pending(src) == 0, 30, what="COMPLETED statuses")


def replication_status_pending(src):
    url = src.meta.endpoint_url + "/_stratus/replication"
    with urllib.request.urlopen(url, timeout=5) as r:
        return json.loads(r.read())["pending"]


def test_replica_region_down_then_back(stratus_factory):
    primary, replica = two_processes(stratus_factory)
    replica.start()
    primary.start()
    src, dst = setup_pair(primary, replica)
    replica.stop()
    bodies, versions = upload_many(src, "main", 1000)
    assert replication_status_pending(src) > 0
    assert status_of(src, "main", "obj/00000") == "PENDING"
    replica.start()
    started = time.time()
    assert_replicated(src, dst, bodies, versions, timeout=60)
    assert time.time() - started < 60
    m = primary.metrics(PRIMARY)
    assert metric(m, "stratus_replication_retries_total", reason="connection_refused") >= 1


def test_kill9_primary_mid_replication(stratus_factory):
    primary, replica = two_processes(stratus_factory, workers=4)
    replica.start()
    primary.start()
    src, dst = setup_pair(primary, replica)
    bodies, versions = upload_many(src, "main", 1000)
    # Replication is under way: some done, some not.
    wait_for(lambda: 0 < replication_status(primary, PRIMARY)["rules"][0]["completed"], 20,
             interval=0.01, what="replication to start")
    primary.kill9()
    primary.start()
    src = s3_client(primary, PRIMARY, max_pool_connections=32)
    assert_replicated(src, dst, bodies, versions, timeout=60)


def test_destination_errors_and_stalls(stratus_factory):
    primary, replica = two_processes(
        stratus_factory, timeout_s=1,
        replica_env={"STRATUS_FAULTS": "s3.write.error=0.3,s3.write.stall=0.1:2500"})
    replica.start()
    primary.start()
    src, dst = setup_pair(primary, replica)
    bodies, versions = upload_many(src, "main", 300)
    assert_replicated(src, dst, bodies, versions, timeout=90)
    m = primary.metrics(PRIMARY)
    assert metric(m, "stratus_replication_retries_total", reason="http_500") >= 1
    assert metric(m, "stratus_replication_retries_total", reason="timeout") >= 1


def test_corruption_in_transit_is_never_committed(stratus_factory):
    primary, replica = two_processes(stratus_factory,
                                     primary_env={"STRATUS_FAULTS": "replication.corrupt=0.5"})
    replica.start()
    primary.start()
    src, dst = setup_pair(primary, replica)
    bodies, versions = upload_many(src, "main", 200, size=4096)
    assert_replicated(src, dst, bodies, versions, timeout=60)
    m = primary.metrics(PRIMARY)
    assert metric(m, "stratus_replication_checksum_mismatches_total") >= 20
    assert metric(m, "stratus_replication_retries_total", reason="BadDigest") >= 20


def test_large_object_replicates_in_bounded_memory(stratus_factory, tmp_path):
    primary, replica = two_processes(stratus_factory)
    replica.start()
    primary.start()
    src, dst = setup_pair(primary, replica)
    size = 1 << 30
    path = tmp_path / "big"
    block = os.urandom(1 << 20)
    sha = hashlib.sha256()
    with open(path, "wb") as f:
        for i in range(size >> 20):
            chunk = block[:-1] + bytes([i % 256])
            sha.update(chunk)
            f.write(chunk)
    import boto3.s3.transfer
    src.upload_file(str(path), "main", "huge.bin",
                    Config=boto3.s3.transfer.TransferConfig(multipart_chunksize=64 << 20, max_concurrency=4))
    os.unlink(path)
    wait_for(lambda: status_of(src, "main", "huge.bin") == "COMPLETED", 180, interval=1,
             what="1 GiB replication")
    got = hashlib.sha256()
    body = dst.get_object(Bucket="replica", Key="huge.bin")["Body"]
    for chunk in iter(lambda: body.read(8 << 20), b""):
        got.update(chunk)
    assert got.hexdigest() == sha.hexdigest()
    # Peak resident memory of the primary (which received the upload and sent the replica).
    with open(f"/proc/{primary.proc.pid}/status") as f:
        hwm_kb = next(int(line.split()[1]) for line in f if line.startswith("VmHWM"))
    assert hwm_kb < 400 * 1024, f"primary peaked at {hwm_kb // 1024} MiB"


def test_replication_status_cli(stratus_factory):
    primary, replica = two_processes(stratus_factory)
    replica.start()
    primary.start()
    src, dst = setup_pair(primary, replica)
    src.put_object(Bucket="main", Key="k", Body=b"x")
    wait_for(lambda: status_of(src, "main", "k") == "COMPLETED", 20, what="replication")
    from conftest import BINARY
    out = subprocess.run([BINARY, "replication", "status", "--config", primary.config, "--bucket", "main"],
                         capture_output=True, text=True, check=True).stdout
    assert PRIMARY in out and "main" in out and "all" in out
    assert f"arn:aws:s3:{REPLICA}::replica" in out


NEWER_BOTO3_SCRIPT = r'''
import time
replica = boto3.client("s3", endpoint_url=ARGS[0], region_name=ARGS[1], aws_access_key_id=KEY,
                       aws_secret_access_key=SECRET)
make_bucket("newer-src")
s3.put_bucket_versioning(Bucket="newer-src", VersioningConfiguration={"Status": "Enabled"})
replica.create_bucket(Bucket="newer-dst", CreateBucketConfiguration={"LocationConstraint": ARGS[1]})
replica.put_bucket_versioning(Bucket="newer-dst", VersioningConfiguration={"Status": "Enabled"})
s3.put_bucket_replication(Bucket="newer-src", ReplicationConfiguration={
    "Role": "arn:aws:iam::000000000000:role/r",
    "Rules": [{"ID": "r", "Priority": 1, "Status": "Enabled", "Filter": {},
               "DeleteMarkerReplication": {"Status": "Enabled"},
               "Destination": {"Bucket": "arn:aws:s3:::newer-dst"}}]})
rules = s3.get_bucket_replication(Bucket="newer-src")["ReplicationConfiguration"]["Rules"]
# The newer client sends a CRC checksum with every PUT by default.
put = s3.put_object(Bucket="newer-src", Key="k", Body=b"newer client")
for _ in range(100):
    if s3.head_object(Bucket="newer-src", Key="k").get("ReplicationStatus") == "COMPLETED":
        break
    time.sleep(0.2)
got = replica.get_object(Bucket="newer-dst", Key="k", ChecksumMode="ENABLED")
print(json.dumps({"rules": len(rules), "version": got["VersionId"] == put["VersionId"],
                  "status": got["ReplicationStatus"], "body": got["Body"].read().decode()}))
'''


@pytest.mark.parametrize("python", other_pythons_with_boto3(), ids=lambda p: "boto3-" + p[1])
def test_newer_boto3(stratus, python):
    out = run_s3_script(python[0], NEWER_BOTO3_SCRIPT, stratus.endpoint(PRIMARY), PRIMARY,
                        stratus.endpoint(REPLICA), REPLICA)
    assert out == {"rules": 1, "version": True, "status": "REPLICA", "body": "newer client"}
