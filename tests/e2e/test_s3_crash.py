"""Crash consistency: kill -9 during 200 concurrent PUTs, restart on the same
data directory, and check that every acknowledged PUT survived intact and that
nothing partial is visible."""

import hashlib
import os
import threading

import botocore.exceptions

from conftest import make_bucket, s3_client

REGION = "ap-south-1"
N = 200
SIZE = 64 * 1024


def test_kill_9_during_concurrent_puts(stratus_factory):
    s = stratus_factory(regions=(REGION,)).start()
    s3 = s3_client(s, max_pool_connections=N + 10, connect_timeout=5, read_timeout=30,
                   retries={"max_attempts": 1})
    make_bucket(s3, "crash")
    bodies = {f"obj/{i:03d}": os.urandom(SIZE) for i in range(N)}
    acked, failed = {}, {}
    lock = threading.Lock()
    half = threading.Event()
    go = threading.Barrier(N + 1)

    def put(key):
        go.wait()
        try:
            r = s3.put_object(Bucket="crash", Key=key, Body=bodies[key])
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
            with lock:
                failed[key] = repr(e)
            return
        with lock:
            acked[key] = r["ETag"]
            if len(acked) >= N // 2:
                half.set()

    threads = [threading.Thread(target=put, args=(k,)) for k in bodies]
    for t in threads:
        t.start()
    go.wait()
    assert half.wait(timeout=60), f"only {len(acked)} PUTs acknowledged; failures: {list(failed.values())[:3]}"
    s.kill9()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    acked_at_kill = dict(acked)
    assert N // 2 <= len(acked_at_kill) <= N

    s.start()
    s3 = s3_client(s)
    for key, etag in acked_at_kill.items():
        got = s3.get_object(Bucket="crash", Key=key)
        data = got["Body"].read()
        assert data == bodies[key], f"{key}: acknowledged PUT did not survive intact"
        assert got["ETag"] == etag == '"%s"' % hashlib.md5(bodies[key]).hexdigest()
    listed, token = [], {}
    while True:
        page = s3.list_objects_v2(Bucket="crash", **token)
        listed += page.get("Contents", [])
        if not page["IsTruncated"]:
            break
        token = {"ContinuationToken": page["NextContinuationToken"]}
    listed_keys = {o["Key"] for o in listed}
    assert set(acked_at_kill) <= listed_keys
    assert listed_keys <= set(bodies)
    for o in listed:
        assert o["Size"] == SIZE, o
        assert o["ETag"] == '"%s"' % hashlib.md5(bodies[o["Key"]]).hexdigest(), o
        assert s3.get_object(Bucket="crash", Key=o["Key"])["Body"].read() == bodies[o["Key"]]
    # Keys not listed are wholly absent, and the region still takes writes.
    for key in set(bodies) - listed_keys:
        try:
            s3.head_object(Bucket="crash", Key=key)
            raise AssertionError(f"{key} is readable but not listed")
        except botocore.exceptions.ClientError as e:
            assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    s3.put_object(Bucket="crash", Key="after", Body=b"after restart")
    assert s3.get_object(Bucket="crash", Key="after")["Body"].read() == b"after restart"
    print(f"acknowledged before kill: {len(acked_at_kill)}, listed after restart: {len(listed_keys)}")
