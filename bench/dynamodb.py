#!/usr/bin/python3
"""DynamoDB benchmark, stratus vs dynalite (see bench/README.md). Run by
`bench/run dynamodb` and, with everything else, by `bench/run` / `make bench`.

Both servers get the same table (pk S HASH, sk N RANGE), the same ~200-byte
items (S, N, BOOL, L and M attributes) and the same load: wrk replays
SigV4-signed raw requests (bench/dynamodb_replay.lua) for
  PutItem   distinct items (the list cycles: later rounds overwrite)
  GetItem   existing items, random keys
  Query     a partition of 20 items, Limit 10
at 32 and 64 connections, alternating servers, BENCH_ROUNDS rounds; reports
median ops/s and p99 latency and the ratio stratus/dynalite. A run with any
socket error or non-2xx response fails: the benchmark never reports the speed
of errors. Writes bench/results/dynamodb.md and prints it.

Environment: BENCH_SECONDS (10), BENCH_WARMUP (3), BENCH_ROUNDS (3),
STRATUS (build/stratus), BENCH_KEEP=1 keeps the scratch directory.
Everything listens on 127.0.0.1. Exit 0 when every run was clean (goals met
or not), 1 when a run had errors, 2 when the benchmark cannot run.
"""

import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

import boto3
import botocore.auth
import botocore.awsrequest
import botocore.config
import botocore.credentials

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "3"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
STRATUS = os.environ.get("STRATUS", os.path.join(ROOT, "build", "stratus"))
REGION = "us-east-1"
AK, SK = "AKIASTRATUSBENCH0001", "stratus-bench-secret-0123456789abcdef"
CONNS = (32, 64)
GET_KEYS = 5000
PARTITIONS = 200
PUTS = 100000
THREADS = 2

for k in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
    os.environ.pop(k, None)
os.environ["no_proxy"] = os.environ["NO_PROXY"] = "*"


def log(msg):
    print(f"bench dynamodb: {msg}", file=sys.stderr, flush=True)


def die(msg):
    log("error: " + msg)
    sys.exit(2)


def free_ports(n):
    socks = []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def wait_ready(url, proc, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            die(f"server exited with {proc.returncode}")
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.05)
    die(f"{url} not ready in {seconds}s")


def client(endpoint):
    return boto3.client("dynamodb", endpoint_url=endpoint, region_name=REGION, aws_access_key_id=AK,
                        aws_secret_access_key=SK, config=botocore.config.Config(retries={"max_attempts": 3}))


def item(pk, sk):
    return {"pk": {"S": pk}, "sk": {"N": str(sk)}, "name": {"S": f"sensor {pk} reading {sk}"},
            "temp": {"N": f"{20 + sk % 17}.{sk % 10}"}, "ok": {"BOOL": sk % 2 == 0},
            "tags": {"L": [{"S": "ground"}, {"S": "north"}, {"N": str(sk % 5)}]},
            "meta": {"M": {"firmware": {"S": "1.4.2"}, "battery": {"N": "87"}, "site": {"S": "plant-7"}}},
            "pad": {"S": "x" * 40}}


def setup_table(endpoint):
    c = client(endpoint)
    c.create_table(TableName="bench", BillingMode="PAY_PER_REQUEST",
                   AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                         {"AttributeName": "sk", "AttributeType": "N"}],
                   KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}])
    deadline = time.time() + 30
    while c.describe_table(TableName="bench")["Table"]["TableStatus"] != "ACTIVE":
        if time.time() > deadline:
            die("table not ACTIVE in 30 s")
        time.sleep(0.1)
    batch = []
    rows = [(f"get-{i}", i) for i in range(GET_KEYS)] + [(f"q-{p}", s) for p in range(PARTITIONS) for s in range(20)]
    for pk, sk in rows:
        batch.append({"PutRequest": {"Item": item(pk, sk)}})
        if len(batch) == 25:
            c.batch_write_item(RequestItems={"bench": batch})
            batch = []
    if batch:
        c.batch_write_item(RequestItems={"bench": batch})


def signed(host, target, body):
    data = json.dumps(body, separators=(",", ":"))
    req = botocore.awsrequest.AWSRequest(method="POST", url=f"http://{host}/", data=data, headers={
        "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": f"DynamoDB_20120810.{target}"})
    botocore.auth.SigV4Auth(botocore.credentials.Credentials(AK, SK), "dynamodb", REGION).add_auth(req)
    head = "POST / HTTP/1.1\r\n" + f"Host: {host}\r\n" + "".join(
        f"{k}: {v}\r\n" for k, v in req.headers.items() if k.lower() != "host")
    raw = (head + f"Content-Length: {len(data.encode())}\r\n\r\n").encode() + data.encode()
    return raw


def write_requests(path, host, workload, rng):
    with open(path, "wb") as f:
        if workload == "PutItem":
            bodies = (("PutItem", {"TableName": "bench", "Item": item(f"put-{i % 997}", i)}) for i in range(PUTS))
        elif workload == "GetItem":
            bodies = (("GetItem", {"TableName": "bench", "Key": {"pk": {"S": f"get-{k}"}, "sk": {"N": str(k)}}})
                      for k in (rng.randrange(GET_KEYS) for _ in range(20000)))
        else:
            bodies = (("Query", {"TableName": "bench", "KeyConditionExpression": "pk = :p", "Limit": 10,
                                 "ExpressionAttributeValues": {":p": {"S": f"q-{rng.randrange(PARTITIONS)}"}}})
                      for _ in range(20000))
        for target, body in bodies:
            raw = signed(host, target, body)
            f.write(f"{len(raw)}\n".encode() + raw)


def run_wrk(host, path, conns, seconds):
    cmd = ["wrk", f"-t{THREADS}", f"-c{conns}", f"-d{seconds}s", "--latency", "--timeout", "10s",
           "-s", os.path.join(BENCH, "dynamodb_replay.lua"), f"http://{host}", "--", path, str(THREADS)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    errors = 0
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if m:
        errors += int(m.group(1))
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if m:
        errors += sum(int(x) for x in m.groups())
    return rps, float(p99.group(1)) * scale, errors, out


def main():
    for tool in ("wrk", "node", "npm"):
        if shutil.which(tool) is None:
            die(f"{tool} not found (see bench/README.md)")
    if not os.access(STRATUS, os.X_OK):
        die(f"{STRATUS} not found; build it first (make build)")
    lock = json.load(open(os.path.join(BENCH, "package-lock.json")))
    locked = lock["packages"]["node_modules/dynalite"]["version"]
    pkg = os.path.join(BENCH, "node_modules", "dynalite", "package.json")
    if not os.path.exists(pkg) or json.load(open(pkg))["version"] != locked:
        log(f"installing dynalite {locked} into bench/node_modules (npm ci)")
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=BENCH, check=True, timeout=600)
    work = tempfile.mkdtemp(prefix="stratus-bench-dynamodb.")
    procs = []
    try:
        shutil.copy(STRATUS, os.path.join(work, "stratus"))
        sp, sa, dp = free_ports(3)
        with open(os.path.join(work, "stratus.toml"), "w") as f:
            f.write(f'[server]\nlog_level = "warn"\naccess_log = "off"\n\n[admin]\naccess_key_id = "{AK}"\n'
                    f'secret_access_key = "{SK}"\n\n[[regions]]\nname = "{REGION}"\n'
                    f'endpoint = "127.0.0.1:{sp}"\napp_endpoint = "127.0.0.1:{sa}"\n')
        servers = {}
        p = subprocess.Popen([os.path.join(work, "stratus"), "serve", "--config", os.path.join(work, "stratus.toml"),
                              "--data", os.path.join(work, "stratus-data")],
                             stdout=open(os.path.join(work, "stratus.log"), "w"), stderr=subprocess.STDOUT)
        procs.append(p)
        wait_ready(f"http://127.0.0.1:{sp}/_stratus/ready", p)
        servers["stratus"] = (f"127.0.0.1:{sp}", p)
        p = subprocess.Popen(["node", os.path.join(BENCH, "node_modules", "dynalite", "cli.js"), "--port", str(dp),
                              "--path", os.path.join(work, "dynalite-data"), "--createTableMs", "0",
                              "--deleteTableMs", "0", "--updateTableMs", "0"],
                             stdout=open(os.path.join(work, "dynalite.log"), "w"), stderr=subprocess.STDOUT)
        procs.append(p)
        wait_ready(f"http://127.0.0.1:{dp}/", p)
        servers["dynalite"] = (f"127.0.0.1:{dp}", p)
        for name, (host, _) in servers.items():
            log(f"creating and filling the table on {name}")
            setup_table(f"http://{host}")
        rng = random.Random(7)
        results = {}  # (workload, conns, server) -> [(rps, p99)]
        failed = False
        for workload in ("PutItem", "GetItem", "Query"):
            for conns in CONNS:
                for rnd in range(ROUNDS):
                    for name in (("stratus", "dynalite") if rnd % 2 == 0 else ("dynalite", "stratus")):
                        host, _ = servers[name]
                        path = os.path.join(work, f"{name}-{workload}.req")
                        write_requests(path, host, workload, rng)  # fresh signatures
                        if rnd == 0 and conns == CONNS[0] and WARMUP > 0:
                            run_wrk(host, path, conns, WARMUP)
                        rps, p99, errors, out = run_wrk(host, path, conns, SECONDS)
                        log(f"{workload} c{conns} round {rnd + 1} {name}: {rps:.0f} ops/s, p99 {p99:.2f} ms"
                            + (f", {errors} ERRORS" if errors else ""))
                        if errors:
                            failed = True
                            log(out)
                        results.setdefault((workload, conns, name), []).append((rps, p99))
        lines = [f"# DynamoDB: stratus vs dynalite", "",
                 f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {os.cpu_count()} cores; load before: "
                 f"{os.getloadavg()[0]:.2f}; wrk -t{THREADS}, {SECONDS} s runs, median of {ROUNDS} alternating rounds; "
                 "dynalite on LevelDB (--path; no fsync per write), stratus syncing every write.", "",
                 "| workload | conns | stratus ops/s | dynalite ops/s | ratio | stratus p99 ms | dynalite p99 ms |",
                 "| --- | --- | --- | --- | --- | --- | --- |"]
        for workload in ("PutItem", "GetItem", "Query"):
            for conns in CONNS:
                s = results[(workload, conns, "stratus")]
                d = results[(workload, conns, "dynalite")]
                srps, drps = statistics.median(r for r, _ in s), statistics.median(r for r, _ in d)
                sp99, dp99 = statistics.median(p for _, p in s), statistics.median(p for _, p in d)
                lines.append(f"| {workload} | {conns} | {srps:.0f} | {drps:.0f} | {srps / drps:.2f}x | "
                             f"{sp99:.2f} | {dp99:.2f} |")
        report = "\n".join(lines) + "\n"
        os.makedirs(os.path.join(BENCH, "results"), exist_ok=True)
        with open(os.path.join(BENCH, "results", "dynamodb.md"), "w") as f:
            f.write(report)
        print(report)
        return 1 if failed else 0
    finally:
        for p in procs:
            p.terminate()
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        if os.environ.get("BENCH_KEEP") == "1":
            log(f"scratch directory kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
