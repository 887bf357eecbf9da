"""The same S3 scenarios driven by each boto3 generation on the machine
(Debian's 1.26 and a newer pip one): round trips, flexible checksums,
conditional writes, versioning, presigned URLs, virtual-hosted addressing,
multipart and managed transfers. Each scenario is a script run by that
generation's interpreter (see clients.S3_SCRIPT_PRELUDE)."""

import subprocess

import pytest

from clients import boto3_generations, run_s3_script

GENERATIONS = boto3_generations()
REGION = "ap-south-1"


def run(stratus, aws_env, py, script, *args, endpoint=None):
    return run_s3_script(py[0], script, endpoint or stratus.endpoint(REGION), REGION, *args, env=aws_env)


CHECKSUMS = r'''
bucket = make_bucket("sums")
data = os.urandom(3000) + b"tail"
out = {}
for alg in ["CRC32", "CRC32C", "SHA1", "SHA256", "CRC64NVME"]:
    key, header = f"sum-{alg}", f"x-amz-checksum-{alg.lower()}"
    expected = checksum_b64(alg, data)
    try:
        put = s3.put_object(Bucket=bucket, Key=key, Body=data, ChecksumAlgorithm=alg)
        how = "computed by the client"
    except (botocore.exceptions.MissingDependencyException, botocore.exceptions.FlexibleChecksumError,
            botocore.exceptions.ParamValidationError) as e:
        if has_param("PutObject", "Checksum" + alg):
            put = s3.put_object(Bucket=bucket, Key=key, Body=data, **{"Checksum" + alg: expected})
            how = "value parameter"
        else:
            undo = add_headers(s3, "PutObject", {header: expected, "x-amz-sdk-checksum-algorithm": alg})
            put = s3.put_object(Bucket=bucket, Key=key, Body=data)
            undo()
            how = "header"
    out[alg] = how
    assert put["ResponseMetadata"]["HTTPHeaders"].get(header) == expected, (alg, put["ResponseMetadata"])
    got = s3.get_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")
    assert got["Body"].read() == data
    assert got["ResponseMetadata"]["HTTPHeaders"].get(header) == expected, (alg, got["ResponseMetadata"])
    head = s3.head_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")
    assert head["ResponseMetadata"]["HTTPHeaders"].get(header) == expected, (alg, head["ResponseMetadata"])
    # A wrong value for this algorithm is refused and nothing is stored.
    wrong = checksum_b64(alg, b"other data")
    if has_param("PutObject", "Checksum" + alg):
        code = error(s3.put_object, Bucket=bucket, Key=key + "-bad", Body=data, **{"Checksum" + alg: wrong})
    else:
        undo = add_headers(s3, "PutObject", {header: wrong, "x-amz-sdk-checksum-algorithm": alg})
        code = error(s3.put_object, Bucket=bucket, Key=key + "-bad", Body=data)
        undo()
    assert tuple(code) == (400, "BadDigest"), (alg, code)
    assert tuple(error(s3.head_object, Bucket=bucket, Key=key + "-bad")) == (404, "404")
# Whatever the client sends by default is accepted and kept.
s3.put_object(Bucket=bucket, Key="default", Body=data)
assert s3.get_object(Bucket=bucket, Key="default", ChecksumMode="ENABLED")["Body"].read() == data
# A range is not the whole object: its body must pass the client's validation
# (the whole object's checksum does not describe it).
for alg in ["CRC32", "CRC32C", "SHA1", "SHA256", "CRC64NVME"]:
    part = s3.get_object(Bucket=bucket, Key=f"sum-{alg}", Range="bytes=10-99", ChecksumMode="ENABLED")
    assert part["Body"].read() == data[10:100], alg
print(json.dumps(out))
'''


@pytest.mark.parametrize("py", GENERATIONS, ids=lambda p: "boto3-" + p[1])
def test_flexible_checksums(stratus, aws_env, py):
    run(stratus, aws_env, py, CHECKSUMS)


CONDITIONAL_WRITES = r'''
bucket = make_bucket("cond")

def put(key, body, **cond):
    params = {}
    headers = {}
    for name, header in (("IfNoneMatch", "If-None-Match"), ("IfMatch", "If-Match")):
        if name in cond:
            if has_param("PutObject", name):
                params[name] = cond[name]
            else:
                headers[header] = cond[name]
    undo = add_headers(s3, "PutObject", headers)
    try:
        return s3.put_object(Bucket=bucket, Key=key, Body=body, **params)
    finally:
        undo()

def body(key):
    return s3.get_object(Bucket=bucket, Key=key)["Body"].read()

first = put("k", b"first", IfNoneMatch="*")
assert tuple(error(put, key="k", body=b"second", IfNoneMatch="*")) == (412, "PreconditionFailed")
assert body("k") == b"first"
second = put("k", b"second", IfMatch=first["ETag"])
assert body("k") == b"second"
assert tuple(error(put, key="k", body=b"third", IfMatch=first["ETag"])) == (412, "PreconditionFailed")
assert body("k") == b"second"
put("k", b"third", IfMatch=second["ETag"])
assert body("k") == b"third"
# If-Match on a key that does not exist fails and stores nothing.
status, code = error(put, key="absent", body=b"x", IfMatch=first["ETag"])
assert (status, code) in ((404, "NoSuchKey"), (412, "PreconditionFailed")), (status, code)
assert tuple(error(s3.head_object, Bucket=bucket, Key="absent")) == (404, "404")
print(json.dumps({"ok": True}))
'''


@pytest.mark.parametrize("py", GENERATIONS, ids=lambda p: "boto3-" + p[1])
def test_conditional_writes(stratus, aws_env, py):
    run(stratus, aws_env, py, CONDITIONAL_WRITES)


VERSIONING = r'''
bucket = make_bucket("versioned")
s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
v1 = s3.put_object(Bucket=bucket, Key="doc", Body=b"one")["VersionId"]
v2 = s3.put_object(Bucket=bucket, Key="doc", Body=b"two")["VersionId"]
assert v1 and v2 and v1 != v2 and "null" not in (v1, v2)
listing = s3.list_object_versions(Bucket=bucket)
assert [(v["VersionId"], v["IsLatest"]) for v in listing["Versions"]] == [(v2, True), (v1, False)]
assert s3.get_object(Bucket=bucket, Key="doc", VersionId=v1)["Body"].read() == b"one"
assert s3.head_object(Bucket=bucket, Key="doc", VersionId=v1)["ContentLength"] == 3
got = s3.get_object(Bucket=bucket, Key="doc")
assert got["Body"].read() == b"two" and got["VersionId"] == v2

deleted = s3.delete_object(Bucket=bucket, Key="doc")
assert deleted["DeleteMarker"] is True
marker = deleted["VersionId"]
assert marker not in (v1, v2, "null")
assert tuple(error(s3.get_object, Bucket=bucket, Key="doc")) == (404, "NoSuchKey")
try:
    s3.head_object(Bucket=bucket, Key="doc")
    raise AssertionError("head of a deleted key succeeded")
except botocore.exceptions.ClientError as e:
    assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert e.response["ResponseMetadata"]["HTTPHeaders"].get("x-amz-delete-marker") == "true"
listing = s3.list_object_versions(Bucket=bucket)
assert [(m["VersionId"], m["IsLatest"]) for m in listing["DeleteMarkers"]] == [(marker, True)]
assert [(v["VersionId"], v["IsLatest"]) for v in listing["Versions"]] == [(v2, False), (v1, False)]
assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0

# Removing the delete marker restores the newest version.
removed = s3.delete_object(Bucket=bucket, Key="doc", VersionId=marker)
assert removed["DeleteMarker"] is True and removed["VersionId"] == marker
got = s3.get_object(Bucket=bucket, Key="doc")
assert got["Body"].read() == b"two" and got["VersionId"] == v2
# Deleting a version by id removes it for good.
s3.delete_object(Bucket=bucket, Key="doc", VersionId=v1)
listing = s3.list_object_versions(Bucket=bucket)
assert [v["VersionId"] for v in listing["Versions"]] == [v2] and "DeleteMarkers" not in listing
print(json.dumps({"ok": True}))
'''


@pytest.mark.parametrize("py", GENERATIONS, ids=lambda p: "boto3-" + p[1])
def test_versioning_round_trip(stratus, aws_env, py):
    run(stratus, aws_env, py, VERSIONING)


PRESIGNED = r'''
bucket = make_bucket("presigned")
data = os.urandom(2048)
url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "up/loaded file.bin"},
                                ExpiresIn=300)
assert "X-Amz-Signature=" in url and "X-Amz-Expires=300" in url, url
status, headers, body = http(url, method="PUT", data=data)
assert status == 200, (status, body)
assert headers["etag"] == '"%s"' % hashlib.md5(data).hexdigest()
assert s3.get_object(Bucket=bucket, Key="up/loaded file.bin")["Body"].read() == data
url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "up/loaded file.bin"},
                                ExpiresIn=300)
status, _, body = http(url)
assert status == 200 and body == data
url = s3.generate_presigned_url("head_object", Params={"Bucket": bucket, "Key": "up/loaded file.bin"})
status, headers, _ = http(url, method="HEAD")
assert status == 200 and headers["content-length"] == str(len(data))
print(json.dumps({"ok": True}))
'''


@pytest.mark.parametrize("py", GENERATIONS, ids=lambda p: "boto3-" + p[1])
def test_presigned_put_and_get(stratus, aws_env, py):
    run(stratus, aws_env, py, PRESIGNED)


VIRTUAL_HOSTED = r'''
# *.localhost is loopback (RFC 6761); make this process resolve it so.
_real = socket.getaddrinfo
def _resolve(host, *a, **kw):
    if isinstance(host, str) and host.endswith(".localhost"):
        host = "127.0.0.1"
    return _real(host, *a, **kw)
socket.getaddrinfo = _resolve
port = ENDPOINT.rsplit(":", 1)[1]
seen = []
v = client(endpoint=f"http://localhost:{port}", s3={"addressing_style": "virtual"})
v.meta.events.register("before-send.s3", lambda request, **_: seen.append(request.url))
bucket = "vhost-bucket"
v.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
v.head_bucket(Bucket=bucket)
assert v.get_bucket_location(Bucket=bucket)["LocationConstraint"] == REGION
v.put_object(Bucket=bucket, Key="dir/hello world.txt", Body=b"virtual hello", Metadata={"style": "vhost"})
got = v.get_object(Bucket=bucket, Key="dir/hello world.txt")
assert got["Body"].read() == b"virtual hello" and got["Metadata"] == {"style": "vhost"}
assert [o["Key"] for o in v.list_objects_v2(Bucket=bucket)["Contents"]] == ["dir/hello world.txt"]
v.copy_object(Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "dir/hello world.txt"})
assert v.get_object(Bucket=bucket, Key="copy")["Body"].read() == b"virtual hello"
assert tuple(error(v.get_object, Bucket=bucket, Key="absent")) == (404, "NoSuchKey")
# (botocore sends GetBucketLocation path-style whatever the addressing style.)
assert all(u.startswith(f"http://{bucket}.localhost:{port}/") for u in seen if "?location" not in u), seen
# Path-style clients see the same bucket.
assert s3.get_object(Bucket=bucket, Key="copy")["Body"].read() == b"virtual hello"
url = v.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "dir/hello world.txt"})
assert url.startswith(f"http://{bucket}.localhost:{port}/"), url
print(json.dumps({"url": url}))
'''


@pytest.mark.parametrize("py", GENERATIONS, ids=lambda p: "boto3-" + p[1])
def test_virtual_hosted_style(stratus, aws_env, py):
    url = run(stratus, aws_env, py, VIRTUAL_HOSTED)["url"]
    # curl resolves *.localhost to loopback by itself.
    out = subprocess.run(["curl", "-sS", "-w", "\n%{http_code}", url], capture_output=True, timeout=60)
    body, _, code = out.stdout.rpartition(b"\n")
    assert code == b"200" and body == b"virtual hello", out


MULTIPART = r'''
bucket = make_bucket("multi")
MiB = 1024 * 1024
parts_data = [os.urandom(5 * MiB) for _ in range(3)]
up = s3.create_multipart_upload(Bucket=bucket, Key="big/object", ContentType="application/x-parts",
                                Metadata={"kind": "multipart"})
uid = up["UploadId"]
assert up["Bucket"] == bucket and up["Key"] == "big/object"
etags = []
for n, chunk in enumerate(parts_data, 1):
    r = s3.upload_part(Bucket=bucket, Key="big/object", UploadId=uid, PartNumber=n, Body=chunk)
    assert r["ETag"] == '"%s"' % hashlib.md5(chunk).hexdigest()
    etags.append(r["ETag"])
listed = s3.list_parts(Bucket=bucket, Key="big/object", UploadId=uid)
assert [(p["PartNumber"], p["Size"], p["ETag"]) for p in listed["Parts"]] == \
    [(n, 5 * MiB, e) for n, e in enumerate(etags, 1)]
uploads = s3.list_multipart_uploads(Bucket=bucket)["Uploads"]
assert [(u["Key"], u["UploadId"]) for u in uploads] == [("big/object", uid)]
assert tuple(error(s3.get_object, Bucket=bucket, Key="big/object")) == (404, "NoSuchKey")
done = s3.complete_multipart_upload(Bucket=bucket, Key="big/object", UploadId=uid, MultipartUpload={
    "Parts": [{"PartNumber": n, "ETag": e} for n, e in enumerate(etags, 1)]})
want = '"%s-3"' % hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts_data)).hexdigest()
assert done["ETag"] == want, (done["ETag"], want)
assert done["Key"] == "big/object" and done["Bucket"] == bucket
whole = b"".join(parts_data)
got = s3.get_object(Bucket=bucket, Key="big/object")
assert got["ETag"] == want and got["ContentLength"] == len(whole)
assert got["ContentType"] == "application/x-parts" and got["Metadata"] == {"kind": "multipart"}
assert got["Body"].read() == whole
assert s3.get_object(Bucket=bucket, Key="big/object", Range=f"bytes={5 * MiB - 3}-{5 * MiB + 2}")["Body"].read() == \
    whole[5 * MiB - 3:5 * MiB + 3]
assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
assert tuple(error(s3.list_parts, Bucket=bucket, Key="big/object", UploadId=uid)) == (404, "NoSuchUpload")

# Managed transfers (s3transfer): multipart upload and ranged, parallel download.
from boto3.s3.transfer import TransferConfig
cfg = TransferConfig(multipart_threshold=5 * MiB, multipart_chunksize=5 * MiB, max_concurrency=4)
src, dst = os.path.join(ARGS[0], "src.bin"), os.path.join(ARGS[0], "dst.bin")
blob = os.urandom(12 * MiB + 17)
with open(src, "wb") as f:
    f.write(blob)
s3.upload_file(src, bucket, "managed.bin", Config=cfg)
assert s3.head_object(Bucket=bucket, Key="managed.bin")["ETag"].endswith('-3"')
s3.download_file(bucket, "managed.bin", dst, Config=cfg)
with open(dst, "rb") as f:
    assert f.read() == blob
print(json.dumps({"ok": True}))
'''


@pytest.mark.parametrize("py", GENERATIONS, ids=lambda p: "boto3-" + p[1])
def test_multipart_and_managed_transfers(stratus, aws_env, py, tmp_path):
    run(stratus, aws_env, py, MULTIPART, tmp_path)
