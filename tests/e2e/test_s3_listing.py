"""S3 listings: ListObjects (v1), ListObjectsV2 and ListObjectVersions with
prefixes, delimiters, common prefixes, pagination, URL encoding and UTF-8 byte
order."""

import urllib.parse
import xml.etree.ElementTree as ET

import botocore.exceptions
import pytest

from conftest import make_bucket, s3_client, s3_error, s3_request

NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"

TREE = ["a.txt", "dir/", "dir/b.txt", "dir/sub/c.txt", "dir/sub/d.txt", "dir2/e.txt",
        "photos/2024/feb/2.jpg", "photos/2024/jan/1.jpg", "photos/index.html", "z"]


@pytest.fixture
def tree(stratus):
    s3 = s3_client(stratus)
    make_bucket(s3, "tree")
    for key in TREE:
        s3.put_object(Bucket="tree", Key=key, Body=key.encode())
    return s3


def pages_v2(s3, **kw):
    pages, token = [], None
    while True:
        args = dict(kw, **({"ContinuationToken": token} if token else {}))
        page = s3.list_objects_v2(Bucket="tree", **args)
        pages.append(page)
        if token:
            assert page["ContinuationToken"] == token
        if not page["IsTruncated"]:
            assert "NextContinuationToken" not in page
            return pages
        token = page["NextContinuationToken"]
        assert len(pages) < 100


def items(page):
    return ([o["Key"] for o in page.get("Contents", [])],
            [p["Prefix"] for p in page.get("CommonPrefixes", [])])


def test_v2_lists_everything_in_order(tree):
    page = tree.list_objects_v2(Bucket="tree")
    assert [o["Key"] for o in page["Contents"]] == TREE
    assert page["KeyCount"] == len(TREE) and page["IsTruncated"] is False
    assert page["MaxKeys"] == 1000 and page["Name"] == "tree"
    for o in page["Contents"]:
        assert o["Size"] == len(o["Key"])
        assert o["ETag"].startswith('"') and len(o["ETag"]) == 34
        assert o["StorageClass"] == "STANDARD"
        assert "Owner" not in o  # only with FetchOwner
    owned = tree.list_objects_v2(Bucket="tree", FetchOwner=True, MaxKeys=1)
    assert owned["Contents"][0]["Owner"]["ID"]


def test_v2_delimiter_rolls_up_common_prefixes(tree):
    page = tree.list_objects_v2(Bucket="tree", Delimiter="/")
    assert items(page) == (["a.txt", "z"], ["dir/", "dir2/", "photos/"])
    assert page["KeyCount"] == 5 and page["Delimiter"] == "/"
    page = tree.list_objects_v2(Bucket="tree", Delimiter="/", Prefix="dir/")
    assert items(page) == (["dir/", "dir/b.txt"], ["dir/sub/"])
    assert page["Prefix"] == "dir/"
    page = tree.list_objects_v2(Bucket="tree", Delimiter="/", Prefix="photos/2024/")
    assert items(page) == ([], ["photos/2024/feb/", "photos/2024/jan/"])
    page = tree.list_objects_v2(Bucket="tree", Prefix="dir/sub/")
    assert items(page) == (["dir/sub/c.txt", "dir/sub/d.txt"], [])
    page = tree.list_objects_v2(Bucket="tree", Prefix="nothing/")
    assert items(page) == ([], []) and page["KeyCount"] == 0
    # A delimiter other than '/'.
    page = tree.list_objects_v2(Bucket="tree", Delimiter=".")
    assert items(page) == (["dir/", "z"], ["a.", "dir/b.", "dir/sub/c.", "dir/sub/d.", "dir2/e.",
                                          "photos/2024/feb/2.", "photos/2024/jan/1.", "photos/index."])


def test_v2_pagination_with_continuation_tokens(tree):
    pages = pages_v2(tree, MaxKeys=3)
    assert [len(p["Contents"]) for p in pages] == [3, 3, 3, 1]
    assert [k for p in pages for k in items(p)[0]] == TREE
    assert all(p["MaxKeys"] == 3 and p["KeyCount"] == len(p["Contents"]) for p in pages)


def test_v2_pagination_counts_common_prefixes(tree):
    pages = pages_v2(tree, MaxKeys=1, Delimiter="/")
    assert [items(p) for p in pages] == [
        (["a.txt"], []), ([], ["dir/"]), ([], ["dir2/"]), ([], ["photos/"]), (["z"], [])]
    pages = pages_v2(tree, MaxKeys=2, Delimiter="/", Prefix="dir/")
    assert [items(p) for p in pages] == [(["dir/", "dir/b.txt"], []), ([], ["dir/sub/"])]


def test_v2_start_after(tree):
    page = tree.list_objects_v2(Bucket="tree", StartAfter="dir/sub/c.txt")
    assert items(page)[0] == TREE[TREE.index("dir/sub/c.txt") + 1:]
    assert page["StartAfter"] == "dir/sub/c.txt"
    # StartAfter need not be a key.
    assert items(tree.list_objects_v2(Bucket="tree", StartAfter="e"))[0] == TREE[6:]
    pages = pages_v2(tree, StartAfter="dir2/e.txt", MaxKeys=2)
    assert [k for p in pages for k in items(p)[0]] == TREE[6:]


def test_v1_marker_pagination(tree):
    keys, marker = [], ""
    while True:
        page = tree.list_objects(Bucket="tree", Marker=marker, MaxKeys=4)
        assert page["Marker"] == marker
        got = [o["Key"] for o in page.get("Contents", [])]
        keys += got
        if not page["IsTruncated"]:
            break
        # Without a delimiter, the next marker is the last key returned.
        marker = page.get("NextMarker", got[-1])
        assert marker == got[-1]
    assert keys == TREE
    page = tree.list_objects(Bucket="tree", Marker="dir/sub/d.txt")
    assert [o["Key"] for o in page["Contents"]] == TREE[5:]


def test_v1_delimiter_and_next_marker(tree):
    page = tree.list_objects(Bucket="tree", Delimiter="/")
    assert items(page) == (["a.txt", "z"], ["dir/", "dir2/", "photos/"])
    seen, marker = [], ""
    while True:
        page = tree.list_objects(Bucket="tree", Delimiter="/", MaxKeys=2, Marker=marker)
        keys, prefixes = items(page)
        seen += keys + prefixes
        if not page["IsTruncated"]:
            break
        # With a delimiter a truncated v1 page names its NextMarker: the last key or prefix.
        marker = page["NextMarker"]
        assert marker == max(keys + prefixes)
    assert seen == ["a.txt", "dir/", "dir2/", "photos/", "z"]


ODD_KEYS = ["plain", "with space", "plus+sign", "both + and space", "percent%20literal",
            "amp&lt<gt>", "quote\"apos'", "ünïcödé/файл", "emoji/😀", "tab\there", "tilde~star*",
            "question?hash#", "semicolon;comma,", "trailing space "]


@pytest.fixture
def odd(stratus):
    s3 = s3_client(stratus)
    make_bucket(s3, "odd")
    for key in ODD_KEYS:
        s3.put_object(Bucket="odd", Key=key, Body=key.encode())
    return s3


def by_bytes(keys):
    return sorted(keys, key=lambda k: k.encode())


def test_odd_keys_round_trip_through_every_listing(odd):
    # boto3 asks for encoding-type=url itself and decodes what comes back.
    assert [o["Key"] for o in odd.list_objects_v2(Bucket="odd")["Contents"]] == by_bytes(ODD_KEYS)
    assert [o["Key"] for o in odd.list_objects(Bucket="odd")["Contents"]] == by_bytes(ODD_KEYS)
    assert [v["Key"] for v in odd.list_object_versions(Bucket="odd")["Versions"]] == by_bytes(ODD_KEYS)
    for key in ODD_KEYS:
        assert odd.get_object(Bucket="odd", Key=key)["Body"].read() == key.encode()


def test_encoding_type_url_encodes_keys(stratus, odd):
    for query in ([("list-type", "2"), ("encoding-type", "url")], [("encoding-type", "url")]):
        status, _, body = s3_request(stratus, "GET", "/odd", query=query)
        assert status == 200, body
        root = ET.fromstring(body)
        assert root.findtext(NS + "EncodingType") == "url"
        raw = [c.findtext(NS + "Key") for c in root.findall(NS + "Contents")]
        # Clients decode with form rules ('+' is a space), so '+' must be sent as %2B.
        assert [urllib.parse.unquote_plus(k) for k in raw] == by_bytes(ODD_KEYS), raw
        for k in raw:
            assert " " not in k and "\t" not in k and "&" not in k and "<" not in k, k
            assert all(ord(ch) < 128 for ch in k), k


def test_encoding_type_url_encodes_prefix_delimiter_and_markers(stratus, odd):
    status, _, body = s3_request(stratus, "GET", "/odd", query=[
        ("encoding-type", "url"), ("prefix", "ünïcödé/"), ("delimiter", "/"), ("marker", "ünïcödé/a b")])
    assert status == 200, body
    root = ET.fromstring(body)
    assert urllib.parse.unquote_plus(root.findtext(NS + "Prefix")) == "ünïcödé/"
    assert root.findtext(NS + "Prefix").isascii()
    assert urllib.parse.unquote_plus(root.findtext(NS + "Marker")) == "ünïcödé/a b"
    assert [urllib.parse.unquote_plus(c.findtext(NS + "Key")) for c in root.findall(NS + "Contents")] == \
        ["ünïcödé/файл"]
    status, _, body = s3_request(stratus, "GET", "/odd", query=[
        ("list-type", "2"), ("encoding-type", "url"), ("delimiter", " "), ("start-after", "amp&lt<gt>")])
    root = ET.fromstring(body)
    assert urllib.parse.unquote_plus(root.findtext(NS + "StartAfter")) == "amp&lt<gt>"
    assert urllib.parse.unquote_plus(root.findtext(NS + "Delimiter")) == " "
    prefixes = [urllib.parse.unquote_plus(p.findtext(NS + "Prefix")) for p in root.findall(NS + "CommonPrefixes")]
    assert prefixes == ["both ", "trailing ", "with "]


def test_without_encoding_keys_are_xml_escaped(stratus, odd):
    status, _, body = s3_request(stratus, "GET", "/odd", query=[("list-type", "2")])
    assert status == 200
    root = ET.fromstring(body)
    assert [c.findtext(NS + "Key") for c in root.findall(NS + "Contents")] == by_bytes(ODD_KEYS)


def test_order_is_by_utf8_bytes(stratus):
    s3 = s3_client(stratus)
    make_bucket(s3, "order")
    # UTF-16 would put the emoji (a surrogate pair) before U+FB00; UTF-8 puts it after.
    keys = ["B", "a", "a-b", "a/b", "a~", "é", "\ufb00", "😀", "\u00ff", "Z9", "0", "~"]
    for k in keys:
        s3.put_object(Bucket="order", Key=k, Body=b"")
    want = by_bytes(keys)
    assert want.index("\ufb00") < want.index("😀")
    assert [o["Key"] for o in s3.list_objects_v2(Bucket="order")["Contents"]] == want
    # Pagination across multi-byte keys keeps the order.
    got, token = [], {}
    while True:
        page = s3.list_objects_v2(Bucket="order", MaxKeys=2, **token)
        got += [o["Key"] for o in page.get("Contents", [])]
        if not page["IsTruncated"]:
            break
        token = {"ContinuationToken": page["NextContinuationToken"]}
    assert got == want
    got, marker = [], ""
    while True:
        page = s3.list_objects(Bucket="order", MaxKeys=3, Marker=marker)
        got += [o["Key"] for o in page.get("Contents", [])]
        if not page["IsTruncated"]:
            break
        marker = got[-1]
    assert got == want
    assert [o["Key"] for o in s3.list_objects_v2(Bucket="order", StartAfter="é")["Contents"]] == \
        want[want.index("é") + 1:]


def test_list_object_versions_with_prefix_and_delimiter(tree):
    page = tree.list_object_versions(Bucket="tree", Delimiter="/")
    assert [v["Key"] for v in page["Versions"]] == ["a.txt", "z"]
    assert [p["Prefix"] for p in page["CommonPrefixes"]] == ["dir/", "dir2/", "photos/"]
    for v in page["Versions"]:
        assert v["VersionId"] == "null" and v["IsLatest"] is True
    page = tree.list_object_versions(Bucket="tree", Prefix="dir/sub/")
    assert [v["Key"] for v in page["Versions"]] == ["dir/sub/c.txt", "dir/sub/d.txt"]
    keys, marker = [], {}
    while True:
        page = tree.list_object_versions(Bucket="tree", MaxKeys=4, **marker)
        keys += [v["Key"] for v in page.get("Versions", [])]
        if not page["IsTruncated"]:
            break
        marker = {"KeyMarker": page["NextKeyMarker"], "VersionIdMarker": page["NextVersionIdMarker"]}
    assert keys == TREE


def test_listing_errors(stratus, tree):
    with pytest.raises(botocore.exceptions.ClientError) as e:
        tree.list_objects_v2(Bucket="missing-bucket")
    assert e.value.response["Error"]["Code"] == "NoSuchBucket"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        tree.list_objects_v2(Bucket="tree", ContinuationToken="not-a-token")
    assert e.value.response["Error"]["Code"] == "InvalidArgument"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    for bad in ("abc", "-1"):
        status, _, body = s3_request(stratus, "GET", "/tree", query=[("list-type", "2"), ("max-keys", bad)])
        assert status == 400 and s3_error(body)["Code"] == "InvalidArgument", body
    status, _, body = s3_request(stratus, "GET", "/tree", query=[("encoding-type", "base64")])
    assert status == 400 and s3_error(body)["Code"] == "InvalidArgument", body


def test_max_keys_zero_and_large(tree):
    page = tree.list_objects_v2(Bucket="tree", MaxKeys=0)
    assert page.get("Contents", []) == [] and page["KeyCount"] == 0
    page = tree.list_objects_v2(Bucket="tree", MaxKeys=5000)
    assert [o["Key"] for o in page["Contents"]] == TREE
    assert page["MaxKeys"] in (1000, 5000)
