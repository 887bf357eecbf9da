#!/usr/bin/python3
"""Bucket, objects and presigned URLs for one server of the S3 benchmark.

Used by bench/s3.sh; runnable on its own:

    bench/s3_prepare.py --endpoint http://127.0.0.1:4566 --access-key AK --secret-key SK \
        --body body.bin --count 2000 --out DIR

Against the S3 endpoint (path-style addressing, SigV4, region us-east-1) it

  * creates the bucket (`--bucket`, default "bench");
  * uploads `--count` objects get/NNNNN, each with the bytes of `--body`
    (PutObject through boto3, 8 at a time), so the GET scenario reads objects
    that exist;
  * writes presigned URLs, one per line, valid for `--expires` seconds:
      DIR/put.urls    PUT of put/NNNNN (distinct keys, not uploaded here)
      DIR/get.urls    GET of get/NNNNN
      DIR/check.url   GET of put/00000 (to check a PUT run's result)
      DIR/large-put.url, DIR/large-get.url   PUT and GET of large/object

Presigned URLs sign only the Host header and carry no payload hash, so the
server reads the body as UNSIGNED-PAYLOAD. Needs boto3 (Debian python3-boto3).
Exits non-zero with a message on the first failed request.
"""

import argparse
import os
import sys
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--endpoint", required=True)
    ap.add_argument("--access-key", required=True)
    ap.add_argument("--secret-key", required=True)
    ap.add_argument("--region", default="us-east-1")
    ap.add_argument("--bucket", default="bench")
    ap.add_argument("--body", required=True, help="file whose bytes every uploaded object holds")
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--expires", type=int, default=6 * 3600)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    # Loopback only: never route through a proxy from the environment.
    for k in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        os.environ.pop(k, None)

    s3 = boto3.client(
        "s3",
        endpoint_url=a.endpoint,
        region_name=a.region,
        aws_access_key_id=a.access_key,
        aws_secret_access_key=a.secret_key,
        config=Config(
            signature_version="s3v4",
            s3={"addressing_style": "path"},
            retries={"max_attempts": 1},
            max_pool_connections=8,
            connect_timeout=10,
            read_timeout=60,
        ),
    )
    body = open(a.body, "rb").read()

    s3.create_bucket(Bucket=a.bucket)

    def put(i):
        s3.put_object(Bucket=a.bucket, Key=f"get/{i:05d}", Body=body)

    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in pool.map(put, range(a.count)):
            pass

    def presign(method, key):
        return s3.generate_presigned_url(
            method, Params={"Bucket": a.bucket, "Key": key}, ExpiresIn=a.expires
        )

    os.makedirs(a.out, exist_ok=True)

    def write(name, lines):
        with open(os.path.join(a.out, name), "w") as f:
            f.write("".join(line + "\n" for line in lines))

    write("put.urls", (presign("put_object", f"put/{i:05d}") for i in range(a.count)))
    write("get.urls", (presign("get_object", f"get/{i:05d}") for i in range(a.count)))
    write("check.url", [presign("get_object", "put/00000")])
    write("large-put.url", [presign("put_object", "large/object")])
    write("large-get.url", [presign("get_object", "large/object")])
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:  # one line for the log, not a traceback
        sys.exit(f"s3_prepare: {type(e).__name__}: {e}")
