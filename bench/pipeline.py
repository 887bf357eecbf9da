#!/usr/bin/python3
"""The seed pipelines under load, on the default stack (config/stratus.toml): uploads
at a sustained rate, half to `main` (seed 000: replica → replica-processor → metadata
item) and half to `documents` (seed 001: replica → EventBridge → validation-queue →
checksum-validator), and the latency of each upload to its end:

  upload → metadata item   the PUT's start to the replica-processor's "Stored metadata"
                           log line (written right after its PutItem succeeded)
  upload → validation      the PUT's start to the checksum-validator's "SUCCESS" line

Both clocks are this machine's wall clock (the log lines carry milliseconds). Uploads
are plain HTTP PUTs with presigned URLs, made in advance, so the client's signing
does not limit the rate.

Then the function invocation overhead: GET /metadata on the application API (API key,
throttle, proxy event, function host, the instance-metadata handler, the proxy
result) against GET /_stratus/health on the same listener (no function), sequential
requests on one keep-alive connection; the p50 difference is the cost of invoking a
function per event.

Knobs: BENCH_PIPELINE_RATE (500 uploads/s), BENCH_PIPELINE_SECONDS (20),
BENCH_PIPELINE_PRODUCERS (8 threads), BENCH_PIPELINE_REQUESTS (2000 per overhead
route), STRATUS (build/stratus), BENCH_KEEP=1. Writes bench/results/pipeline.md.
Exit 0 when every upload reached both ends (goal met or not), 1 otherwise, 2 when
the benchmark cannot run.
"""

import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from datetime import datetime, timezone

import boto3
import botocore.config

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RATE = float(os.environ.get("BENCH_PIPELINE_RATE", "500"))
SECONDS = float(os.environ.get("BENCH_PIPELINE_SECONDS", "20"))
PRODUCERS = int(os.environ.get("BENCH_PIPELINE_PRODUCERS", "8"))
REQUESTS = int(os.environ.get("BENCH_PIPELINE_REQUESTS", "2000"))
STRATUS = os.environ.get("STRATUS", os.path.join(ROOT, "build", "stratus"))
PRIMARY, REPLICA = "ap-south-1", "ap-southeast-1"
AK, SK = "AKIASTRATUSBENCH0001", "stratus-bench-secret-0123456789abcdef"
API_KEY = "bench-api-key-0123456789abcdef"
GOAL_MS = 1000.0
TAIL_SECONDS = 60
BODY = b"p" * 4096

[os.environ.pop(k, None) for k in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY")]
os.environ["no_proxy"] = os.environ["NO_PROXY"] = "*"


def log(msg):
    print(f"bench pipeline: {msg}", file=sys.stderr, flush=True)


def die(msg):
    log("error: " + msg)
    sys.exit(2)


def free_ports(n):
    socks = [socket.socket() for _ in range(n)]
    [s.bind(("127.0.0.1", 0)) for s in socks]
    ports = [s.getsockname()[1] for s in socks]
    [s.close() for s in socks]
    return ports


def pct(values, q):
    s = sorted(values)
    return s[min(len(s) - 1, max(0, int(round(q / 100 * len(s) + 0.5)) - 1))]


def summary(v):
    return {q: pct(v, n) if v else float("nan") for q, n in (("p50", 50), ("p90", 90), ("p99", 99), ("max", 100))}


def stack_config(work):
    """config/stratus.toml on free ports, the bench's keys, quiet logs, no throttle."""
    with open(os.path.join(ROOT, "config", "stratus.toml")) as f:
        text = f.read()
    ports = iter(free_ports(10))
    text = re.sub(r'^(endpoint|app_endpoint) = "127\.0\.0\.1:\d+"', lambda m: f'{m.group(1)} = "127.0.0.1:{next(ports)}"',
                  text, flags=re.M)
    text = re.sub(r'^access_key_id = ".*"$', f'access_key_id = "{AK}"\nsecret_access_key = "{SK}"', text, count=1,
                  flags=re.M)
    text = text.replace('log_level = "info"', 'log_level = "warn"').replace('access_log = "access.log"',
                                                                            'access_log = "off"')
    text = re.sub(r"^rate_per_second = \d+", "rate_per_second = 100000", text, flags=re.M)
    text = re.sub(r"^burst = \d+", f'burst = 100000\napi_keys = ["{API_KEY}"]', text, flags=re.M)
    path = os.path.join(work, "stratus.toml")
    with open(path, "w") as f:
        f.write(text)
    endpoints = dict(re.findall(r'^name = "([a-z0-9-]+)"\nendpoint = "127\.0\.0\.1:(\d+)"', text, flags=re.M))
    apps = dict(re.findall(r'^name = "([a-z0-9-]+)"\nendpoint = "[^"]+"\napp_endpoint = "127\.0\.0\.1:(\d+)"', text,
                           flags=re.M))
    return path, {r: int(p) for r, p in endpoints.items()}, {r: int(p) for r, p in apps.items()}


def log_times(path, pattern):
    """{key: unix seconds} of the function log lines matching `pattern` (group 1 = key)."""
    out = {}
    try:
        with open(path) as f:
            for line in f:
                m = pattern.search(line)
                if m:
                    ts = datetime.strptime(line[:23], "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=timezone.utc)
                    out.setdefault(urllib.parse.unquote(m.group(1)), ts.timestamp())
    except FileNotFoundError:
        pass
    return out


def uploads(endpoint, n):
    """n presigned PUTs: (bucket, key, path) alternating main / documents."""
    s3 = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{endpoint}", region_name=PRIMARY,
                      aws_access_key_id=AK, aws_secret_access_key=SK,
                      config=botocore.config.Config(signature_version="s3v4"))
    out = []
    for i in range(n):
        bucket = "main" if i % 2 == 0 else "documents"
        key = f"bench/{i:06d}.bin"
        url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=3600)
        out.append((bucket, key, url[url.index("/", len("http://")):]))
    return out


def load(port, plan):
    """PUT i at t0 + i / RATE from PRODUCERS threads; returns ({key: start wall time}, errors, behind ms)."""
    started, errors, behind = {}, [], [0.0]
    t0 = time.monotonic() + 0.2
    wall0 = time.time() + 0.2

    def produce(j):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for i in range(j, len(plan), PRODUCERS):
            at = t0 + i / RATE
            delay = at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            behind[0] = max(behind[0], (time.monotonic() - at) * 1e3)
            bucket, key, path = plan[i]
            start = wall0 + (time.monotonic() - t0)
            try:
                conn.request("PUT", path, body=BODY)
                r = conn.getresponse()
                r.read()
                if r.status != 200:
                    errors.append(f"PUT {bucket}/{key}: {r.status}")
                    continue
                started[(bucket, key)] = start
            except OSError as e:
                errors.append(f"PUT {bucket}/{key}: {e!r}")
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    threads = [threading.Thread(target=produce, args=(j,)) for j in range(PRODUCERS)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    return started, errors, behind[0], time.monotonic() - t0


def overhead(port):
    """p50/p99 µs of GET /metadata (a function) and GET /_stratus/health (none), sequential."""
    out = {}
    for name, path, headers in (("health", "/_stratus/health", {}), ("function", "/metadata", {"x-api-key": API_KEY})):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        lat = []
        for i in range(REQUESTS + 200):
            t = time.perf_counter()
            conn.request("GET", path, headers=headers)
            r = conn.getresponse()
            r.read()
            if r.status != 200:
                die(f"GET {path}: {r.status}")
            if i >= 200:  # warm-up
                lat.append((time.perf_counter() - t) * 1e6)
        out[name] = summary(lat)
    return out


def main():
    if not os.access(STRATUS, os.X_OK):
        die(f"{STRATUS} not found; build it first (make build)")
    work, proc = tempfile.mkdtemp(prefix="stratus-bench-pipeline."), None
    started_at = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    try:
        binary = os.path.join(work, "stratus")
        shutil.copy(STRATUS, binary)
        git = lambda *a: subprocess.run(["git", "-C", ROOT, *a], capture_output=True, text=True).stdout.strip()
        version = git("rev-parse", "--short", "HEAD") or "unknown commit"
        config, aws, app = stack_config(work)
        data = os.path.join(work, "data")
        proc = subprocess.Popen([binary, "serve", "--config", config, "--data", data],
                                stdout=open(os.path.join(work, "stratus.log"), "w"), stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        for region, port in aws.items():
            while True:
                if proc.poll() is not None or time.time() > deadline:
                    die(f"stratus not ready in 30 s (exit status {proc.poll()})")
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/_stratus/ready", timeout=1)
                    break
                except OSError:
                    time.sleep(0.05)
        n = int(RATE * SECONDS)
        log(f"{n} uploads at {RATE:.0f}/s ({PRODUCERS} producers), half to main, half to documents")
        plan = uploads(aws[PRIMARY], n)
        started, errors, behind_ms, took = load(aws[PRIMARY], plan)
        log(f"sent {len(started)} in {took:.1f} s ({len(started) / took:.0f}/s), {len(errors)} errors; waiting for the ends")
        stored_re = re.compile(r"Stored metadata for s3://main-replica/(\S+) ")
        valid_re = re.compile(r"SUCCESS: Checksum validation passed for s3://documents/(\S+) ")
        stored_log = os.path.join(data, REPLICA, "functions", "replica-processor.log")
        valid_log = os.path.join(data, PRIMARY, "functions", "checksum-validator.log")
        want_main = {k for (b, k) in started if b == "main"}
        want_docs = {k for (b, k) in started if b == "documents"}
        end = time.time() + TAIL_SECONDS
        while time.time() < end:
            stored, valid = log_times(stored_log, stored_re), log_times(valid_log, valid_re)
            if want_main <= stored.keys() and want_docs <= valid.keys():
                break
            time.sleep(0.5)
        stored, valid = log_times(stored_log, stored_re), log_times(valid_log, valid_re)
        lat_meta = [(stored[k] - started[("main", k)]) * 1e3 for k in want_main if k in stored]
        lat_valid = [(valid[k] - started[("documents", k)]) * 1e3 for k in want_docs if k in valid]
        missing = (len(want_main) - len(lat_meta), len(want_docs) - len(lat_valid))
        log("function invocation overhead: GET /metadata vs GET /_stratus/health")
        over = overhead(app[PRIMARY])
    finally:
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        if os.environ.get("BENCH_KEEP") == "1":
            log(f"scratch directory kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    m, v = summary(lat_meta), summary(lat_valid)
    delta = over["function"]["p50"] - over["health"]["p50"]
    met = m["p99"] < GOAL_MS and v["p99"] < GOAL_MS
    lines = [
        "# The seed pipelines under load",
        "",
        f"{started_at}, stratus {version}, default stack, {len(started)} uploads of 4 KiB at "
        f"{len(started) / took:.0f}/s sustained for {took:.1f} s ({PRODUCERS} producers; at most "
        f"{behind_ms:.0f} ms behind schedule), half to `main`, half to `documents`. "
        f"{len(errors)} upload errors; {missing[0]} metadata items and {missing[1]} validations "
        f"missing after {TAIL_SECONDS} s.",
        "",
        "| path | p50 | p90 | p99 | max |",
        "| --- | ---: | ---: | ---: | ---: |",
        "| upload → metadata item (seed 000) | {p50:.0f} ms | {p90:.0f} ms | {p99:.0f} ms | {max:.0f} ms |".format(**m),
        "| upload → validation SUCCESS (seed 001) | {p50:.0f} ms | {p90:.0f} ms | {p99:.0f} ms | {max:.0f} ms |".format(**v),
        "",
        f"Goal p99 < {GOAL_MS:.0f} ms for both: {'met' if met else 'not met'}.",
        "",
        f"Function invocation overhead ({REQUESTS} sequential requests each, one connection):",
        "",
        "| request | p50 | p99 |",
        "| --- | ---: | ---: |",
        "| GET /_stratus/health (no function) | {p50:.0f} µs | {p99:.0f} µs |".format(**over["health"]),
        "| GET /metadata (instance-metadata function) | {p50:.0f} µs | {p99:.0f} µs |".format(**over["function"]),
        "",
        f"Invoking a function costs {delta:.0f} µs per event at p50 "
        f"({over['function']['p50'] / over['health']['p50']:.2f}× the bare request).",
        "",
    ]
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    with open(os.path.join(ROOT, "bench", "results", "pipeline.md"), "w") as f:
        f.write("\n".join(lines))
    print("\n".join(lines))
    if errors:
        log("first errors: " + "; ".join(errors[:5]))
    return 0 if not errors and missing == (0, 0) else 1


if __name__ == "__main__":
    sys.exit(main())
