"""Test harness: starts the built `stratus` binary on free loopback ports with a
temporary data directory, waits until every region is ready, and stops it.

The binary is $STRATUS_BIN, else build/stratus in the repository.
"""

import os
import signal
import socket
import subprocess
import time
import urllib.request

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("STRATUS_BIN", os.path.join(ROOT, "build", "stratus"))

ACCESS_KEY = "AKIAE2ETESTADMIN0001"
SECRET_KEY = "e2eSecretKeyForStratusTests0123456789abc"


def free_ports(n):
    """n distinct free loopback ports: all sockets stay bound until every port is
    chosen, so the kernel cannot hand out the same port twice."""
    socks = []
    try:
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            socks.append(s)
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def free_port():
    return free_ports(1)[0]


def self_signed(directory, name="tls"):
    """A certificate for 127.0.0.1 (and localhost) with its key: (cert path, key path)."""
    cert, key = os.path.join(directory, f"{name}-cert.pem"), os.path.join(directory, f"{name}-key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    return cert, key


class Stratus:
    """One stratus process serving `regions` from a config it writes."""

    def __init__(self, workdir, regions, limits=None, secret=SECRET_KEY, extra="", env=None, region_extra=None):
        """`region_extra` maps a region to TOML text written right after its
        [[regions]] table (its [[regions.functions]], ...)."""
        self.workdir = str(workdir)
        os.makedirs(self.workdir, exist_ok=True)
        self.data = os.path.join(self.workdir, "data")
        self.config = os.path.join(self.workdir, "stratus.toml")
        ports = iter(free_ports(2 * len(regions)))
        self.regions = {name: {"aws": next(ports), "app": next(ports)} for name in regions}
        self.proc = None
        self.stdout_path = os.path.join(self.workdir, "stdout.log")
        self.stderr_path = os.path.join(self.workdir, "stderr.log")
        self.env = env
        lines = ['[server]', 'log_level = "info"', 'threads = 2', '']
        lines += ["[limits]"] + [f"{k} = {v}" for k, v in (limits or {}).items()] + [""]
        lines += ["[admin]", f'access_key_id = "{ACCESS_KEY}"']
        if secret:
            lines.append(f'secret_access_key = "{secret}"')
        for name, ports in self.regions.items():
            lines += ["", "[[regions]]", f'name = "{name}"',
                      f'endpoint = "127.0.0.1:{ports["aws"]}"',
                      f'app_endpoint = "127.0.0.1:{ports["app"]}"']
            if region_extra and name in region_extra:
                lines += ["", region_extra[name]]
        lines += ["", extra]
        with open(self.config, "w") as f:
            f.write("\n".join(lines) + "\n")

    @classmethod
    def from_file(cls, workdir, path, secret=SECRET_KEY):
        """A stratus serving the config file at `path` (the default stack, say)
        as it is, but on free ports and with the test's administrator key."""
        import re
        import tomllib
        with open(path, "rb") as f:
            regions = [r["name"] for r in tomllib.load(f)["regions"]]
        self = cls(workdir, regions, secret=secret)
        with open(path) as f:
            text = f.read()
        ports = iter(p for name in regions for p in (self.regions[name]["aws"], self.regions[name]["app"]))
        text = re.sub(r'^(endpoint|app_endpoint) = "127\.0\.0\.1:\d+"',
                      lambda m: f'{m.group(1)} = "127.0.0.1:{next(ports)}"', text, flags=re.M)
        admin = f'access_key_id = "{ACCESS_KEY}"' + (f'\nsecret_access_key = "{secret}"' if secret else "")
        text = re.sub(r'^access_key_id = ".*"$', admin, text, count=1, flags=re.M)
        with open(self.config, "w") as f:
            f.write(text)
        return self

    # Set to a CA file when the config serves HTTPS ([tls]): endpoints are
    # https:// and readiness is checked against it.
    ca = None

    def endpoint(self, region, listener="aws"):
        scheme = "https" if self.ca else "http"
        return f"{scheme}://127.0.0.1:{self.regions[region][listener]}"

    def start(self, timeout=15):
        self.stdout = open(self.stdout_path, "ab")
        self.stderr = open(self.stderr_path, "ab")
        self.proc = subprocess.Popen(
            [BINARY, "serve", "--config", self.config, "--data", self.data],
            stdout=self.stdout, stderr=self.stderr, cwd=self.workdir,
            env=None if self.env is None else {**os.environ, **self.env})
        deadline = time.time() + timeout
        for region in self.regions:
            while True:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"stratus exited with {self.proc.returncode}: {self.logs()}")
                try:
                    context = None
                    if self.ca:
                        import ssl
                        context = ssl.create_default_context(cafile=self.ca)
                    with urllib.request.urlopen(self.endpoint(region) + "/_stratus/ready", timeout=1,
                                                context=context) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if time.time() > deadline:
                    raise RuntimeError(f"region {region} not ready in {timeout}s: {self.logs()}")
                time.sleep(0.02)
        return self

    def stop(self, sig=signal.SIGTERM, timeout=20):
        """Sends `sig` and waits; returns the exit code."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=timeout)
        finally:
            self.stdout.close()
            self.stderr.close()

    def kill9(self):
        self.proc.kill()
        self.proc.wait()
        self.stdout.close()
        self.stderr.close()

    def logs(self):
        out = []
        for p in (self.stdout_path, self.stderr_path):
            if os.path.exists(p):
                with open(p, "rb") as f:
                    out.append(f.read().decode(errors="replace")[-4000:])
        return "\n".join(out)

    def metrics(self, region):
        """Parses /_stratus/metrics into {(name, frozenset(labels)): value}."""
        with urllib.request.urlopen(self.endpoint(region) + "/_stratus/metrics", timeout=5) as r:
            text = r.read().decode()
        return parse_prometheus(text)


def wait_for(predicate, timeout, interval=0.2, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def parse_prometheus(text):
    series = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        name_labels, value = line.rsplit(" ", 1)
        if "{" in name_labels:
            name, rest = name_labels.split("{", 1)
            labels = []
            for part in split_labels(rest.rstrip("}")):
                k, v = part.split("=", 1)
                labels.append((k, v.strip('"')))
        else:
            name, labels = name_labels, []
        series[(name, frozenset(labels))] = float(value)
    return series


def split_labels(s):
    parts, cur, quoted = [], "", False
    for ch in s:
        if ch == '"':
            quoted = not quoted
        if ch == "," and not quoted:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    if cur:
        parts.append(cur)
    return parts


def metric(series, name, **labels):
    """Sum of the series named `name` whose labels include `labels`."""
    want = set(labels.items())
    return sum(v for (n, ls), v in series.items() if n == name and want <= set(ls))


@pytest.fixture
def stratus_factory(tmp_path):
    started = []

    def make(regions=("ap-south-1", "ap-southeast-1"), limits=None, secret=SECRET_KEY, subdir="s",
             extra="", env=None, region_extra=None):
        os.makedirs(tmp_path / subdir, exist_ok=True)
        s = Stratus(tmp_path / subdir, regions, limits, secret, extra, env, region_extra)
        started.append(s)
        return s

    yield make
    for s in started:
        if s.proc is not None and s.proc.poll() is None:
            s.kill9()


@pytest.fixture
def stratus(stratus_factory):
    """Two regions, started."""
    return stratus_factory().start()


@pytest.fixture
def aws_env(monkeypatch):
    """Environment for aws CLI subprocesses: our credentials, no user config."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "AWS_PAGER": "",
    })
    return env


# S3 helpers: clients for Debian's boto3 and raw SigV4-signed requests for what
# clients refuse to send (malformed bodies, wrong payload hashes, cut-off bodies).

def s3_client(stratus, region="ap-south-1", endpoint=None, **config):
    import boto3
    import botocore.config
    config.setdefault("retries", {"max_attempts": 1})
    config.setdefault("read_timeout", 120)
    return boto3.client("s3", endpoint_url=endpoint or stratus.endpoint(region), region_name=region,
                        aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
                        config=botocore.config.Config(**config))


def make_bucket(s3, name):
    region = s3.meta.region_name
    kw = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    s3.create_bucket(Bucket=name, **kw)
    return name


def sigv4_headers(stratus, region, method, path, query=(), headers=None, body=b"",
                  payload_hash=None, service="s3"):
    """Headers (with Authorization) for `method` on the encoded `path` and `query`
    pairs. `payload_hash` is sent as x-amz-content-sha256 (default: the body's hash;
    False: no such header). Returns (headers, target)."""
    import datetime
    import hashlib
    import hmac
    from urllib.parse import quote
    host = f"127.0.0.1:{stratus.regions[region]['aws']}"
    now = datetime.datetime.now(datetime.timezone.utc)
    amz_date, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
    hdrs = {k.lower(): str(v) for k, v in (headers or {}).items()}
    hdrs.setdefault("host", host)
    hdrs["x-amz-date"] = amz_date
    if payload_hash is None:
        payload_hash = hashlib.sha256(body).hexdigest()
    if payload_hash is not False:
        hdrs["x-amz-content-sha256"] = payload_hash
    pairs = sorted((quote(k, safe="-_.~"), quote(str(v), safe="-_.~")) for k, v in query)
    qs = "&".join(f"{k}={v}" for k, v in pairs)
    signed = sorted(hdrs)
    canonical = "\n".join([method, path, qs, "".join(f"{h}:{' '.join(hdrs[h].split())}\n" for h in signed),
                           ";".join(signed), payload_hash or hashlib.sha256(body).hexdigest()])
    scope = f"{day}/{region}/{service}/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + SECRET_KEY).encode()
    for part in (day, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    sig = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    hdrs["authorization"] = (f"AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/{scope}, "
                             f"SignedHeaders={';'.join(signed)}, Signature={sig}")
    return hdrs, path + ("?" + qs if qs else "")


def s3_request(stratus, method, path, query=(), headers=None, body=b"", payload_hash=None,
               region="ap-south-1"):
    """A signed request; returns (status, {lowercase header: value}, body bytes)."""
    import http.client
    hdrs, target = sigv4_headers(stratus, region, method, path, query, headers, body, payload_hash)
    hdrs.setdefault("content-length", str(len(body)))
    conn = http.client.HTTPConnection("127.0.0.1", stratus.regions[region]["aws"], timeout=60)
    try:
        conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
        for k, v in hdrs.items():
            conn.putheader(k, v)
        conn.endheaders(body)
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


def s3_error(body):
    """{'Code':..., 'Message':..., 'RequestId':..., ...} of an S3 XML error body."""
    import xml.etree.ElementTree as ET
    root = ET.fromstring(body)
    assert root.tag == "Error", body
    return {child.tag: child.text for child in root}
