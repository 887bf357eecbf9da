"""Multipart uploads with boto3: aborts, part validation at completion, part
copies, re-uploaded parts and upload listings. (The happy path with 5 MiB parts
runs under every boto3 generation in test_s3_clients.py.)"""

import hashlib
import os

import botocore.exceptions
import pytest

from conftest import make_bucket, s3_client

B = "multipart"
MiB = 1024 * 1024


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


def start(s3, key="obj"):
    return s3.create_multipart_upload(Bucket=B, Key=key)["UploadId"]


def part(s3, uid, n, data, key="obj"):
    return {"PartNumber": n, "ETag": s3.upload_part(Bucket=B, Key=key, UploadId=uid, PartNumber=n, Body=data)["ETag"]}


def complete(s3, uid, parts, key="obj"):
    return s3.complete_multipart_upload(Bucket=B, Key=key, UploadId=uid, MultipartUpload={"Parts": parts})


def test_abort_makes_the_upload_unknown(s3):
    uid = start(s3)
    p1 = part(s3, uid, 1, b"x" * 1000)
    assert s3.abort_multipart_upload(Bucket=B, Key="obj", UploadId=uid)["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert fails(s3.list_parts, Bucket=B, Key="obj", UploadId=uid) == (404, "NoSuchUpload")
    assert fails(s3.upload_part, Bucket=B, Key="obj", UploadId=uid, PartNumber=2, Body=b"y") == (404, "NoSuchUpload")
    assert fails(complete, s3=s3, uid=uid, parts=[p1]) == (404, "NoSuchUpload")
    assert fails(s3.abort_multipart_upload, Bucket=B, Key="obj", UploadId=uid) == (404, "NoSuchUpload")
    assert s3.list_multipart_uploads(Bucket=B).get("Uploads", []) == []
    assert fails(s3.head_object, Bucket=B, Key="obj") == (404, "404")
    assert fails(s3.list_parts, Bucket=B, Key="obj", UploadId="made-up-upload-id") == (404, "NoSuchUpload")


def test_invalid_part(s3):
    uid = start(s3)
    p1 = part(s3, uid, 1, os.urandom(5 * MiB))
    p2 = part(s3, uid, 2, b"last")
    wrong = {"PartNumber": 2, "ETag": '"0123456789abcdef0123456789abcdef"'}
    assert fails(complete, s3=s3, uid=uid, parts=[p1, wrong]) == (400, "InvalidPart")
    assert fails(complete, s3=s3, uid=uid, parts=[p1, p2, {"PartNumber": 3, "ETag": p2["ETag"]}]) == \
        (400, "InvalidPart")
    # The upload is still there and completes with the right parts.
    assert complete(s3, uid, [p1, p2])["ETag"].endswith('-2"')


def test_entity_too_small(s3):
    uid = start(s3)
    p1 = part(s3, uid, 1, b"a" * 1024)
    p2 = part(s3, uid, 2, b"b" * 1024)
    assert fails(complete, s3=s3, uid=uid, parts=[p1, p2]) == (400, "EntityTooSmall")
    assert fails(s3.head_object, Bucket=B, Key="obj") == (404, "404")
    # A single small part is the last part: fine.
    done = complete(s3, uid, [p1])
    assert done["ETag"] == '"%s-1"' % hashlib.md5(hashlib.md5(b"a" * 1024).digest()).hexdigest()
    assert s3.get_object(Bucket=B, Key="obj")["Body"].read() == b"a" * 1024


def test_invalid_part_order(s3):
    uid = start(s3)
    p1 = part(s3, uid, 1, os.urandom(5 * MiB))
    p2 = part(s3, uid, 2, b"tail")
    assert fails(complete, s3=s3, uid=uid, parts=[p2, p1]) == (400, "InvalidPartOrder")
    assert fails(complete, s3=s3, uid=uid, parts=[p1, p1, p2]) == (400, "InvalidPartOrder")


def test_parts_may_skip_numbers_and_be_replaced(s3):
    uid = start(s3)
    first = os.urandom(5 * MiB)
    part(s3, uid, 3, os.urandom(5 * MiB))
    p3 = part(s3, uid, 3, first)  # replaces the earlier part 3
    p7 = part(s3, uid, 7, b"seven")
    listed = s3.list_parts(Bucket=B, Key="obj", UploadId=uid)["Parts"]
    assert [(p["PartNumber"], p["ETag"], p["Size"]) for p in listed] == [(3, p3["ETag"], 5 * MiB), (7, p7["ETag"], 5)]
    page = s3.list_parts(Bucket=B, Key="obj", UploadId=uid, MaxParts=1)
    assert page["IsTruncated"] is True and [p["PartNumber"] for p in page["Parts"]] == [3]
    page = s3.list_parts(Bucket=B, Key="obj", UploadId=uid, PartNumberMarker=page["NextPartNumberMarker"])
    assert [p["PartNumber"] for p in page["Parts"]] == [7]
    complete(s3, uid, [p3, p7])
    assert s3.get_object(Bucket=B, Key="obj")["Body"].read() == first + b"seven"
    assert fails(s3.upload_part, Bucket=B, Key="obj", UploadId=start(s3), PartNumber=10001, Body=b"x") == \
        (400, "InvalidArgument")


def test_upload_part_copy(s3):
    source = os.urandom(10 * MiB + 100)
    s3.put_object(Bucket=B, Key="source", Body=source)
    uid = start(s3, "assembled")
    r1 = s3.upload_part_copy(Bucket=B, Key="assembled", UploadId=uid, PartNumber=1,
                             CopySource={"Bucket": B, "Key": "source"}, CopySourceRange=f"bytes=0-{5 * MiB - 1}")
    assert r1["CopyPartResult"]["ETag"] == '"%s"' % hashlib.md5(source[:5 * MiB]).hexdigest()
    r2 = s3.upload_part_copy(Bucket=B, Key="assembled", UploadId=uid, PartNumber=2,
                             CopySource={"Bucket": B, "Key": "source"}, CopySourceRange=f"bytes={5 * MiB}-{10 * MiB - 1}")
    p3 = part(s3, uid, 3, b"own bytes", key="assembled")
    complete(s3, uid, [{"PartNumber": 1, "ETag": r1["CopyPartResult"]["ETag"]},
                       {"PartNumber": 2, "ETag": r2["CopyPartResult"]["ETag"]}, p3], key="assembled")
    assert s3.get_object(Bucket=B, Key="assembled")["Body"].read() == source[:10 * MiB] + b"own bytes"
    # Whole-object part copy, and the errors.
    uid = start(s3, "whole")
    r = s3.upload_part_copy(Bucket=B, Key="whole", UploadId=uid, PartNumber=1, CopySource={"Bucket": B, "Key": "source"})
    assert r["CopyPartResult"]["ETag"] == '"%s"' % hashlib.md5(source).hexdigest()
    assert fails(s3.upload_part_copy, Bucket=B, Key="whole", UploadId=uid, PartNumber=2,
                 CopySource={"Bucket": B, "Key": "absent"}) == (404, "NoSuchKey")
    assert fails(s3.upload_part_copy, Bucket=B, Key="whole", UploadId=uid, PartNumber=2,
                 CopySource={"Bucket": B, "Key": "source"}, CopySourceIfMatch='"nope"') == (412, "PreconditionFailed")
    # A range past the end of the source is refused (not clamped as a GET range is).
    assert fails(s3.upload_part_copy, Bucket=B, Key="whole", UploadId=uid, PartNumber=2,
                 CopySource={"Bucket": B, "Key": "source"}, CopySourceRange=f"bytes=0-{11 * MiB}") in \
        ((400, "InvalidArgument"), (416, "InvalidRange"))


def test_list_multipart_uploads(s3):
    ids = {key: start(s3, key) for key in ("logs/a", "logs/b", "data/c")}
    second = start(s3, "logs/a")
    listing = s3.list_multipart_uploads(Bucket=B)
    got = [(u["Key"], u["UploadId"]) for u in listing["Uploads"]]
    assert sorted(got) == sorted([(k, v) for k, v in ids.items()] + [("logs/a", second)])
    assert [k for k, _ in got] == sorted(k for k, _ in got)
    logs = s3.list_multipart_uploads(Bucket=B, Prefix="logs/")["Uploads"]
    assert sorted(u["Key"] for u in logs) == ["logs/a", "logs/a", "logs/b"]
    rolled = s3.list_multipart_uploads(Bucket=B, Delimiter="/")
    assert [p["Prefix"] for p in rolled["CommonPrefixes"]] == ["data/", "logs/"]
    page = s3.list_multipart_uploads(Bucket=B, MaxUploads=2)
    assert page["IsTruncated"] is True and len(page["Uploads"]) == 2
    rest = s3.list_multipart_uploads(Bucket=B, KeyMarker=page["NextKeyMarker"],
                                     UploadIdMarker=page["NextUploadIdMarker"])
    assert len(page["Uploads"]) + len(rest["Uploads"]) == 4
    # Uploads are not objects.
    assert s3.list_objects_v2(Bucket=B)["KeyCount"] == 0
