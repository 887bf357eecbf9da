#!/usr/bin/env python3
"""Writes the seed corpora in fuzz/seeds/<target>/ (fuzz/README.md).

The HTTP seeds are real requests, signed with the fuzz targets' credentials at
their fixed clock, so that the fuzzer starts from requests that authenticate
and reach an operation. Run from anywhere; the output is deterministic.

http_request_fuzz seed file := control:u8 request-bytes   (see http_request_fuzz.cc)
sigv4_fuzz seed file        := flags:u8 authorization '\n' query '\n' path ('\n' name ':' value)*
"""

import hashlib
import hmac
import os
import urllib.parse

KEY_ID = "AKIAFUZZ000000000001"
SECRET = "fuzz/secret+key"
AMZ_DATE = "20261122T050000Z"
DATE = AMZ_DATE[:8]
REGION = "us-east-1"
# Headers SDKs do not sign (as auth::Sign; src/auth/sigv4.cc).
UNSIGNABLE = {"authorization", "connection", "expect", "keep-alive", "proxy-authorization",
              "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "user-agent",
              "x-amzn-trace-id"}

HERE = os.path.dirname(os.path.abspath(__file__))


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def hmac256(key, msg):
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def uri_encode(s, encode_slash=True):
    safe = "-_.~" + ("" if encode_slash else "/")
    return urllib.parse.quote(s, safe=safe)


def canonical_query(query):
    pairs = []
    for piece in query.split("&"):
        if not piece:
            continue
        name, _, value = piece.partition("=")
        pairs.append((uri_encode(urllib.parse.unquote(name)),
                      uri_encode(urllib.parse.unquote(value))))
    return "&".join(f"{n}={v}" for n, v in sorted(pairs))


def signature(method, path, query, headers, signed, payload_hash, service, s3):
    uri = path if s3 else uri_encode(path, encode_slash=False)
    canonical_headers = "".join(
        f"{name}:{' '.join(headers[name].split())}\n" for name in signed)
    request = "\n".join([method, uri, canonical_query(query), canonical_headers,
                         ";".join(signed), payload_hash])
    scope = f"{DATE}/{REGION}/{service}/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", AMZ_DATE, scope, sha256(request.encode())])
    key = hmac256(("AWS4" + SECRET).encode(), DATE)
    for part in (REGION, service, "aws4_request"):
        key = hmac256(key, part)
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest(), scope


def signed_request(method, path, query, headers, body, service, s3, payload_hash=None):
    """A request with header auth: the headers given plus x-amz-date are signed."""
    headers = {k.lower(): v for k, v in headers.items()}
    headers["x-amz-date"] = AMZ_DATE
    if payload_hash is None:
        payload_hash = sha256(body)
    if s3:
        headers["x-amz-content-sha256"] = payload_hash
    signed = sorted(h for h in headers if h not in UNSIGNABLE)
    sig, scope = signature(method, path, query, headers, signed, payload_hash, service, s3)
    headers["authorization"] = (f"AWS4-HMAC-SHA256 Credential={KEY_ID}/{scope}, "
                                f"SignedHeaders={';'.join(signed)}, Signature={sig}")
    return render(method, path, query, headers, body)


def presigned_request(method, path, headers, service, expires=3600):
    headers = {k.lower(): v for k, v in headers.items()}
    scope = f"{DATE}/{REGION}/{service}/aws4_request"
    params = {
        "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
        "X-Amz-Credential": f"{KEY_ID}/{scope}",
        "X-Amz-Date": AMZ_DATE,
        "X-Amz-Expires": str(expires),
        "X-Amz-SignedHeaders": "host",
    }
    query = "&".join(f"{uri_encode(k)}={uri_encode(v)}" for k, v in sorted(params.items()))
    sig, _ = signature(method, path, query, headers, ["host"], "UNSIGNED-PAYLOAD", service, True)
    query += f"&X-Amz-Signature={sig}"
    return render(method, path, query, headers, b"")


def render(method, path, query, headers, body):
    target = path + ("?" + query if query else "")
    lines = [f"{method} {target} HTTP/1.1"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def chunked(body, size):
    out = b""
    for i in range(0, len(body), size):
        piece = body[i:i + size]
        out += f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    return out + b"0\r\n\r\n"


def http_seeds():
    s3_host = {"host": "localhost:4566"}
    ddb_body = b'{"TableName":"fuzz","Item":{"pk":{"S":"a"},"n":{"N":"1"}}}'
    sqs_body = (b"Action=SendMessage&Version=2012-11-05"
                b"&QueueUrl=http%3A%2F%2Flocalhost%3A4566%2F000000000000%2Fq"
                b"&MessageBody=hello+world%21")
    put_body = b"The quick brown fox jumps over the lazy dog.\n" * 3
    put_headers = dict(s3_host, **{"transfer-encoding": "chunked",
                                   "content-type": "application/octet-stream"})
    chunked_put = signed_request("PUT", "/fuzz-bucket/dir/fox.txt", "", put_headers,
                                 b"", "s3", True, payload_hash="UNSIGNED-PAYLOAD")
    chunked_put += chunked(put_body, 40)
    return {
        # control 0x00: the whole request in one piece.
        "s3_get_object": b"\x00" + signed_request(
            "GET", "/fuzz-bucket/photos/2024/a%20b.jpg", "", s3_host, b"", "s3", True),
        # 0x07: pieces of 7 bytes. Virtual-hosted style.
        "s3_presigned_get": b"\x07" + presigned_request(
            "GET", "/photos/2024/x.jpg", {"host": "fuzz-bucket.localhost:4566"}, "s3"),
        # 0x81: pieces of 1, 2, 4, ... bytes.
        "dynamodb_put_item": b"\x81" + signed_request(
            "POST", "/", "", {"host": "localhost:4566",
                              "content-type": "application/x-amz-json-1.0",
                              "x-amz-target": "DynamoDB_20120810.PutItem",
                              "content-length": str(len(ddb_body))},
            ddb_body, "dynamodb", False),
        "sqs_query_send_message": b"\x00" + signed_request(
            "POST", "/", "", {"host": "localhost:4566",
                              "content-type": "application/x-www-form-urlencoded",
                              "content-length": str(len(sqs_body))},
            sqs_body, "sqs", False),
        # 0x03: pieces of 3 bytes, so chunk sizes and CRLFs split.
        "s3_chunked_put": b"\x03" + chunked_put,
        # 0x01: byte by byte, as the slowest client.
        "admin_health": b"\x01" + render(
            "GET", "/_stratus/health", "", {"host": "localhost:4566", "user-agent": "curl/8"}, b""),
        "admin_metrics_head": b"\x00" + render(
            "HEAD", "/_stratus/metrics", "", {"host": "localhost:4566"}, b""),
        "app_put_temperature": b"\x00" + render(
            "PUT", "/temperature/room-1", "unit=C&x=%20y", {"host": "localhost:4567",
                                                            "content-type": "application/json",
                                                            "content-length": "15"},
            b'{"value":21.5}\n'),
        "s3_upload_part_copy_expect": b"\x00" + signed_request(
            "PUT", "/fuzz-bucket/big", "partNumber=2&uploadId=abc", dict(
                s3_host, **{"x-amz-copy-source": "/src-bucket/key", "expect": "100-continue",
                            "content-length": "0"}),
            b"", "s3", True),
        "s3_anonymous_list": b"\x00" + render(
            "GET", "/fuzz-bucket", "list-type=2&prefix=a%2Fb&max-keys=10", s3_host, b""),
        "query_get_sts": b"\x00" + render(
            "GET", "/", "Action=GetCallerIdentity&Version=2011-06-15", {"host": "localhost:4566"},
            b""),
        # Two pipelined requests: only the first is parsed.
        "pipelined": b"\x00" + render("GET", "/_stratus/ready", "", {"host": "h"}, b"") +
                     render("GET", "/_stratus/health", "", {"host": "h"}, b""),
        # A head over the 16 KiB header_limit.
        "oversized_header": b"\x00" + render(
            "GET", "/b/k", "", {"host": "h", "cookie": "a" * (17 * 1024)}, b""),
    }


def sigv4_seeds():
    auth = (f"AWS4-HMAC-SHA256 Credential={KEY_ID}/{DATE}/{REGION}/s3/aws4_request, "
            f"SignedHeaders=host;x-amz-date, Signature={'0' * 64}")
    presigned = (f"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={KEY_ID}%2F{DATE}%2F"
                 f"{REGION}%2Fs3%2Faws4_request&X-Amz-Date={AMZ_DATE}&X-Amz-Expires=300"
                 f"&X-Amz-SignedHeaders=host&X-Amz-Signature={'a' * 64}")
    return {
        "header_auth_s3": bytes([4]) + f"{auth}\n\n/bucket/key".encode(),
        "presigned_query_s3": bytes([4]) + f"\n{presigned}\n/bucket/key".encode(),
        "sign_then_verify": bytes([8]) + b"\nb=2&a=1&a=0\n/a/./b/../c\nx-amz-meta-k: v  v\nContent-Type:text/plain",
        "presign_then_verify_s3": bytes([16 | 4 | 1]) + b"\nprefix=x%2Fy\n/bucket/k%20ey",
        "http_date": bytes([0]) + b"Sun, 22 Nov 2026 05:00:00 GMT\n\n/",
    }


def write(target, seeds):
    out = os.path.join(HERE, target)
    os.makedirs(out, exist_ok=True)
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    write("http_request_fuzz", http_seeds())
    write("sigv4_fuzz", sigv4_seeds())
