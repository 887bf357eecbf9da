"""S3 objects with boto3: put/get/head/delete, batch deletes, copies,
conditional requests, ranges, response overrides, metadata and system headers,
content digests, tagging and the error format."""

import base64
import datetime
import hashlib
import io
import os
import time

import botocore.exceptions
import pytest

from conftest import make_bucket, s3_client, s3_error, s3_request

B = "objects"


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


def md5_etag(data):
    return '"' + hashlib.md5(data).hexdigest() + '"'


def test_put_get_head_delete(s3):
    data = bytes(range(256)) * 40
    put = s3.put_object(Bucket=B, Key="bin/all-bytes", Body=data)
    assert put["ETag"] == md5_etag(data)
    got = s3.get_object(Bucket=B, Key="bin/all-bytes")
    assert got["Body"].read() == data
    assert got["ETag"] == put["ETag"] and got["ContentLength"] == len(data)
    assert got["ContentType"] == "binary/octet-stream"
    assert got["ResponseMetadata"]["HTTPHeaders"]["accept-ranges"] == "bytes"
    age = datetime.datetime.now(datetime.timezone.utc) - got["LastModified"]
    assert datetime.timedelta(seconds=-5) < age < datetime.timedelta(minutes=1)
    head = s3.head_object(Bucket=B, Key="bin/all-bytes")
    assert head["ContentLength"] == len(data) and head["ETag"] == put["ETag"]
    assert head["LastModified"] == got["LastModified"]
    deleted = s3.delete_object(Bucket=B, Key="bin/all-bytes")
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert fails(s3.get_object, Bucket=B, Key="bin/all-bytes") == (404, "NoSuchKey")
    assert fails(s3.head_object, Bucket=B, Key="bin/all-bytes") == (404, "404")
    # Deleting what is not there succeeds.
    assert s3.delete_object(Bucket=B, Key="never-was")["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert fails(s3.get_object, Bucket="no-such-bucket", Key="k") == (404, "NoSuchBucket")
    assert fails(s3.put_object, Bucket="no-such-bucket", Key="k", Body=b"") == (404, "NoSuchBucket")


def test_expect_100_continue_with_an_empty_body(stratus, s3):
    """botocore sends file-like bodies with Expect: 100-continue. An empty upload
    followed by another on the same kept-alive connection must both complete
    promptly with their own ETags."""
    one = s3_client(stratus, max_pool_connections=1, read_timeout=10, retries={"max_attempts": 1})
    start = time.time()
    r = one.put_object(Bucket=B, Key="empty-file", Body=io.BytesIO(b""))
    assert r["ETag"] == '"d41d8cd98f00b204e9800998ecf8427e"'
    r = one.put_object(Bucket=B, Key="next-file", Body=io.BytesIO(b"next body"))
    assert r.get("ETag") == md5_etag(b"next body"), r["ResponseMetadata"]
    r = one.put_object(Bucket=B, Key="third-file", Body=io.BytesIO(b"third"))
    assert r.get("ETag") == md5_etag(b"third"), r["ResponseMetadata"]
    assert time.time() - start < 5
    assert s3.get_object(Bucket=B, Key="next-file")["Body"].read() == b"next body"


def test_empty_object_and_overwrite(s3):
    assert s3.put_object(Bucket=B, Key="empty", Body=b"")["ETag"] == '"d41d8cd98f00b204e9800998ecf8427e"'
    got = s3.get_object(Bucket=B, Key="empty")
    assert got["Body"].read() == b"" and got["ContentLength"] == 0
    s3.put_object(Bucket=B, Key="empty", Body=b"now full")
    assert s3.get_object(Bucket=B, Key="empty")["Body"].read() == b"now full"
    assert s3.list_objects_v2(Bucket=B)["KeyCount"] == 1


def test_user_metadata_and_system_headers_round_trip(s3):
    expires = datetime.datetime(2031, 10, 21, 7, 28, 0, tzinfo=datetime.timezone.utc)
    s3.put_object(Bucket=B, Key="doc.html", Body=b"<h1>hi</h1>", ContentType="text/html; charset=utf-8",
                  ContentEncoding="identity", ContentDisposition='attachment; filename="doc.html"',
                  ContentLanguage="de-CH", CacheControl="max-age=3600, public", Expires=expires,
                  Metadata={"color": "blue", "Mixed-Case": "Value With Spaces", "empty": ""})
    for resp in (s3.head_object(Bucket=B, Key="doc.html"), s3.get_object(Bucket=B, Key="doc.html")):
        assert resp["ContentType"] == "text/html; charset=utf-8"
        assert resp["ContentEncoding"] == "identity"
        assert resp["ContentDisposition"] == 'attachment; filename="doc.html"'
        assert resp["ContentLanguage"] == "de-CH"
        assert resp["CacheControl"] == "max-age=3600, public"
        assert resp["ResponseMetadata"]["HTTPHeaders"]["expires"] == "Tue, 21 Oct 2031 07:28:00 GMT"
        assert resp["Metadata"] == {"color": "blue", "mixed-case": "Value With Spaces", "empty": ""}


def test_response_header_overrides(s3):
    s3.put_object(Bucket=B, Key="plain", Body=b"abc", ContentType="text/plain")
    got = s3.get_object(Bucket=B, Key="plain", ResponseContentType="application/json",
                        ResponseContentLanguage="fr", ResponseCacheControl="no-cache",
                        ResponseContentDisposition='inline; filename="x.json"',
                        ResponseContentEncoding="identity",
                        ResponseExpires=datetime.datetime(2030, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc))
    h = got["ResponseMetadata"]["HTTPHeaders"]
    assert h["content-type"] == "application/json"
    assert h["content-language"] == "fr"
    assert h["cache-control"] == "no-cache"
    assert h["content-disposition"] == 'inline; filename="x.json"'
    assert h["content-encoding"] == "identity"
    assert h["expires"] == "Wed, 02 Jan 2030 03:04:05 GMT"
    assert got["Body"].read() == b"abc"
    # The stored object is unchanged.
    assert s3.head_object(Bucket=B, Key="plain")["ContentType"] == "text/plain"


def test_response_overrides_need_a_signed_request(stratus, s3):
    s3.put_object(Bucket=B, Key="plain", Body=b"abc")
    import urllib.error
    import urllib.request
    url = f"{stratus.endpoint('ap-south-1')}/{B}/plain?response-content-type=text/evil"
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(url, timeout=10)
    assert e.value.code in (400, 403)


def test_range_requests(s3):
    data = os.urandom(1000)
    s3.put_object(Bucket=B, Key="r", Body=data)

    def rng(spec):
        got = s3.get_object(Bucket=B, Key="r", Range=spec)
        assert got["ResponseMetadata"]["HTTPStatusCode"] == 206
        return got["ContentRange"], got["ContentLength"], got["Body"].read()

    assert rng("bytes=0-9") == ("bytes 0-9/1000", 10, data[:10])
    assert rng("bytes=990-") == ("bytes 990-999/1000", 10, data[990:])
    assert rng("bytes=-10") == ("bytes 990-999/1000", 10, data[-10:])
    assert rng("bytes=995-2000") == ("bytes 995-999/1000", 5, data[995:])
    assert rng("bytes=-5000") == ("bytes 0-999/1000", 1000, data)
    assert rng("bytes=999-999") == ("bytes 999-999/1000", 1, data[999:])
    assert fails(s3.get_object, Bucket=B, Key="r", Range="bytes=1000-") == (416, "InvalidRange")
    assert fails(s3.get_object, Bucket=B, Key="r", Range="bytes=5000-6000") == (416, "InvalidRange")
    head = s3.head_object(Bucket=B, Key="r", Range="bytes=0-99")
    assert head["ResponseMetadata"]["HTTPStatusCode"] == 206 and head["ContentLength"] == 100
    # An unparseable range is ignored: the whole object.
    whole = s3.get_object(Bucket=B, Key="r", Range="lines=1-2")
    assert whole["ResponseMetadata"]["HTTPStatusCode"] == 200 and whole["Body"].read() == data
    s3.put_object(Bucket=B, Key="r0", Body=b"")
    assert fails(s3.get_object, Bucket=B, Key="r0", Range="bytes=0-0") == (416, "InvalidRange")


def test_invalid_range_error_body(stratus, s3):
    s3.put_object(Bucket=B, Key="r", Body=b"0123456789")
    status, headers, body = s3_request(stratus, "GET", f"/{B}/r", headers={"Range": "bytes=20-30"})
    assert status == 416
    err = s3_error(body)
    assert err["Code"] == "InvalidRange" and err["RequestId"] == headers["x-amz-request-id"]
    assert headers.get("content-range") in (None, "bytes */10")


def test_conditional_gets(s3):
    etag = s3.put_object(Bucket=B, Key="c", Body=b"conditional")["ETag"]
    modified = s3.head_object(Bucket=B, Key="c")["LastModified"]
    hour = datetime.timedelta(hours=1)
    past, future = modified - hour, modified + hour

    def status(method="get_object", **kw):
        try:
            r = getattr(s3, method)(Bucket=B, Key="c", **kw)
            return r["ResponseMetadata"]["HTTPStatusCode"]
        except botocore.exceptions.ClientError as e:
            return e.response["ResponseMetadata"]["HTTPStatusCode"]

    for method in ("get_object", "head_object"):
        assert status(method, IfMatch=etag) == 200
        assert status(method, IfMatch="*") == 200
        assert status(method, IfMatch='"0123456789abcdef0123456789abcdef"') == 412
        assert status(method, IfNoneMatch=etag) == 304
        assert status(method, IfNoneMatch='"0123456789abcdef0123456789abcdef"') == 200
        assert status(method, IfModifiedSince=future) == 304
        assert status(method, IfModifiedSince=modified) == 304
        assert status(method, IfModifiedSince=past) == 200
        assert status(method, IfUnmodifiedSince=past) == 412
        assert status(method, IfUnmodifiedSince=future) == 200
        # Precedence: If-Match true wins over If-Unmodified-Since false, and
        # If-None-Match false wins over If-Modified-Since true.
        assert status(method, IfMatch=etag, IfUnmodifiedSince=past) == 200
        assert status(method, IfNoneMatch=etag, IfModifiedSince=past) == 304
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.get_object(Bucket=B, Key="c", IfMatch='"0123456789abcdef0123456789abcdef"')
    assert e.value.response["Error"]["Code"] == "PreconditionFailed"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.get_object(Bucket=B, Key="c", IfNoneMatch=etag)
    assert e.value.response["ResponseMetadata"]["HTTPHeaders"]["etag"] == etag


def test_not_modified_has_no_body(stratus, s3):
    etag = s3.put_object(Bucket=B, Key="c", Body=b"conditional")["ETag"]
    status, headers, body = s3_request(stratus, "GET", f"/{B}/c", headers={"If-None-Match": etag})
    assert status == 304 and body == b""
    assert headers["etag"] == etag
    status, _, body = s3_request(stratus, "GET", f"/{B}/c", headers={"If-Match": '"nope"'})
    assert status == 412 and s3_error(body)["Code"] == "PreconditionFailed"


def test_delete_objects_batch_and_quiet(s3):
    for i in range(5):
        s3.put_object(Bucket=B, Key=f"batch/{i}", Body=b"x")
    r = s3.delete_objects(Bucket=B, Delete={"Objects": [{"Key": "batch/0"}, {"Key": "batch/1"},
                                                        {"Key": "batch/missing"}]})
    assert sorted(d["Key"] for d in r["Deleted"]) == ["batch/0", "batch/1", "batch/missing"]
    assert "Errors" not in r
    r = s3.delete_objects(Bucket=B, Delete={"Objects": [{"Key": "batch/2"}, {"Key": "batch/3"}], "Quiet": True})
    assert r.get("Deleted", []) == [] and r.get("Errors", []) == []
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=B)["Contents"]] == ["batch/4"]
    assert fails(s3.delete_objects, Bucket=B,
                 Delete={"Objects": [{"Key": f"k{i}"} for i in range(1001)]}) == (400, "MalformedXML")
    assert fails(s3.delete_objects, Bucket="no-such-bucket",
                 Delete={"Objects": [{"Key": "k"}]}) == (404, "NoSuchBucket")


def test_copy_object_directives(s3):
    make_bucket(s3, "copy-target")
    src = s3.put_object(Bucket=B, Key="src key ü", Body=b"copy me", ContentType="text/plain",
                        Metadata={"origin": "source"}, CacheControl="no-store")
    copied = s3.copy_object(Bucket="copy-target", Key="same", CopySource={"Bucket": B, "Key": "src key ü"})
    assert copied["CopyObjectResult"]["ETag"] == src["ETag"]
    assert copied["CopyObjectResult"]["LastModified"]
    head = s3.head_object(Bucket="copy-target", Key="same")
    assert head["Metadata"] == {"origin": "source"} and head["ContentType"] == "text/plain"
    assert head["CacheControl"] == "no-store"
    assert s3.get_object(Bucket="copy-target", Key="same")["Body"].read() == b"copy me"
    # COPY ignores metadata given with the request.
    s3.copy_object(Bucket=B, Key="copy2", CopySource={"Bucket": B, "Key": "src key ü"},
                   MetadataDirective="COPY", Metadata={"ignored": "yes"})
    assert s3.head_object(Bucket=B, Key="copy2")["Metadata"] == {"origin": "source"}
    s3.copy_object(Bucket=B, Key="replaced", CopySource={"Bucket": B, "Key": "src key ü"},
                   MetadataDirective="REPLACE", Metadata={"fresh": "1"}, ContentType="application/x-new")
    head = s3.head_object(Bucket=B, Key="replaced")
    assert head["Metadata"] == {"fresh": "1"} and head["ContentType"] == "application/x-new"
    assert "CacheControl" not in head
    assert s3.get_object(Bucket=B, Key="replaced")["Body"].read() == b"copy me"


def test_copy_object_preconditions_and_errors(s3):
    etag = s3.put_object(Bucket=B, Key="src", Body=b"data", Metadata={"a": "1"})["ETag"]
    other = '"0123456789abcdef0123456789abcdef"'
    assert fails(s3.copy_object, Bucket=B, Key="dst", CopySource={"Bucket": B, "Key": "src"},
                 CopySourceIfMatch=other) == (412, "PreconditionFailed")
    assert fails(s3.copy_object, Bucket=B, Key="dst", CopySource={"Bucket": B, "Key": "src"},
                 CopySourceIfNoneMatch=etag) == (412, "PreconditionFailed")
    assert fails(s3.head_object, Bucket=B, Key="dst") == (404, "404")
    s3.copy_object(Bucket=B, Key="dst", CopySource={"Bucket": B, "Key": "src"}, CopySourceIfMatch=etag)
    assert fails(s3.copy_object, Bucket=B, Key="src", CopySource={"Bucket": B, "Key": "src"}) == \
        (400, "InvalidRequest")
    s3.copy_object(Bucket=B, Key="src", CopySource={"Bucket": B, "Key": "src"}, MetadataDirective="REPLACE",
                   Metadata={"a": "2"})
    assert s3.head_object(Bucket=B, Key="src")["Metadata"] == {"a": "2"}
    assert s3.get_object(Bucket=B, Key="src")["Body"].read() == b"data"
    assert fails(s3.copy_object, Bucket=B, Key="dst", CopySource={"Bucket": B, "Key": "absent"}) == \
        (404, "NoSuchKey")
    assert fails(s3.copy_object, Bucket=B, Key="dst", CopySource={"Bucket": "no-such-bucket", "Key": "src"}) == \
        (404, "NoSuchBucket")


def test_content_md5(stratus, s3):
    data = b"digest me"
    good = base64.b64encode(hashlib.md5(data).digest()).decode()
    s3.put_object(Bucket=B, Key="md5-ok", Body=data, ContentMD5=good)
    assert s3.get_object(Bucket=B, Key="md5-ok")["Body"].read() == data
    wrong = base64.b64encode(hashlib.md5(b"something else").digest()).decode()
    assert fails(s3.put_object, Bucket=B, Key="md5-bad", Body=data, ContentMD5=wrong) == (400, "BadDigest")
    assert fails(s3.head_object, Bucket=B, Key="md5-bad") == (404, "404")
    # Not an MD5 at all.
    status, _, body = s3_request(stratus, "PUT", f"/{B}/md5-bad", body=data, headers={"Content-MD5": "bm90LW1kNQ=="})
    assert status == 400 and s3_error(body)["Code"] == "InvalidDigest", body
    assert fails(s3.head_object, Bucket=B, Key="md5-bad") == (404, "404")


def test_object_tagging(s3):
    s3.put_object(Bucket=B, Key="tagged", Body=b"t", Tagging="project=stratus&tier=hot%20cold")
    tags = s3.get_object_tagging(Bucket=B, Key="tagged")["TagSet"]
    assert sorted((t["Key"], t["Value"]) for t in tags) == [("project", "stratus"), ("tier", "hot cold")]
    assert s3.get_object(Bucket=B, Key="tagged")["TagCount"] == 2
    s3.put_object_tagging(Bucket=B, Key="tagged", Tagging={"TagSet": [{"Key": "only", "Value": "1"}]})
    assert s3.get_object_tagging(Bucket=B, Key="tagged")["TagSet"] == [{"Key": "only", "Value": "1"}]
    assert s3.get_object(Bucket=B, Key="tagged")["TagCount"] == 1
    assert s3.delete_object_tagging(Bucket=B, Key="tagged")["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert s3.get_object_tagging(Bucket=B, Key="tagged")["TagSet"] == []
    assert "TagCount" not in s3.get_object(Bucket=B, Key="tagged")
    assert fails(s3.get_object_tagging, Bucket=B, Key="absent") == (404, "NoSuchKey")
    assert fails(s3.put_object_tagging, Bucket=B, Key="absent",
                 Tagging={"TagSet": [{"Key": "a", "Value": "b"}]}) == (404, "NoSuchKey")
    # Copies take the source's tags unless told to replace them.
    s3.put_object(Bucket=B, Key="tagged2", Body=b"t", Tagging="a=1")
    s3.copy_object(Bucket=B, Key="tag-copy", CopySource={"Bucket": B, "Key": "tagged2"})
    assert s3.get_object_tagging(Bucket=B, Key="tag-copy")["TagSet"] == [{"Key": "a", "Value": "1"}]
    s3.copy_object(Bucket=B, Key="tag-copy2", CopySource={"Bucket": B, "Key": "tagged2"},
                   TaggingDirective="REPLACE", Tagging="b=2")
    assert s3.get_object_tagging(Bucket=B, Key="tag-copy2")["TagSet"] == [{"Key": "b", "Value": "2"}]


def test_error_format(stratus, s3):
    status, headers, body = s3_request(stratus, "GET", f"/{B}/absent/key")
    assert status == 404
    assert headers["content-type"].startswith("application/xml")
    assert body.startswith(b"<?xml")
    err = s3_error(body)
    assert err["Code"] == "NoSuchKey" and err["Message"]
    assert err["RequestId"] == headers["x-amz-request-id"]
    assert err.get("Key") in (None, "absent/key")


def test_versioning_suspended_null_version(s3):
    s3.put_object(Bucket=B, Key="k", Body=b"before")
    s3.put_bucket_versioning(Bucket=B, VersioningConfiguration={"Status": "Enabled"})
    v1 = s3.put_object(Bucket=B, Key="k", Body=b"enabled")["VersionId"]
    assert v1 and v1 != "null"
    versions = s3.list_object_versions(Bucket=B)["Versions"]
    assert [(v["VersionId"], v["IsLatest"]) for v in versions] == [(v1, True), ("null", False)]
    assert s3.get_object(Bucket=B, Key="k", VersionId="null")["Body"].read() == b"before"

    s3.put_bucket_versioning(Bucket=B, VersioningConfiguration={"Status": "Suspended"})
    put = s3.put_object(Bucket=B, Key="k", Body=b"suspended-1")
    assert put.get("VersionId") in (None, "null")
    s3.put_object(Bucket=B, Key="k", Body=b"suspended-2")  # replaces the null version
    versions = s3.list_object_versions(Bucket=B)["Versions"]
    assert [(v["VersionId"], v["IsLatest"]) for v in versions] == [("null", True), (v1, False)]
    assert s3.get_object(Bucket=B, Key="k")["Body"].read() == b"suspended-2"
    assert s3.get_object(Bucket=B, Key="k", VersionId="null")["Body"].read() == b"suspended-2"
    got = s3.get_object(Bucket=B, Key="k")
    assert got.get("VersionId") in (None, "null")
    assert s3.get_object(Bucket=B, Key="k", VersionId=v1)["Body"].read() == b"enabled"

    # A delete while suspended puts a null delete marker in place of the null version.
    d = s3.delete_object(Bucket=B, Key="k")
    assert d["DeleteMarker"] is True and d.get("VersionId") in (None, "null")
    listing = s3.list_object_versions(Bucket=B)
    assert [v["VersionId"] for v in listing["Versions"]] == [v1]
    assert [(m["VersionId"], m["IsLatest"]) for m in listing["DeleteMarkers"]] == [("null", True)]
    assert fails(s3.get_object, Bucket=B, Key="k") == (404, "NoSuchKey")
    s3.delete_object(Bucket=B, Key="k", VersionId="null")
    assert s3.get_object(Bucket=B, Key="k")["Body"].read() == b"enabled"


def test_versioned_copy_and_delete_objects_with_versions(s3):
    s3.put_bucket_versioning(Bucket=B, VersioningConfiguration={"Status": "Enabled"})
    v1 = s3.put_object(Bucket=B, Key="k", Body=b"one")["VersionId"]
    v2 = s3.put_object(Bucket=B, Key="k", Body=b"two")["VersionId"]
    c = s3.copy_object(Bucket=B, Key="from-v1", CopySource={"Bucket": B, "Key": "k", "VersionId": v1})
    assert c["CopySourceVersionId"] == v1 and c["VersionId"]
    assert s3.get_object(Bucket=B, Key="from-v1")["Body"].read() == b"one"
    r = s3.delete_objects(Bucket=B, Delete={"Objects": [{"Key": "k", "VersionId": v2}, {"Key": "from-v1"}]})
    by_key = {d["Key"]: d for d in r["Deleted"]}
    assert by_key["k"]["VersionId"] == v2
    assert by_key["from-v1"]["DeleteMarker"] is True and by_key["from-v1"]["DeleteMarkerVersionId"]
    assert s3.get_object(Bucket=B, Key="k")["Body"].read() == b"one"
    assert fails(s3.get_object, Bucket=B, Key="k", VersionId=v2) in ((404, "NoSuchVersion"), (400, "InvalidArgument"))
    # Reading a delete marker by version id is 405.
    marker = by_key["from-v1"]["DeleteMarkerVersionId"]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.get_object(Bucket=B, Key="from-v1", VersionId=marker)
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 405
    assert e.value.response["ResponseMetadata"]["HTTPHeaders"]["x-amz-delete-marker"] == "true"
