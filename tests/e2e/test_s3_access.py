"""S3 access control and browser access with boto3 and plain HTTP: CORS rules
and preflights, the public access block, bucket policies (public read,
deny-unless-HTTPS, the owner never locked out), and GetObjectAttributes."""

import json
import urllib.error
import urllib.request

import botocore.exceptions
import pytest

from conftest import make_bucket, metric, s3_client, s3_error, s3_request

B = "access"


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


def http(stratus, method, path, headers=None, region="ap-south-1"):
    """An unsigned (anonymous) request: (status, headers, body)."""
    req = urllib.request.Request(stratus.endpoint(region) + path, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


CORS = {"CORSRules": [
    {"ID": "uploads", "AllowedOrigins": ["https://app.example.com"], "AllowedMethods": ["PUT", "POST"],
     "AllowedHeaders": ["Content-*", "x-amz-*"], "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 600},
    {"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]},
]}


def test_cors_configuration_round_trip(s3):
    assert fails(s3.get_bucket_cors, Bucket=B) == (404, "NoSuchCORSConfiguration")
    s3.put_bucket_cors(Bucket=B, CORSConfiguration=CORS)
    rules = s3.get_bucket_cors(Bucket=B)["CORSRules"]
    assert rules[0]["ID"] == "uploads"
    assert rules[0]["AllowedHeaders"] == ["Content-*", "x-amz-*"]
    assert rules[0]["MaxAgeSeconds"] == 600 and rules[1]["AllowedOrigins"] == ["*"]
    bad = {"CORSRules": [{"AllowedOrigins": ["*"], "AllowedMethods": ["PATCH"]}]}
    assert fails(s3.put_bucket_cors, Bucket=B, CORSConfiguration=bad) == (400, "InvalidRequest")
    s3.delete_bucket_cors(Bucket=B)
    assert fails(s3.get_bucket_cors, Bucket=B) == (404, "NoSuchCORSConfiguration")


def test_preflight_is_answered_from_the_rules_without_credentials(stratus, s3):
    pre = {"Origin": "https://app.example.com", "Access-Control-Request-Method": "PUT",
           "Access-Control-Request-Headers": "content-type, x-amz-meta-owner"}
    # No CORS configuration yet: 403.
    status, _, body = http(stratus, "OPTIONS", f"/{B}/upload.bin", pre)
    assert status == 403 and s3_error(body)["Code"] == "AccessForbidden"
    s3.put_bucket_cors(Bucket=B, CORSConfiguration=CORS)
    status, h, _ = http(stratus, "OPTIONS", f"/{B}/upload.bin", pre)
    assert status == 200
    assert h["access-control-allow-origin"] == "https://app.example.com"
    assert h["access-control-allow-methods"] == "PUT, POST"
    assert h["access-control-allow-headers"] == "content-type, x-amz-meta-owner"
    assert h["access-control-expose-headers"] == "ETag" and h["access-control-max-age"] == "600"
    # A header no rule allows, an origin no rule allows, a method no rule allows.
    for headers in ({**pre, "Access-Control-Request-Headers": "authorization"},
                    {**pre, "Origin": "https://evil.example.com"},
                    {**pre, "Access-Control-Request-Method": "DELETE"}):
        status, _, body = http(stratus, "OPTIONS", f"/{B}/upload.bin", headers)
        assert status == 403 and s3_error(body)["Code"] == "AccessForbidden", headers
    # The wildcard rule answers GET from anywhere with "*".
    status, h, _ = http(stratus, "OPTIONS", f"/{B}",
                        {"Origin": "https://any.example.org", "Access-Control-Request-Method": "GET"})
    assert status == 200 and h["access-control-allow-origin"] == "*"
    # Missing Origin: 400.
    status, _, _ = http(stratus, "OPTIONS", f"/{B}/x", {"Access-Control-Request-Method": "GET"})
    assert status == 400


def test_actual_cross_origin_requests_carry_cors_headers(s3):
    s3.put_bucket_cors(Bucket=B, CORSConfiguration=CORS)
    s3.put_object(Bucket=B, Key="page.html", Body=b"<p>hi</p>")

    def add_origin(request, **kwargs):
        request.headers["Origin"] = "https://app.example.com"

    s3.meta.events.register("before-sign.s3.GetObject", add_origin)
    got = s3.get_object(Bucket=B, Key="page.html")
    assert got["ResponseMetadata"]["HTTPHeaders"]["access-control-allow-origin"] == "*"
    # Errors carry them too, so a browser can read the error.
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.get_object(Bucket=B, Key="missing")
    assert e.value.response["ResponseMetadata"]["HTTPHeaders"]["access-control-allow-origin"] == "*"


def test_public_access_block_is_on_for_new_buckets(s3):
    conf = s3.get_public_access_block(Bucket=B)["PublicAccessBlockConfiguration"]
    assert conf == {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
                    "RestrictPublicBuckets": True}
    s3.put_public_access_block(Bucket=B, PublicAccessBlockConfiguration={"BlockPublicPolicy": False})
    conf = s3.get_public_access_block(Bucket=B)["PublicAccessBlockConfiguration"]
    assert conf["BlockPublicPolicy"] is False and conf["RestrictPublicBuckets"] is False
    s3.delete_public_access_block(Bucket=B)
    assert fails(s3.get_public_access_block, Bucket=B) == (404, "NoSuchPublicAccessBlockConfiguration")


def public_read(prefix):
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{B}/{prefix}*"}]})


def test_anonymous_access_needs_a_policy_and_no_block(stratus, s3):
    s3.put_object(Bucket=B, Key="public/logo.txt", Body=b"logo")
    s3.put_object(Bucket=B, Key="private/key.txt", Body=b"secret")
    status, _, body = http(stratus, "GET", f"/{B}/public/logo.txt")
    assert status == 403 and s3_error(body)["Code"] == "AccessDenied"
    # A public policy is refused while BlockPublicPolicy is on.
    assert fails(s3.put_bucket_policy, Bucket=B, Policy=public_read("public/")) == (403, "AccessDenied")
    assert fails(s3.get_bucket_policy, Bucket=B) == (404, "NoSuchBucketPolicy")
    s3.put_public_access_block(Bucket=B, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": False,
        "RestrictPublicBuckets": True})
    s3.put_bucket_policy(Bucket=B, Policy=public_read("public/"))
    assert json.loads(s3.get_bucket_policy(Bucket=B)["Policy"])["Statement"][0]["Sid"] == "PublicRead"
    assert s3.get_bucket_policy_status(Bucket=B)["PolicyStatus"]["IsPublic"] is True
    # RestrictPublicBuckets still keeps anonymous readers out.
    assert http(stratus, "GET", f"/{B}/public/logo.txt")[0] == 403
    s3.delete_public_access_block(Bucket=B)
    status, _, body = http(stratus, "GET", f"/{B}/public/logo.txt")
    assert (status, body) == (200, b"logo")
    # Only what the policy names: not other keys, not writes, not listings.
    assert http(stratus, "GET", f"/{B}/private/key.txt")[0] == 403
    assert http(stratus, "PUT", f"/{B}/public/new.txt")[0] == 403
    assert http(stratus, "GET", f"/{B}")[0] == 403
    s3.delete_bucket_policy(Bucket=B)
    assert http(stratus, "GET", f"/{B}/public/logo.txt")[0] == 403


def test_explicit_deny_binds_the_owner_but_cannot_lock_out_policy_management(s3):
    deny_http = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "HttpsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{B}", f"arn:aws:s3:::{B}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})
    s3.put_bucket_policy(Bucket=B, Policy=deny_http)
    # The deny covers every other S3 action, this one included.
    assert fails(s3.get_bucket_policy_status, Bucket=B) == (403, "AccessDenied")
    assert fails(s3.put_object, Bucket=B, Key="k", Body=b"x") == (403, "AccessDenied")
    assert fails(s3.list_objects_v2, Bucket=B) == (403, "AccessDenied")
    # The owner can still read and remove the policy.
    assert "HttpsOnly" in s3.get_bucket_policy(Bucket=B)["Policy"]
    s3.delete_bucket_policy(Bucket=B)
    s3.put_object(Bucket=B, Key="k", Body=b"x")


def test_error_after_a_buffered_body_names_the_resource(stratus, s3):
    status, _, body = s3_request(stratus, "PUT", f"/{B}", query=[("policy", "")], body=b"{not json")
    err = s3_error(body)
    assert status == 400 and err["Code"] == "MalformedPolicy"
    assert err["Resource"] == f"/{B}" and err["RequestId"]


def test_malformed_policies_are_refused(s3):
    for policy in ("not json", json.dumps({"Version": "2012-10-17", "Statement": []}),
                   json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                                                                        "Resource": f"arn:aws:s3:::{B}/*"}]}),
                   json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Maybe", "Principal": "*",
                                                                        "Action": "s3:GetObject",
                                                                        "Resource": f"arn:aws:s3:::{B}/*"}]})):
        assert fails(s3.put_bucket_policy, Bucket=B, Policy=policy) == (400, "MalformedPolicy"), policy
    assert fails(s3.get_bucket_policy, Bucket=B) == (404, "NoSuchBucketPolicy")


def test_get_object_attributes(s3):
    s3.put_object(Bucket=B, Key="single", Body=b"x" * 1000, ChecksumAlgorithm="SHA256")
    a = s3.get_object_attributes(Bucket=B, Key="single",
                                 ObjectAttributes=["ETag", "Checksum", "ObjectSize", "StorageClass"])
    assert a["ObjectSize"] == 1000 and a["StorageClass"] == "STANDARD"
    assert a["ETag"] == s3.head_object(Bucket=B, Key="single")["ETag"].strip('"')
    assert a["Checksum"]["ChecksumSHA256"]
    up = s3.create_multipart_upload(Bucket=B, Key="multi", ChecksumAlgorithm="CRC32")
    parts = []
    for n in (1, 2):
        body = bytes([n]) * (5 * 1024 * 1024 if n == 1 else 100)
        p = s3.upload_part(Bucket=B, Key="multi", UploadId=up["UploadId"], PartNumber=n, Body=body,
                           ChecksumAlgorithm="CRC32")
        parts.append({"PartNumber": n, "ETag": p["ETag"], "ChecksumCRC32": p["ChecksumCRC32"]})
    s3.complete_multipart_upload(Bucket=B, Key="multi", UploadId=up["UploadId"],
                                 MultipartUpload={"Parts": parts})
    a = s3.get_object_attributes(Bucket=B, Key="multi", ObjectAttributes=["ObjectParts", "ObjectSize"])
    assert a["ObjectSize"] == 5 * 1024 * 1024 + 100
    assert a["ObjectParts"]["TotalPartsCount"] == 2
    assert [p["Size"] for p in a["ObjectParts"]["Parts"]] == [5 * 1024 * 1024, 100]
    assert fails(s3.get_object_attributes, Bucket=B, Key="nope", ObjectAttributes=["ETag"]) == (404, "NoSuchKey")


def test_object_metrics(stratus, s3):
    before = stratus.metrics("ap-south-1")
    s3.put_object(Bucket=B, Key="m1", Body=b"x" * 1000)
    s3.put_object(Bucket=B, Key="m2", Body=b"y" * 300_000)  # a blob file
    s3.put_object(Bucket=B, Key="m2", Body=b"z")            # releases it
    after = stratus.metrics("ap-south-1")
    delta = lambda name: metric(after, name) - metric(before, name)
    assert delta("stratus_s3_versions_written_total") == 3
    assert delta("stratus_s3_bytes_written_total") == 301_001
    assert delta("stratus_s3_blobs_unlinked_total") == 1
    assert metric(after, "stratus_requests_total", operation="PutObject", status="200") >= 3
