"""The two generations of AWS clients found on a machine: Debian's (aws CLI 2.9,
boto3 1.26 in /usr/bin/python3: Query-protocol SQS, MD5 checksums) and a newer
pip-installed one (aws CLI 1.x / boto3 1.4x: JSON-protocol SQS, CRC checksums).
"""

import glob
import os
import shutil
import subprocess

HOME = os.path.expanduser("~")


def _candidates(name):
    seen = []
    for path in [f"/usr/bin/{name}", shutil.which(name), f"{HOME}/.pyenv/shims/{name}",
                 *sorted(glob.glob(f"{HOME}/.pyenv/versions/*/bin/{name}"))]:
        if path and os.path.exists(path) and os.path.realpath(path) not in [os.path.realpath(p) for p in seen]:
            seen.append(path)
    return seen


def aws_clis():
    """[(path, version string)] of distinct aws CLIs, Debian's first."""
    out, versions = [], set()
    for path in _candidates("aws"):
        try:
            v = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            continue
        text = (v.stdout + v.stderr).strip()
        if v.returncode == 0 and text.startswith("aws-cli/") and text.split()[0] not in versions:
            versions.add(text.split()[0])
            out.append((path, text.split()[0]))
    return out


def other_pythons_with_boto3():
    """Python interpreters other than the running one that have boto3."""
    import sys
    out, versions = [], set()
    for path in _candidates("python3"):
        if os.path.realpath(path) == os.path.realpath(sys.executable):
            continue
        try:
            v = subprocess.run([path, "-c", "import boto3; print(boto3.__version__)"],
                               capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if v.returncode == 0 and v.stdout.strip() not in versions:
            versions.add(v.stdout.strip())
            out.append((path, v.stdout.strip()))
    return out


def boto3_generations():
    """[(python, boto3 version)]: the running interpreter's boto3, then the others."""
    import sys
    import boto3
    return [(sys.executable, boto3.__version__)] + other_pythons_with_boto3()


def _crc_table(poly):
    table = []
    for i in range(256):
        crc = i
        for _ in range(8):
            crc = (crc >> 1) ^ poly if crc & 1 else crc >> 1
        table.append(crc)
    return table


_CRC_TABLES = {}


def _crc(data, poly, bits):
    table = _CRC_TABLES.get(poly) or _CRC_TABLES.setdefault(poly, _crc_table(poly))
    mask = (1 << bits) - 1
    crc = mask
    for b in data:
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ mask


def checksum_b64(algorithm, data):
    """The base64 value S3 uses for x-amz-checksum-<algorithm> of `data`."""
    import base64
    import hashlib
    import zlib
    algorithm = algorithm.upper()
    if algorithm == "CRC32":
        raw = zlib.crc32(data).to_bytes(4, "big")
    elif algorithm == "CRC32C":
        raw = _crc(data, 0x82F63B78, 32).to_bytes(4, "big")
    elif algorithm == "CRC64NVME":
        raw = _crc(data, 0x9A6C9329AC4BC9B5, 64).to_bytes(8, "big")
    elif algorithm in ("SHA1", "SHA256"):
        raw = hashlib.new(algorithm.lower(), data).digest()
    else:
        raise ValueError(algorithm)
    return base64.b64encode(raw).decode()


S3_SCRIPT_PRELUDE = r'''
import base64, hashlib, json, os, socket, sys, time, urllib.request, urllib.error
sys.path.insert(0, os.environ["S3_SCRIPT_DIR"])
import boto3, botocore, botocore.config, botocore.exceptions
from clients import checksum_b64
ENDPOINT, REGION, KEY, SECRET = sys.argv[1:5]
ARGS = sys.argv[5:]

def client(endpoint=None, **cfg):
    cfg.setdefault("retries", {"max_attempts": 1})
    return boto3.client("s3", endpoint_url=endpoint or ENDPOINT, region_name=REGION,
                        aws_access_key_id=KEY, aws_secret_access_key=SECRET,
                        config=botocore.config.Config(**cfg))

s3 = client()

def error(fn, **kw):
    """(status, code) of a call that must fail."""
    try:
        fn(**kw)
    except botocore.exceptions.ClientError as e:
        return e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]["Code"]
    raise AssertionError(f"{fn} {kw} succeeded")

def has_param(operation, name):
    return name in s3.meta.service_model.operation_model(operation).input_shape.members

def add_headers(c, operation, headers):
    """Sends extra headers on `operation` (for parameters an older client lacks)."""
    def handler(request, **_):
        for k, v in headers.items():
            request.headers[k] = v
    c.meta.events.register_first(f"before-sign.s3.{operation}", handler)
    return lambda: c.meta.events.unregister(f"before-sign.s3.{operation}", handler)

def http(url, method="GET", data=None, headers=None):
    req = urllib.request.Request(url, method=method, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()

def make_bucket(name, c=None):
    (c or s3).create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    return name
'''


def run_s3_script(python, script, endpoint, region, *args, env=None, timeout=300):
    """Runs S3_SCRIPT_PRELUDE + `script` under `python`; returns its JSON output
    (the last stdout line) or raises with its stderr."""
    import json
    from conftest import ACCESS_KEY, SECRET_KEY
    e = dict(env or os.environ)
    e["S3_SCRIPT_DIR"] = os.path.dirname(os.path.abspath(__file__))
    out = subprocess.run([python, "-c", S3_SCRIPT_PRELUDE + script, endpoint, region, ACCESS_KEY,
                          SECRET_KEY, *map(str, args)], env=e, capture_output=True, text=True,
                         timeout=timeout)
    assert out.returncode == 0, f"{python} failed:\n{out.stderr[-6000:]}"
    lines = out.stdout.strip().splitlines()
    return json.loads(lines[-1]) if lines else None
