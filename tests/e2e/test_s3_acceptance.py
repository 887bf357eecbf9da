"""S3 as users drive it: each aws CLI generation (mb, cp both ways including a
100 MiB multipart transfer, ls, sync, rm, presign), rclone, s3cmd, and
presigned URLs that have expired or been tampered with."""

import filecmp
import hashlib
import os
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from clients import aws_clis
from conftest import ACCESS_KEY, SECRET_KEY, make_bucket, s3_client, s3_error

REGION = "ap-south-1"
MiB = 1024 * 1024


def http(url, method="GET", data=None):
    req = urllib.request.Request(url, method=method, data=data)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


def write_tree(root, files):
    for rel, data in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)


def read_tree(root):
    out = {}
    for dirpath, _, names in os.walk(root):
        for n in names:
            path = os.path.join(dirpath, n)
            with open(path, "rb") as f:
                out[os.path.relpath(path, root)] = f.read()
    return out


TREE = {
    "top.txt": b"top level\n",
    "empty.dat": b"",
    "docs/readme.md": b"# readme\n" * 50,
    "docs/deep/nested/leaf.bin": os.urandom(3000),
    "docs/deep/other leaf.txt": b"space in the name",
    "media/ünïcode name.txt": b"unicode",
    "media/img/pic.raw": os.urandom(70000),
}


@pytest.mark.parametrize("cli", aws_clis(), ids=lambda c: c[1])
def test_aws_cli_s3_commands(stratus, aws_env, cli, tmp_path):
    path, _ = cli

    stalled = []

    def aws(*args, check=True, quick=True):
        t0 = time.time()
        out = subprocess.run([path, "--endpoint-url", stratus.endpoint(REGION), "--region", REGION,
                              "--cli-read-timeout", "15", "s3", *args],
                             env=aws_env, capture_output=True, text=True, timeout=300)
        if check:
            assert out.returncode == 0, (args, out.stdout[-2000:], out.stderr[-4000:])
        # A small command that takes longer than the read timeout (15 s) waited
        # on a response that never came.
        if quick and time.time() - t0 >= 14:
            stalled.append((args[:2], round(time.time() - t0, 1)))
        return out

    aws("mb", "s3://cli-bucket")
    assert "cli-bucket" in aws("ls").stdout

    small = tmp_path / "small.bin"
    small.write_bytes(os.urandom(1024))
    aws("cp", str(small), "s3://cli-bucket/small/one.bin")
    aws("cp", "s3://cli-bucket/small/one.bin", str(tmp_path / "small.back"))
    assert (tmp_path / "small.back").read_bytes() == small.read_bytes()

    # 100 MiB: uploaded in 8 MiB parts and downloaded in ranges.
    big = tmp_path / "big.bin"
    with open(big, "wb") as f:
        for _ in range(10):
            f.write(os.urandom(10 * MiB))
    aws("cp", str(big), "s3://cli-bucket/big/hundred.bin", quick=False)
    head = s3_client(stratus).head_object(Bucket="cli-bucket", Key="big/hundred.bin")
    assert head["ContentLength"] == 100 * MiB
    assert head["ETag"].endswith('-13"'), head["ETag"]  # 13 parts of 8 MiB
    aws("cp", "s3://cli-bucket/big/hundred.bin", str(tmp_path / "big.back"), quick=False)
    assert filecmp.cmp(big, tmp_path / "big.back", shallow=False)
    os.remove(tmp_path / "big.back")

    listing = aws("ls", "--recursive", "s3://cli-bucket").stdout.splitlines()
    rows = sorted((line.split(None, 3)[3], line.split()[2]) for line in listing)
    assert rows == [("big/hundred.bin", str(100 * MiB)), ("small/one.bin", "1024")]

    src, back = tmp_path / "tree", tmp_path / "tree.back"
    write_tree(src, TREE)
    out = aws("sync", str(src), "s3://cli-bucket/tree")
    assert out.stdout.count("upload:") == len(TREE)
    assert aws("sync", str(src), "s3://cli-bucket/tree").stdout.strip() == ""  # nothing changed
    aws("sync", "s3://cli-bucket/tree", str(back))
    assert read_tree(back) == TREE
    keys = sorted(line.split(None, 3)[3] for line in aws("ls", "--recursive", "s3://cli-bucket/tree/").stdout.splitlines())
    assert keys == sorted("tree/" + k for k in TREE)

    url = aws("presign", "s3://cli-bucket/tree/docs/readme.md", "--expires-in", "300").stdout.strip()
    status, _, body = http(url)
    assert status == 200 and body == TREE["docs/readme.md"], (url, status, body[:300])

    out = aws("rm", "--recursive", "s3://cli-bucket/tree")
    assert out.stdout.count("delete:") == len(TREE)
    assert aws("ls", "--recursive", "s3://cli-bucket/tree/", check=False).stdout.strip() == ""
    aws("rm", "--recursive", "s3://cli-bucket")
    aws("rb", "s3://cli-bucket")
    assert "cli-bucket" not in aws("ls").stdout
    assert stalled == [], f"commands that waited out the 15 s read timeout: {stalled}"


def test_expired_presigned_url_is_refused(stratus):
    s3 = s3_client(stratus)
    make_bucket(s3, "expiry")
    s3.put_object(Bucket="expiry", Key="k", Body=b"secret")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "expiry", "Key": "k"}, ExpiresIn=1)
    assert "X-Amz-Expires=1" in url
    time.sleep(2.1)
    status, headers, body = http(url)
    assert status == 403
    err = s3_error(body)
    assert err["Code"] == "AccessDenied"
    assert err["Message"] == "Request has expired"
    assert err["RequestId"] == headers["x-amz-request-id"]
    assert b"secret" not in body


def test_tampered_presigned_urls_are_refused(stratus):
    s3 = s3_client(stratus)
    make_bucket(s3, "tamper")
    s3.put_object(Bucket="tamper", Key="mine", Body=b"mine")
    s3.put_object(Bucket="tamper", Key="other", Body=b"other")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "tamper", "Key": "mine"}, ExpiresIn=300)
    assert http(url)[0] == 200
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query)

    def with_query(**changes):
        q = [(k, changes.get(k, v)) for k, v in query]
        return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(q)))

    sig = dict(query)["X-Amz-Signature"]
    flipped = ("0" if sig[0] != "0" else "1") + sig[1:]
    tampered = [
        with_query(**{"X-Amz-Signature": flipped}),
        with_query(**{"X-Amz-Expires": "3600"}),
        with_query(**{"X-Amz-Date": dict(query)["X-Amz-Date"][:8] + "T000001Z"}),
        url.replace("/tamper/mine?", "/tamper/other?"),
        url + "&response-content-type=text%2Fhtml",
    ]
    for bad in tampered:
        status, headers, body = http(bad)
        assert status == 403, (bad, status, body)
        assert s3_error(body)["Code"] in ("SignatureDoesNotMatch", "AccessDenied"), (bad, body)
        assert body not in (b"mine", b"other")
    # A PUT with a GET signature is refused and stores nothing.
    status, _, _ = http(url, method="PUT", data=b"overwrite")
    assert status == 403
    assert s3.get_object(Bucket="tamper", Key="mine")["Body"].read() == b"mine"
    # A URL signed with a wrong secret.
    import boto3
    bad_client = boto3.client("s3", endpoint_url=stratus.endpoint(REGION), region_name=REGION,
                              aws_access_key_id=ACCESS_KEY, aws_secret_access_key="not-the-secret")
    status, _, body = http(bad_client.generate_presigned_url("get_object", Params={"Bucket": "tamper", "Key": "mine"}))
    assert status == 403 and s3_error(body)["Code"] == "SignatureDoesNotMatch"


def test_rclone_copy_and_check(stratus, aws_env, tmp_path):
    s3 = s3_client(stratus)
    make_bucket(s3, "rclone-bucket")
    conf = tmp_path / "rclone.conf"
    conf.write_text("[stratus]\ntype = s3\nprovider = Other\nenv_auth = false\n"
                    f"access_key_id = {ACCESS_KEY}\nsecret_access_key = {SECRET_KEY}\n"
                    f"region = {REGION}\nendpoint = {stratus.endpoint(REGION)}\n"
                    f"location_constraint = {REGION}\nforce_path_style = true\n")
    src, back = tmp_path / "src", tmp_path / "back"
    write_tree(src, TREE)

    def rclone(*args):
        out = subprocess.run(["rclone", "--config", str(conf), "--retries", "1", "--low-level-retries", "1",
                              *args], capture_output=True, text=True, timeout=300, env=aws_env)
        assert out.returncode == 0, (args, out.stdout[-2000:], out.stderr[-4000:])
        return out

    rclone("copy", str(src), "stratus:rclone-bucket/backup")
    rclone("check", str(src), "stratus:rclone-bucket/backup")
    listed = s3.list_objects_v2(Bucket="rclone-bucket")["Contents"]
    assert sorted(o["Key"] for o in listed) == sorted("backup/" + k for k in TREE)
    for o in listed:
        key = o["Key"][len("backup/"):]
        assert o["ETag"] == '"%s"' % hashlib.md5(TREE[key]).hexdigest()
    rclone("copy", "stratus:rclone-bucket/backup", str(back))
    assert read_tree(back) == TREE
    # A changed file is found by check and fixed by another copy.
    (src / "top.txt").write_bytes(b"changed\n")
    out = subprocess.run(["rclone", "--config", str(conf), "check", str(src), "stratus:rclone-bucket/backup"],
                         capture_output=True, text=True, timeout=300, env=aws_env)
    assert out.returncode != 0 and "top.txt" in out.stderr
    rclone("copy", str(src), "stratus:rclone-bucket/backup")
    rclone("check", str(src), "stratus:rclone-bucket/backup")
    assert s3.get_object(Bucket="rclone-bucket", Key="backup/top.txt")["Body"].read() == b"changed\n"
    lsf = rclone("lsf", "-R", "stratus:rclone-bucket/backup").stdout.split()
    assert "docs/deep/nested/leaf.bin" in lsf


def test_s3cmd_put_get_ls(stratus, aws_env, tmp_path):
    port = stratus.regions[REGION]["aws"]
    cfg = tmp_path / "s3cfg"
    cfg.write_text(f"[default]\naccess_key = {ACCESS_KEY}\nsecret_key = {SECRET_KEY}\n"
                   f"host_base = 127.0.0.1:{port}\nhost_bucket = 127.0.0.1:{port}\n"
                   f"bucket_location = {REGION}\nuse_https = False\nsignature_v2 = False\n")

    def s3cmd(*args):
        out = subprocess.run(["s3cmd", "-c", str(cfg), f"--host=127.0.0.1:{port}",
                              f"--host-bucket=127.0.0.1:{port}", "--no-ssl", f"--region={REGION}",
                              f"--access_key={ACCESS_KEY}", f"--secret_key={SECRET_KEY}", *args],
                             capture_output=True, text=True, timeout=300, env={**aws_env, "HOME": str(tmp_path)})
        assert out.returncode == 0, (args, out.stdout[-2000:], out.stderr[-4000:])
        assert "WARNING" not in out.stderr, out.stderr
        return out

    s3cmd("mb", "s3://s3cmd-bucket")
    local = tmp_path / "file one.txt"
    local.write_bytes(b"s3cmd payload\n" * 100)
    blob = tmp_path / "blob.bin"
    blob.write_bytes(os.urandom(200000))
    s3cmd("put", str(local), "s3://s3cmd-bucket/dir/file one.txt")
    s3cmd("put", str(blob), "s3://s3cmd-bucket/blob.bin")
    top = s3cmd("ls", "s3://s3cmd-bucket").stdout
    assert "DIR" in top and "s3://s3cmd-bucket/dir/" in top and "s3://s3cmd-bucket/blob.bin" in top
    deep = s3cmd("ls", "--recursive", "s3://s3cmd-bucket").stdout
    assert "s3://s3cmd-bucket/dir/file one.txt" in deep and "200000" in deep
    assert "s3://s3cmd-bucket" in s3cmd("ls").stdout
    s3cmd("get", "s3://s3cmd-bucket/dir/file one.txt", str(tmp_path / "got.txt"))
    s3cmd("get", "s3://s3cmd-bucket/blob.bin", str(tmp_path / "blob.back"))
    assert (tmp_path / "got.txt").read_bytes() == local.read_bytes()
    assert (tmp_path / "blob.back").read_bytes() == blob.read_bytes()
    # s3cmd stores its own metadata; the object reads back the same through boto3.
    s3 = s3_client(stratus)
    assert s3.get_object(Bucket="s3cmd-bucket", Key="blob.bin")["Body"].read() == blob.read_bytes()
    s3cmd("del", "s3://s3cmd-bucket/blob.bin")
    assert [o["Key"] for o in s3.list_objects_v2(Bucket="s3cmd-bucket")["Contents"]] == ["dir/file one.txt"]
