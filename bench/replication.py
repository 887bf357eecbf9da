#!/usr/bin/python3
"""Replication benchmark (see bench/README.md). Run by `bench/run replication`
and, with everything else, by `bench/run` / `make bench`.

Two stratus processes on loopback: the primary (ap-south-1) replicates bucket
`main` to `replica` in the replica process (ap-southeast-1). wrk replays
presigned 4 KiB PUTs (bench/s3_replay.lua) at 2 threads x 32 connections.

  1. Peer: the same PUT load on an unreplicated versioned bucket of the same
     primary, then on `main`: PUT/s with replication over PUT/s without.
  2. Lag: during the replicated run, the replication latency histogram (a
     write's commit to the replica's acknowledgement) gives p50/p99.
  3. Drain: the replica process is stopped, PUTs run for BENCH_REPL_OUTAGE
     seconds, the replica starts again; backlog entries / time to empty.
  4. Large objects: with the replica stopped, BENCH_REPL_LARGE_MIB MiB of
     256 MiB objects are uploaded; replica started; bytes / time to empty.

Environment: BENCH_SECONDS (60), BENCH_REPL_OUTAGE (60; the issue's 5-minute
outage is 300), BENCH_REPL_LARGE_MIB (1024), STRATUS (build/stratus),
BENCH_KEEP=1 keeps the scratch directory. Writes bench/results/replication.md.
Exit 0 when the benchmark ran (goals met or not), 2 when it cannot run.
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import boto3
import botocore.config

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
SECONDS = int(os.environ.get("BENCH_SECONDS", "60"))
OUTAGE = int(os.environ.get("BENCH_REPL_OUTAGE", "60"))
LARGE_MIB = int(os.environ.get("BENCH_REPL_LARGE_MIB", "1024"))
STRATUS = os.environ.get("STRATUS", os.path.join(ROOT, "build", "stratus"))
AK, SK = "AKIASTRATUSBENCH0001", "stratus-bench-secret-0123456789abcdef"
PRIMARY, REPLICA = "ap-south-1", "ap-southeast-1"
URLS = 20000
PACED = 2000
PACED_DELAY_MS = int(os.environ.get("BENCH_REPL_DELAY_MS", "8"))  # 32 conns → ~2,000/s here

for k in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
    os.environ.pop(k, None)


def log(msg):
    print(f"bench: {msg}", file=sys.stderr, flush=True)


def die(msg):
    log(f"error: {msg}")
    sys.exit(2)


def free_ports(n):
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


class Server:
    def __init__(self, workdir, region, extra=""):
        self.dir = os.path.join(workdir, region)
        os.makedirs(self.dir, exist_ok=True)
        self.region = region
        self.port, app = free_ports(2)
        self.config = os.path.join(self.dir, "stratus.toml")
        with open(self.config, "w") as f:
            f.write(f'[server]\nlog_level = "warn"\naccess_log = "off"\n\n[admin]\n'
                    f'access_key_id = "{AK}"\nsecret_access_key = "{SK}"\n\n'
                    f'[[regions]]\nname = "{region}"\nendpoint = "127.0.0.1:{self.port}"\n'
                    f'app_endpoint = "127.0.0.1:{app}"\n\n{extra}\n')
        self.proc = None

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self.log = open(os.path.join(self.dir, "stderr.log"), "ab")
        self.proc = subprocess.Popen([STRATUS, "serve", "--config", self.config, "--data",
                                      os.path.join(self.dir, "data")],
                                     stdout=subprocess.DEVNULL, stderr=self.log)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.endpoint + "/_stratus/ready", timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.05)
        die(f"{self.region} did not start")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=60)
        self.proc = None

    def get(self, path):
        with urllib.request.urlopen(self.endpoint + path, timeout=10) as r:
            return r.read().decode()


def client(server):
    return boto3.client("s3", endpoint_url=server.endpoint, region_name=server.region,
                        aws_access_key_id=AK, aws_secret_access_key=SK,
                        config=botocore.config.Config(s3={"addressing_style": "path"},
                                                      retries={"max_attempts": 1}))


def histogram(server, name):
    """{upper bound: cumulative count} of a histogram on the server's metrics."""
    out = {}
    for line in server.get("/_stratus/metrics").splitlines():
        m = re.match(rf'{name}_bucket\{{.*le="([^"]+)".*\}} (\S+)', line)
        if m:
            le = float("inf") if m.group(1) == "+Inf" else float(m.group(1))
            out[le] = out.get(le, 0) + float(m.group(2))
    return out


def quantile(before, after, q):
    """Upper bound of the bucket holding quantile q of the observations between snapshots."""
    bounds = sorted(after)
    counts = [after[b] - before.get(b, 0) for b in bounds]
    total = counts[-1] if counts else 0
    if total == 0:
        return None
    for b, c in zip(bounds, counts):
        if c >= q * total:
            return b
    return bounds[-1]


def pending(server):
    return json.loads(server.get("/_stratus/replication"))["pending"]


def wrk(server, urls_file, body_file, seconds, raw, delay_ms=None):
    extra = [str(delay_ms)] if delay_ms is not None else []
    out = subprocess.run(["wrk", "-t2", "-c32", f"-d{seconds}s", "--latency", server.endpoint,
                          "-s", os.path.join(BENCH, "s3_replay.lua"), "--", urls_file, "PUT", "2",
                          body_file] + extra, capture_output=True, text=True, timeout=seconds + 60)
    with open(raw, "w") as f:
        f.write(out.stdout + out.stderr)
    m = re.search(r"Requests/sec:\s+([\d.]+)", out.stdout)
    if out.returncode != 0 or not m:
        die(f"wrk failed: {out.stdout}{out.stderr}")
    if "Non-2xx" in out.stdout or "Socket errors" in out.stdout:
        die(f"wrk saw errors (see {raw})")
    return float(m.group(1))


def presign(s3, bucket, prefix, path):
    with open(path, "w") as f:
        for i in range(URLS):
            f.write(s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": f"{prefix}/{i:05d}"},
                                              ExpiresIn=6 * 3600) + "\n")


def drain(primary, what):
    start = time.time()
    while pending(primary) > 0:
        if time.time() - start > 1800:
            die(f"{what}: backlog did not drain in 30 minutes")
        time.sleep(0.05)
    return time.time() - start


def main():
    if not shutil.which("wrk"):
        die("wrk is not installed (scripts/setup installs it)")
    work = tempfile.mkdtemp(prefix="stratus-bench-repl-")
    results = os.path.join(BENCH, "results")
    os.makedirs(results, exist_ok=True)
    replica = Server(work, REPLICA)
    primary = Server(work, PRIMARY, f'[replication]\nworkers = 32\n\n[[replication.endpoints]]\n'
                                    f'region = "{REPLICA}"\nendpoint = "127.0.0.1:{replica.port}"\n')
    try:
        replica.start()
        primary.start()
        src, dst = client(primary), client(replica)
        for s3, bucket, region in ((src, "plain", PRIMARY), (src, "main", PRIMARY), (dst, "replica", REPLICA)):
            s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
            s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        src.put_bucket_replication(Bucket="main", ReplicationConfiguration={
            "Role": "arn:aws:iam::000000000000:role/bench",
            "Rules": [{"ID": "all", "Priority": 1, "Status": "Enabled", "Filter": {},
                       "DeleteMarkerReplication": {"Status": "Disabled"},
                       "Destination": {"Bucket": f"arn:aws:s3:{REPLICA}::replica"}}]})
        body = os.path.join(work, "body")
        with open(body, "wb") as f:
            f.write(os.urandom(4096))
        log("presigning URLs")
        presign(src, "plain", "put", os.path.join(work, "plain.urls"))
        presign(src, "main", "put", os.path.join(work, "main.urls"))

        log(f"PUT 4 KiB, unreplicated bucket, {SECONDS} s")
        plain_rps = wrk(primary, os.path.join(work, "plain.urls"), body, SECONDS,
                        os.path.join(results, "replication-plain.txt"))
        before = histogram(primary, "stratus_replication_latency_seconds")
        log(f"PUT 4 KiB, replicated bucket, {SECONDS} s")
        main_rps = wrk(primary, os.path.join(work, "main.urls"), body, SECONDS,
                       os.path.join(results, "replication-main.txt"))
        backlog_at_end = pending(primary)
        tail = drain(primary, "replicated run")
        after = histogram(primary, "stratus_replication_latency_seconds")
        p50, p99 = quantile(before, after, 0.5), quantile(before, after, 0.99)

        # The goal's condition: about 2,000 PUT/s offered (32 connections, each
        # waiting DELAY between requests), lag measured the same way.
        log(f"PUT 4 KiB, replicated bucket, paced to about {PACED} PUT/s, {SECONDS} s")
        before = histogram(primary, "stratus_replication_latency_seconds")
        paced_rps = wrk(primary, os.path.join(work, "main.urls"), body, SECONDS,
                        os.path.join(results, "replication-paced.txt"), delay_ms=PACED_DELAY_MS)
        drain(primary, "paced run")
        after = histogram(primary, "stratus_replication_latency_seconds")
        paced_p50, paced_p99 = quantile(before, after, 0.5), quantile(before, after, 0.99)

        log(f"replica down, PUT for {OUTAGE} s")
        replica.stop()
        wrk(primary, os.path.join(work, "main.urls"), body, OUTAGE,
            os.path.join(results, "replication-outage.txt"))
        backlog = pending(primary)
        replica.start()
        drain_s = drain(primary, "outage")
        drain_rate = backlog / drain_s if drain_s > 0 else float("inf")

        log(f"replica down, {LARGE_MIB} MiB of 256 MiB objects")
        replica.stop()
        big = os.path.join(work, "big")
        chunk = os.urandom(1 << 20)
        with open(big, "wb") as f:
            for _ in range(min(256, LARGE_MIB)):
                f.write(chunk)
        size = os.path.getsize(big)
        n = max(1, LARGE_MIB // 256)
        import boto3.s3.transfer
        cfg = boto3.s3.transfer.TransferConfig(multipart_chunksize=64 << 20, max_concurrency=4)
        for i in range(n):
            src.upload_file(big, "main", f"large/{i}", Config=cfg)
        replica.start()
        large_s = drain(primary, "large objects")
        large_mbps = n * size / large_s / (1 << 20)

        goal_lag = ((p99 is not None and p99 <= 1.0 and main_rps >= 2000) or
                    (paced_p99 is not None and paced_p99 <= 1.0 and paced_rps >= 2000))
        lines = [
            "# Replication benchmark",
            "",
            f"Two stratus processes on loopback (2 cores shared with the load generator); "
            f"wrk -t2 -c32 presigned 4 KiB PUTs; {SECONDS} s runs.",
            "",
            "| measure | value | goal |",
            "| --- | --- | --- |",
            f"| PUT/s, unreplicated bucket (peer) | {plain_rps:.0f} | |",
            f"| PUT/s, replicated bucket, full rate | {main_rps:.0f} | |",
            f"| ratio replicated / unreplicated | {main_rps / plain_rps:.2f}× | |",
            f"| replication lag p50 / p99 at that full rate (histogram bucket bounds) | ≤ {p50} s / ≤ {p99} s | |",
            f"| PUT/s, replicated bucket, paced (32 connections, {PACED_DELAY_MS} ms between requests) | {paced_rps:.0f} | ≥ 2,000 |",
            f"| replication lag p50 / p99 when paced | ≤ {paced_p50} s / ≤ {paced_p99} s | p99 < 1 s |",
            f"| backlog when the load stopped; time to empty | {backlog_at_end}; {tail:.1f} s | |",
            f"| drain after a {OUTAGE} s outage | {backlog} objects in {drain_s:.1f} s = {drain_rate:.0f} objects/s | ≥ 5,000/s |",
            f"| large objects ({n} × {size >> 20} MiB after an outage) | {large_mbps:.0f} MiB/s | |",
            "",
            f"Lag goal (p99 < 1 s at ≥ 2,000 PUT/s): {'met' if goal_lag else 'not met'}. "
            f"Drain goal (≥ 5,000 objects/s): {'met' if drain_rate >= 5000 else 'not met'}.",
        ]
        text = "\n".join(lines) + "\n"
        with open(os.path.join(results, "replication.md"), "w") as f:
            f.write(text)
        print(text)
    finally:
        primary.stop()
        replica.stop()
        if os.environ.get("BENCH_KEEP") != "1":
            shutil.rmtree(work, ignore_errors=True)
        else:
            log(f"kept {work}")


if __name__ == "__main__":
    main()
