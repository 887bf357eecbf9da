#!/usr/bin/python3
"""Prints the botocore-signed golden requests pasted into sigv4_test.cc.

Run with Debian's botocore:  /usr/bin/python3 src/auth/tests/botocore_vectors.py
Each case is signed by botocore's own signers (SigV4Auth, S3SigV4Auth,
S3SigV4QueryAuth, SigV4QueryAuth) at a fixed clock, 2026-11-22T05:00:00Z, and
printed as a C++ initializer: method, raw path, raw query, headers as sent,
payload hash (hex SHA-256 of the body, as the server computes it).
"""
import datetime
import hashlib
import types
from urllib.parse import quote, urlsplit

import botocore
import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

NOW = datetime.datetime(2026, 11, 22, 5, 0, 0)


class _FixedDateTime(datetime.datetime):
    @classmethod
    def utcnow(cls):
        return cls(NOW.year, NOW.month, NOW.day, NOW.hour, NOW.minute, NOW.second)


# botocore.auth reads the clock through `datetime.datetime.utcnow()`.
botocore.auth.datetime = types.SimpleNamespace(datetime=_FixedDateTime)

CREDS = Credentials("AKIASTRATUSTEST00001", "stratus/secret+key/0123456789abcdefEXAMPLE")
TEMP = Credentials("ASIASTRATUSTEMP00001", "temporary/secret/key/EXAMPLE",
                   "FQoGZXIvYXdzEXAMPLE//token+with/slashes==")


def q(s):
    return quote(s, safe="-_.~")


def c_str(s):
    out = '"'
    for ch in s.encode("utf-8"):
        c = chr(ch)
        if c in '"\\':
            out += "\\" + c
        elif 0x20 <= ch < 0x7F:
            out += c
        else:
            out += "\\x%02x\" \"" % ch
    return out + '"'


def emit(name, region, service, s3, req, body=b""):
    parts = urlsplit(req.url)
    print("    // %s" % name)
    print("    {%s, %s, %s, %s," % (c_str(name), c_str(region), c_str(service),
                                   "true" if s3 else "false"))
    print("     %s, %s, %s," % (c_str(req.method), c_str(parts.path), c_str(parts.query)))
    print("     {")
    for k, v in req.headers.items():
        print("         {%s, %s}," % (c_str(k), c_str(v)))
    print("     },")
    print("     %s}," % c_str(hashlib.sha256(body).hexdigest()))


def make(method, url, headers, body=b""):
    headers = dict(headers)
    headers["Host"] = urlsplit(url).netloc
    return AWSRequest(method=method, url=url, headers=headers, data=body)


def main():
    print("// botocore %s" % botocore.__version__)
    base = "http://localhost:4566"

    # 1. S3 GET, key with spaces and non-ASCII, several query params.
    key = "photos/2026/my holiday ü €/day 1+2.jpg"
    query = "&".join("%s=%s" % (q(k), q(v)) for k, v in [
        ("versionId", "3/L4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY"),
        ("response-content-disposition", 'attachment; filename="a b.jpg"'),
        ("partNumber", "1"),
        ("x-id", "GetObject"),
    ])
    req = make("GET", "%s/example-bucket/%s?%s" % (base, quote(key, safe="/~"), query),
               {"Range": "bytes=0-9", "X-Amz-Meta-Note": "  several   spaces  "})
    botocore.auth.S3SigV4Auth(CREDS, "s3", "eu-west-1").add_auth(req)
    emit("s3-get-unicode-key-and-query", "eu-west-1", "s3", True, req)

    # 2. S3 PUT with temporary credentials, a body and user metadata.
    body = b"hello stratus\n"
    req = make("PUT", "%s/example-bucket/dir/obj.txt" % base,
               {"Content-Type": "text/plain", "Content-Length": str(len(body)),
                "x-amz-meta-owner": "alice", "x-amz-storage-class": "STANDARD"}, body)
    botocore.auth.S3SigV4Auth(TEMP, "s3", "eu-west-1").add_auth(req)
    emit("s3-put-session-token", "eu-west-1", "s3", True, req, body)

    # 3. S3 with a Date header instead of X-Amz-Date (botocore keeps Date).
    req = make("HEAD", "%s/example-bucket/a%%2Fb%%20c" % base, {"Date": "placeholder"})
    botocore.auth.S3SigV4Auth(CREDS, "s3", "eu-west-1").add_auth(req)
    emit("s3-head-date-header", "eu-west-1", "s3", True, req)

    # 4. S3 presigned GET (S3SigV4QueryAuth), unicode key and an extra param.
    req = make("GET", "%s/example-bucket/%s?response-content-type=%s" %
               (base, quote("reports/Q3 résumé.pdf", safe="/~"), q("application/pdf")), {})
    botocore.auth.S3SigV4QueryAuth(CREDS, "s3", "eu-west-1", expires=3600).add_auth(req)
    emit("s3-presigned-get", "eu-west-1", "s3", True, req)

    # 5. S3 presigned PUT with a session token.
    req = make("PUT", "%s/example-bucket/uploads/new%%20file.bin" % base, {})
    botocore.auth.S3SigV4QueryAuth(TEMP, "s3", "eu-west-1", expires=604800).add_auth(req)
    emit("s3-presigned-put-session-token", "eu-west-1", "s3", True, req)

    # 6. DynamoDB-style JSON POST (SigV4Auth, non-S3).
    body = b'{"TableName": "users", "Key": {"id": {"S": "42"}}}'
    req = make("POST", base + "/",
               {"Content-Type": "application/x-amz-json-1.0",
                "X-Amz-Target": "DynamoDB_20120810.GetItem"}, body)
    botocore.auth.SigV4Auth(CREDS, "dynamodb", "ap-south-1").add_auth(req)
    emit("dynamodb-post", "ap-south-1", "dynamodb", False, req, body)

    # 7. Non-S3 path normalisation: dot segments, double slashes, a space.
    req = make("GET", base + "/a/./b/../c//my%20dir/?Action=ListQueues&QueueNamePrefix=" +
               q("team a/b"), {})
    botocore.auth.SigV4Auth(CREDS, "sqs", "ap-south-1").add_auth(req)
    emit("sqs-get-normalised-path", "ap-south-1", "sqs", False, req)

    # 8. Non-S3 presigned (SigV4QueryAuth moves form params into the query).
    req = make("GET", base + "/", {},
               {"Action": "GetCallerIdentity", "Version": "2011-06-15"})
    botocore.auth.SigV4QueryAuth(CREDS, "sts", "ap-south-1", expires=900).add_auth(req)
    emit("sts-presigned", "ap-south-1", "sts", False, req)


if __name__ == "__main__":
    main()
