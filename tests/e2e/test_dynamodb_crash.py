"""Crash consistency for DynamoDB: kill -9 during a burst of TransactWriteItems
from several threads, restart on the same data directory, and check that every
acknowledged transaction is fully present and no transaction is partly present."""

import collections
import threading

import botocore.exceptions

from test_dynamodb import ddb_client, make_table

REGION = "ap-south-1"
THREADS = 8
PER_THREAD = 400


def test_kill_9_during_transaction_burst(stratus_factory):
    s = stratus_factory(regions=(REGION,)).start()
    ddb = ddb_client(s, max_pool_connections=THREADS + 4, connect_timeout=5, read_timeout=30)
    make_table(ddb, "ledger", range_key=None)
    acked = set()
    lock = threading.Lock()
    enough = threading.Event()

    def burst(t):
        for n in range(PER_THREAD):
            tx = f"tx-{t}-{n}"
            items = [{"Put": {"TableName": "ledger", "Item": {"pk": {"S": f"{tx}/{part}"}, "tx": {"S": tx},
                                                              "parts": {"N": str(2 + n % 2)}}}}
                     for part in range(2 + n % 2)]
            try:
                ddb.transact_write_items(TransactItems=items)
            except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError):
                return
            with lock:
                acked.add(tx)
                if len(acked) >= 300:
                    enough.set()

    threads = [threading.Thread(target=burst, args=(t,)) for t in range(THREADS)]
    for t in threads:
        t.start()
    assert enough.wait(timeout=120), f"only {len(acked)} transactions acknowledged"
    s.kill9()
    for t in threads:
        t.join(timeout=60)
    with lock:
        acked_at_kill = set(acked)

    s.start()
    ddb = ddb_client(s)
    parts = collections.defaultdict(list)
    for page in ddb.get_paginator("scan").paginate(TableName="ledger"):
        for item in page["Items"]:
            parts[item["tx"]["S"]].append(int(item["parts"]["N"]))
    for tx in acked_at_kill:
        assert tx in parts, f"acknowledged transaction {tx} lost"
    for tx, got in parts.items():
        assert len(got) == got[0], f"transaction {tx} is partly present: {len(got)} of {got[0]} items"
    assert len(parts) >= len(acked_at_kill)
