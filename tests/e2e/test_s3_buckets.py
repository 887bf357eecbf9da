"""S3 buckets: create, list, head, locate, delete, tag and version buckets, with
the error codes S3 gives for each misuse."""

import datetime
import socket

import botocore.exceptions
import pytest

from conftest import make_bucket, s3_client, s3_error, s3_request, sigv4_headers

REGION = "ap-south-1"


def client_error(fn, **kw):
    with pytest.raises(botocore.exceptions.ClientError) as e:
        fn(**kw)
    r = e.value.response
    return r["ResponseMetadata"]["HTTPStatusCode"], r["Error"]["Code"]


def test_create_list_head_locate_delete(stratus):
    s3 = s3_client(stratus)
    assert s3.list_buckets()["Buckets"] == []
    before = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=5)
    created = s3.create_bucket(Bucket="zeta-bucket", CreateBucketConfiguration={"LocationConstraint": REGION})
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert created["Location"] in ("/zeta-bucket", f"http://zeta-bucket.s3.{REGION}.amazonaws.com/")
    make_bucket(s3, "alpha.bucket-1")
    listed = s3.list_buckets()
    assert [b["Name"] for b in listed["Buckets"]] == ["alpha.bucket-1", "zeta-bucket"]
    for b in listed["Buckets"]:
        assert before <= b["CreationDate"] <= before + datetime.timedelta(minutes=1)
    assert listed["Owner"]["ID"]

    head = s3.head_bucket(Bucket="zeta-bucket")
    assert head["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert head["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"] == REGION
    assert s3.get_bucket_location(Bucket="zeta-bucket")["LocationConstraint"] == REGION

    deleted = s3.delete_bucket(Bucket="zeta-bucket")
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert client_error(s3.head_bucket, Bucket="zeta-bucket") == (404, "404")
    assert client_error(s3.delete_bucket, Bucket="zeta-bucket") == (404, "NoSuchBucket")
    assert client_error(s3.get_bucket_location, Bucket="zeta-bucket") == (404, "NoSuchBucket")
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["alpha.bucket-1"]
    # The name is free again.
    make_bucket(s3, "zeta-bucket")


def test_creating_an_existing_bucket_is_409(stratus):
    s3 = s3_client(stratus)
    make_bucket(s3, "mine")
    assert client_error(s3.create_bucket, Bucket="mine",
                        CreateBucketConfiguration={"LocationConstraint": REGION}) == \
        (409, "BucketAlreadyOwnedByYou")


@pytest.mark.parametrize("constraint", ["ap-southeast-1", "eu-west-1", "us-west-2"])
def test_location_constraint_of_another_region_is_refused(stratus, constraint):
    s3 = s3_client(stratus)
    assert client_error(s3.create_bucket, Bucket="elsewhere",
                        CreateBucketConfiguration={"LocationConstraint": constraint}) == \
        (400, "IllegalLocationConstraintException")
    assert client_error(s3.head_bucket, Bucket="elsewhere") == (404, "404")


def test_each_region_creates_buckets_with_its_own_constraint(stratus):
    other = s3_client(stratus, "ap-southeast-1")
    make_bucket(other, "southeast-bucket")
    assert other.get_bucket_location(Bucket="southeast-bucket")["LocationConstraint"] == "ap-southeast-1"
    head = other.head_bucket(Bucket="southeast-bucket")
    assert head["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"] == "ap-southeast-1"


def test_us_east_1_needs_no_location_constraint(stratus_factory):
    s = stratus_factory(regions=("us-east-1",)).start()
    s3 = s3_client(s, "us-east-1")
    s3.create_bucket(Bucket="virginia-bucket")
    # us-east-1 is reported as a null LocationConstraint.
    assert s3.get_bucket_location(Bucket="virginia-bucket").get("LocationConstraint") is None
    assert s3.head_bucket(Bucket="virginia-bucket")["ResponseMetadata"]["HTTPHeaders"][
        "x-amz-bucket-region"] == "us-east-1"


@pytest.mark.parametrize("name", [
    "ab",                      # too short
    "a" * 64,                  # too long
    "UpperCase",               # upper case
    "under_score",             # underscore
    "-leading-hyphen",
    "trailing-hyphen-",
    "double..dots",
    "192.168.5.4",             # formatted as an IP address
    "xn--punycode-prefix",     # reserved prefix
    "name-s3alias",            # reserved suffix
])
def test_invalid_bucket_names(stratus, name):
    s3 = s3_client(stratus)
    assert client_error(s3.create_bucket, Bucket=name,
                        CreateBucketConfiguration={"LocationConstraint": REGION}) == \
        (400, "InvalidBucketName")
    assert s3.list_buckets()["Buckets"] == []


def test_valid_bucket_name_edges(stratus):
    s3 = s3_client(stratus)
    for name in ("abc", "a" * 63, "1-2.3", "dots.in.name"):
        make_bucket(s3, name)
    assert len(s3.list_buckets()["Buckets"]) == 4


def test_delete_non_empty_bucket_is_409(stratus):
    s3 = s3_client(stratus)
    make_bucket(s3, "full-bucket")
    s3.put_object(Bucket="full-bucket", Key="k", Body=b"x")
    assert client_error(s3.delete_bucket, Bucket="full-bucket") == (409, "BucketNotEmpty")
    assert s3.get_object(Bucket="full-bucket", Key="k")["Body"].read() == b"x"
    s3.delete_object(Bucket="full-bucket", Key="k")
    s3.delete_bucket(Bucket="full-bucket")


def test_bucket_with_only_old_versions_is_not_empty(stratus):
    s3 = s3_client(stratus)
    make_bucket(s3, "versions-left")
    s3.put_bucket_versioning(Bucket="versions-left", VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket="versions-left", Key="k", Body=b"x")
    s3.delete_object(Bucket="versions-left", Key="k")  # leaves a version and a delete marker
    assert s3.list_objects_v2(Bucket="versions-left")["KeyCount"] == 0
    assert client_error(s3.delete_bucket, Bucket="versions-left") == (409, "BucketNotEmpty")
    versions = s3.list_object_versions(Bucket="versions-left")
    for v in versions.get("Versions", []) + versions.get("DeleteMarkers", []):
        s3.delete_object(Bucket="versions-left", Key=v["Key"], VersionId=v["VersionId"])
    s3.delete_bucket(Bucket="versions-left")


def test_head_errors_have_no_body(stratus):
    s3 = s3_client(stratus)
    make_bucket(s3, "present")
    port = stratus.regions[REGION]["aws"]
    for path in ("/absent-bucket", "/present/absent-key"):
        hdrs, target = sigv4_headers(stratus, REGION, "HEAD", path)
        hdrs["connection"] = "close"
        head = f"HEAD {target} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in hdrs.items()) + "\r\n"
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(head.encode())
            data = b""
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
        status_line, _, rest = data.partition(b"\r\n")
        assert status_line.startswith(b"HTTP/1.1 404"), data[:300]
        headers, _, body = rest.partition(b"\r\n\r\n")
        assert body == b"", body
        assert b"x-amz-request-id:" in headers.lower()


def test_errors_are_s3_xml(stratus):
    status, headers, body = s3_request(stratus, "GET", "/no-such-bucket", query=[("list-type", "2")])
    assert status == 404
    assert headers["content-type"].startswith("application/xml")
    err = s3_error(body)
    assert err["Code"] == "NoSuchBucket"
    assert err["Message"]
    assert err["RequestId"] == headers["x-amz-request-id"]
    assert err.get("BucketName") in (None, "no-such-bucket")


def test_error_bodies_are_well_formed_and_name_the_resource(stratus):
    body = (b'<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
            b'<LocationConstraint>ap-south-1</LocationConstraint></CreateBucketConfiguration>')
    for name in ("a" * 64, "trailing-hyphen-", "xn--punycode-prefix", "UpperCase"):
        status, headers, raw = s3_request(stratus, "PUT", "/" + name, body=body)
        assert status == 400
        err = s3_error(raw)  # must parse as XML
        assert err["Code"] == "InvalidBucketName"
        assert err["RequestId"] == headers["x-amz-request-id"]
        assert err.get("Resource") in (None, "/" + name, name), err
        assert err.get("BucketName") in (None, name), err


def test_bucket_tagging(stratus):
    s3 = s3_client(stratus)
    make_bucket(s3, "tagged")
    assert client_error(s3.get_bucket_tagging, Bucket="tagged") == (404, "NoSuchTagSet")
    tags = [{"Key": "team", "Value": "storage"}, {"Key": "cost center", "Value": "42 / ünï"}]
    s3.put_bucket_tagging(Bucket="tagged", Tagging={"TagSet": tags})
    got = s3.get_bucket_tagging(Bucket="tagged")["TagSet"]
    assert sorted(got, key=lambda t: t["Key"]) == sorted(tags, key=lambda t: t["Key"])
    # A put replaces the whole set.
    s3.put_bucket_tagging(Bucket="tagged", Tagging={"TagSet": [{"Key": "only", "Value": "one"}]})
    assert s3.get_bucket_tagging(Bucket="tagged")["TagSet"] == [{"Key": "only", "Value": "one"}]
    assert s3.delete_bucket_tagging(Bucket="tagged")["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert client_error(s3.get_bucket_tagging, Bucket="tagged") == (404, "NoSuchTagSet")
    assert client_error(s3.get_bucket_tagging, Bucket="untagged-missing") == (404, "NoSuchBucket")


def test_bucket_versioning_configuration(stratus):
    s3 = s3_client(stratus)
    make_bucket(s3, "ver-config")
    assert "Status" not in s3.get_bucket_versioning(Bucket="ver-config")
    s3.put_bucket_versioning(Bucket="ver-config", VersioningConfiguration={"Status": "Enabled"})
    assert s3.get_bucket_versioning(Bucket="ver-config")["Status"] == "Enabled"
    s3.put_bucket_versioning(Bucket="ver-config", VersioningConfiguration={"Status": "Suspended"})
    assert s3.get_bucket_versioning(Bucket="ver-config")["Status"] == "Suspended"
    assert client_error(s3.get_bucket_versioning, Bucket="ver-missing") == (404, "NoSuchBucket")
