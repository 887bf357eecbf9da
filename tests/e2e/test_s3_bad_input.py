"""Bad input to S3: over-long and path-traversing keys, malformed XML bodies,
bodies cut short, payload hashes that do not match. Each is refused with S3's
error and leaves nothing stored."""

import base64
import hashlib
import os
import socket
import time

import botocore.exceptions
import pytest

from conftest import make_bucket, s3_client, s3_error, s3_request, sigv4_headers

B = "bad-input"
REGION = "ap-south-1"


@pytest.fixture
def s3(stratus):
    c = s3_client(stratus)
    make_bucket(c, B)
    return c


def fails(fn, **kw):
    with pytest.raises(botocore.exceptions.ClientError) as e:
        fn(**kw)
    r = e.value.response
    return r["ResponseMetadata"]["HTTPStatusCode"], r["Error"]["Code"]


def absent(s3, key):
    return fails(s3.head_object, Bucket=B, Key=key) == (404, "404")


def test_key_length_limit_is_1024_utf8_bytes(s3):
    s3.put_object(Bucket=B, Key="k" * 1024, Body=b"max")
    assert s3.get_object(Bucket=B, Key="k" * 1024)["Body"].read() == b"max"
    assert fails(s3.put_object, Bucket=B, Key="k" * 1025, Body=b"x") == (400, "KeyTooLongError")
    s3.put_object(Bucket=B, Key="é" * 512, Body=b"1024 bytes")  # 512 two-byte characters
    assert fails(s3.put_object, Bucket=B, Key="é" * 513, Body=b"x") == (400, "KeyTooLongError")
    assert fails(s3.create_multipart_upload, Bucket=B, Key="m" * 1025) == (400, "KeyTooLongError")
    assert fails(s3.copy_object, Bucket=B, Key="c" * 1025, CopySource={"Bucket": B, "Key": "k" * 1024}) == \
        (400, "KeyTooLongError")
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=B)["Contents"])
    assert keys == sorted(["k" * 1024, "é" * 512])


@pytest.mark.parametrize("key", ["a/../b", "../escape", "dir/..", "..", "x/../../etc/passwd"])
def test_dot_dot_segments_are_refused(stratus, s3, key):
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.put_object(Bucket=B, Key=key, Body=b"x")
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert e.value.response["Error"]["Code"] not in ("", "400")
    status, _, body = s3_request(stratus, "PUT", f"/{B}/{key}", body=b"raw")
    assert status == 400, body
    assert s3_error(body)["Code"]
    assert s3.list_objects_v2(Bucket=B)["KeyCount"] == 0


def test_dots_that_are_not_segments_are_fine(s3):
    for key in ("a/..b", "..a", "a..", "...", "a/.../b", "a.b/c..d"):
        s3.put_object(Bucket=B, Key=key, Body=key.encode())
        assert s3.get_object(Bucket=B, Key=key)["Body"].read() == key.encode()


def test_malformed_xml_bodies(stratus, s3):
    s3.put_object(Bucket=B, Key="obj", Body=b"x")
    uid = s3.create_multipart_upload(Bucket=B, Key="mp")["UploadId"]
    garbage = [b"<not-xml", b"this is not xml at all", b"<Tagging><TagSet><Tag><Key>a</Key>",
               b"<?xml version='1.0'?><Wrong><Root/></Wrong>"]
    cases = [
        ("PUT", f"/{B}", [("versioning", "")]),
        ("PUT", f"/{B}", [("tagging", "")]),
        ("PUT", f"/{B}/obj", [("tagging", "")]),
        ("POST", f"/{B}", [("delete", "")]),
        ("POST", f"/{B}/mp", [("uploadId", uid)]),
        ("PUT", "/new-bucket-malformed", []),
    ]
    for method, path, query in cases:
        for body in garbage:
            md5 = base64.b64encode(hashlib.md5(body).digest()).decode()
            status, headers, raw = s3_request(stratus, method, path, query=query, body=body,
                                              headers={"Content-MD5": md5})
            assert status == 400, (method, path, query, body, raw)
            assert s3_error(raw)["Code"] == "MalformedXML", (method, path, query, body, raw)
    # Nothing changed.
    assert "Status" not in s3.get_bucket_versioning(Bucket=B)
    assert s3.get_object_tagging(Bucket=B, Key="obj")["TagSet"] == []
    assert s3.get_object(Bucket=B, Key="obj")["Body"].read() == b"x"
    assert [u["UploadId"] for u in s3.list_multipart_uploads(Bucket=B)["Uploads"]] == [uid]
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == [B]


def test_well_formed_xml_with_invalid_values(stratus, s3):
    body = (b'<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
            b'<Status>Sometimes</Status></VersioningConfiguration>')
    status, _, raw = s3_request(stratus, "PUT", f"/{B}", query=[("versioning", "")], body=body)
    assert status == 400 and s3_error(raw)["Code"] == "MalformedXML", raw
    uid = s3.create_multipart_upload(Bucket=B, Key="mp")["UploadId"]
    status, _, raw = s3_request(stratus, "POST", f"/{B}/mp", query=[("uploadId", uid)],
                                body=b"<CompleteMultipartUpload></CompleteMultipartUpload>")
    assert status == 400 and s3_error(raw)["Code"] == "MalformedXML", raw


def _send_half(stratus, path, total, payload_hash):
    """PUT announcing `total` bytes, sending half of them, then closing."""
    body = os.urandom(total)
    if payload_hash == "body":
        payload_hash = hashlib.sha256(body).hexdigest()
    hdrs, target = sigv4_headers(stratus, REGION, "PUT", path, body=body, payload_hash=payload_hash,
                                 headers={"Content-Length": str(total)})
    head = f"PUT {target} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in hdrs.items()) + "\r\n"
    sock = socket.create_connection(("127.0.0.1", stratus.regions[REGION]["aws"]), timeout=10)
    sock.sendall(head.encode() + body[:total // 2])
    time.sleep(0.2)
    sock.close()


@pytest.mark.parametrize("payload_hash", ["body", "UNSIGNED-PAYLOAD"])
@pytest.mark.parametrize("total", [64 * 1024, 4 * 1024 * 1024])
def test_body_shorter_than_content_length_stores_nothing(stratus, s3, payload_hash, total):
    s3.put_object(Bucket=B, Key="kept", Body=b"previous")
    _send_half(stratus, f"/{B}/cut", total, payload_hash)
    _send_half(stratus, f"/{B}/kept", total, payload_hash)  # an overwrite cut short
    deadline = time.time() + 0.75
    while time.time() < deadline:
        assert absent(s3, "cut")
        assert s3.get_object(Bucket=B, Key="kept")["Body"].read() == b"previous"
        time.sleep(0.25)
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=B)["Contents"]] == ["kept"]
    assert s3.list_multipart_uploads(Bucket=B).get("Uploads", []) == []


def test_wrong_payload_hash_is_refused(stratus, s3):
    body = b"the real body"
    claimed = hashlib.sha256(b"some other body").hexdigest()
    status, headers, raw = s3_request(stratus, "PUT", f"/{B}/hashed", body=body, payload_hash=claimed)
    assert status == 400, raw
    err = s3_error(raw)
    assert err["Code"] == "XAmzContentSHA256Mismatch"
    assert err["RequestId"] == headers["x-amz-request-id"]
    assert absent(s3, "hashed")
    # The same for a part and for an XML body.
    uid = s3.create_multipart_upload(Bucket=B, Key="mp")["UploadId"]
    status, _, raw = s3_request(stratus, "PUT", f"/{B}/mp", query=[("partNumber", "1"), ("uploadId", uid)],
                                body=body, payload_hash=claimed)
    assert status == 400 and s3_error(raw)["Code"] == "XAmzContentSHA256Mismatch", raw
    assert s3.list_parts(Bucket=B, Key="mp", UploadId=uid).get("Parts", []) == []
    tagging = b"<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>"
    status, _, raw = s3_request(stratus, "PUT", f"/{B}", query=[("tagging", "")], body=tagging,
                                payload_hash=hashlib.sha256(tagging + b" ").hexdigest())
    assert status == 400 and s3_error(raw)["Code"] == "XAmzContentSHA256Mismatch", raw
    # The right hash, and UNSIGNED-PAYLOAD, are accepted.
    assert s3_request(stratus, "PUT", f"/{B}/hashed", body=body)[0] == 200
    assert s3_request(stratus, "PUT", f"/{B}/unsigned", body=body, payload_hash="UNSIGNED-PAYLOAD")[0] == 200
    assert s3.get_object(Bucket=B, Key="unsigned")["Body"].read() == body


def test_payload_hash_that_is_not_a_hash_is_invalid_argument(stratus, s3):
    status, _, raw = s3_request(stratus, "PUT", f"/{B}/k", body=b"x", payload_hash="not-a-hash")
    assert status == 400 and s3_error(raw)["Code"] == "InvalidArgument", raw
    assert absent(s3, "k")


def test_missing_payload_hash_header_is_invalid_request(stratus, s3):
    status, _, raw = s3_request(stratus, "PUT", f"/{B}/k", body=b"x", payload_hash=False)
    assert status == 400 and s3_error(raw)["Code"] == "InvalidRequest", raw
    assert absent(s3, "k")


def test_server_stays_healthy(stratus, s3):
    _send_half(stratus, f"/{B}/cut", 100000, "UNSIGNED-PAYLOAD")
    s3_request(stratus, "PUT", f"/{B}", query=[("versioning", "")], body=b"<broken")
    s3.put_object(Bucket=B, Key="fine", Body=b"fine")
    assert s3.get_object(Bucket=B, Key="fine")["Body"].read() == b"fine"
