"""DynamoDB through real clients: boto3 (Debian's 1.26 in-process, the newer one
in a subprocess) and both aws CLIs, against one stratus region."""

import decimal
import json
import os
import subprocess
import threading
import time

import boto3
import botocore.config
import botocore.exceptions
import pytest
from boto3.dynamodb.conditions import Attr, Key

from clients import aws_clis, other_pythons_with_boto3
from conftest import ACCESS_KEY, SECRET_KEY, metric

REGION = "ap-south-1"


def ddb_client(s, region=REGION, **config):
    config.setdefault("retries", {"max_attempts": 1})
    return boto3.client("dynamodb", endpoint_url=s.endpoint(region), region_name=region,
                        aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
                        config=botocore.config.Config(**config))


def ddb_resource(s, region=REGION, **config):
    config.setdefault("retries", {"max_attempts": 1})
    return boto3.resource("dynamodb", endpoint_url=s.endpoint(region), region_name=region,
                          aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
                          config=botocore.config.Config(**config))


def make_table(ddb, name, hash_key=("pk", "S"), range_key=("sk", "S"), **kw):
    attrs = [{"AttributeName": hash_key[0], "AttributeType": hash_key[1]}]
    schema = [{"AttributeName": hash_key[0], "KeyType": "HASH"}]
    if range_key:
        attrs.append({"AttributeName": range_key[0], "AttributeType": range_key[1]})
        schema.append({"AttributeName": range_key[0], "KeyType": "RANGE"})
    attrs += kw.pop("extra_attributes", [])
    ddb.create_table(TableName=name, AttributeDefinitions=attrs, KeySchema=schema,
                     BillingMode="PAY_PER_REQUEST", **kw)
    return name


def code(e):
    return e.value.response["Error"]["Code"]


@pytest.fixture
def s(stratus_factory):
    return stratus_factory(regions=(REGION,)).start()


def test_table_lifecycle(s):
    ddb = ddb_client(s)
    make_table(ddb, "orders", Tags=[{"Key": "team", "Value": "a"}])
    d = ddb.describe_table(TableName="orders")["Table"]
    assert d["TableStatus"] == "ACTIVE"
    assert d["TableArn"] == "arn:aws:dynamodb:ap-south-1:000000000000:table/orders"
    assert d["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    ddb.get_waiter("table_exists").wait(TableName="orders", WaiterConfig={"Delay": 1})
    for i in range(5):
        make_table(ddb, f"t-{i}")
    names = []
    for page in ddb.get_paginator("list_tables").paginate(PaginationConfig={"PageSize": 2}):
        names += page["TableNames"]
    assert names == sorted(names) and len(names) == 6
    assert ddb.list_tags_of_resource(ResourceArn=d["TableArn"])["Tags"] == [{"Key": "team", "Value": "a"}]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        make_table(ddb, "orders")
    assert code(e) == "ResourceInUseException"
    d = ddb.update_table(TableName="orders", BillingMode="PROVISIONED",
                         ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 7})["TableDescription"]
    assert d["ProvisionedThroughput"]["WriteCapacityUnits"] == 7
    ddb.delete_table(TableName="orders")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ddb.describe_table(TableName="orders")
    assert code(e) == "ResourceNotFoundException"


def test_resource_api_query_filters_and_exact_numbers(s):
    ddb = ddb_resource(s)
    make_table(ddb.meta.client, "events", range_key=("ts", "N"))
    table = ddb.Table("events")
    for i in range(30):
        table.put_item(Item={"pk": "dev-1" if i % 2 else "dev-2", "ts": i, "temp": decimal.Decimal(i) / 10,
                             "tags": {"a", "b"}, "meta": {"ok": i % 3 == 0, "list": [1, "two", None]}})
    r = table.query(KeyConditionExpression=Key("pk").eq("dev-1") & Key("ts").between(5, 15),
                    FilterExpression=Attr("meta.ok").eq(True), ScanIndexForward=False)
    assert [int(i["ts"]) for i in r["Items"]] == [15, 9]
    assert r["ScannedCount"] == 6
    item = table.get_item(Key={"pk": "dev-1", "ts": 9}, ProjectionExpression="#t, meta.#l[1]",
                          ExpressionAttributeNames={"#t": "temp", "#l": "list"})["Item"]
    assert item == {"temp": decimal.Decimal("0.9"), "meta": {"list": ["two"]}}
    # Exact arithmetic: ten additions of 0.1 are exactly 1.
    table.put_item(Item={"pk": "acc", "ts": 0, "v": 0})
    for _ in range(10):
        table.update_item(Key={"pk": "acc", "ts": 0}, UpdateExpression="ADD v :d",
                          ExpressionAttributeValues={":d": decimal.Decimal("0.1")})
    assert table.get_item(Key={"pk": "acc", "ts": 0})["Item"]["v"] == 1
    big = decimal.Decimal("1234567890123456789012345678901234567.8")
    table.put_item(Item={"pk": "big", "ts": 0, "v": big})
    assert table.get_item(Key={"pk": "big", "ts": 0})["Item"]["v"] == big


def test_batch_writer_of_10000_items_and_paginators(s):
    ddb = ddb_resource(s, max_pool_connections=20)
    make_table(ddb.meta.client, "bulk")
    table = ddb.Table("bulk")
    with table.batch_writer() as w:
        for i in range(10000):
            w.put_item(Item={"pk": f"p{i % 50}", "sk": f"{i:05d}", "n": i})
    client = ddb.meta.client
    total = 0
    for page in client.get_paginator("scan").paginate(TableName="bulk", PaginationConfig={"PageSize": 700}):
        total += page["Count"]
    assert total == 10000
    # (The resource's client serializes plain Python values.)
    seen = []
    for page in client.get_paginator("query").paginate(TableName="bulk", KeyConditionExpression="pk = :p",
                                                        ExpressionAttributeValues={":p": "p7"},
                                                        PaginationConfig={"PageSize": 33}):
        seen += [i["sk"] for i in page["Items"]]
    assert seen == sorted(seen) and len(seen) == 200
    # Parallel scan: the segments partition the table.
    keys = set()
    for seg in range(4):
        for page in client.get_paginator("scan").paginate(TableName="bulk", Segment=seg, TotalSegments=4,
                                                          ProjectionExpression="pk, sk"):
            keys |= {(i["pk"], i["sk"]) for i in page["Items"]}
    assert len(keys) == 10000
    count = client.scan(TableName="bulk", Select="COUNT", FilterExpression="n < :x",
                        ExpressionAttributeValues={":x": 100})
    assert count["Count"] == 100 and count["ScannedCount"] == 10000 and "Items" not in count


def test_lock_table_race_has_exactly_one_winner(s):
    ddb = ddb_client(s, max_pool_connections=30)
    make_table(ddb, "terraform-locks", hash_key=("LockID", "S"), range_key=None)
    results = []
    lock = threading.Lock()
    go = threading.Barrier(20)

    def take(i):
        go.wait()
        try:
            ddb.put_item(TableName="terraform-locks", Item={"LockID": {"S": "state"}, "Who": {"S": str(i)}},
                         ConditionExpression="attribute_not_exists(LockID)")
            outcome = "won"
        except botocore.exceptions.ClientError as e:
            outcome = e.response["Error"]["Code"]
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=take, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("won") == 1
    assert results.count("ConditionalCheckFailedException") == 19


def test_conditional_failure_returns_the_old_item(s):
    ddb = ddb_client(s)
    make_table(ddb, "accounts", range_key=None)
    ddb.put_item(TableName="accounts", Item={"pk": {"S": "a"}, "balance": {"N": "10"}})
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ddb.update_item(TableName="accounts", Key={"pk": {"S": "a"}}, UpdateExpression="SET balance = balance - :x",
                        ConditionExpression="balance >= :x", ExpressionAttributeValues={":x": {"N": "50"}})
    assert code(e) == "ConditionalCheckFailedException"
    assert "Item" not in e.value.response  # only when asked (see test_newer_boto3)
    series = s.metrics(REGION)
    assert metric(series, "stratus_dynamodb_conditional_check_failures_total") == 1
    assert metric(series, "stratus_dynamodb_item_writes_total") == 1
    assert metric(series, "stratus_requests_total", operation="UpdateItem") >= 1
    r = ddb.update_item(TableName="accounts", Key={"pk": {"S": "a"}}, UpdateExpression="SET balance = balance - :x",
                        ConditionExpression="balance >= :x", ExpressionAttributeValues={":x": {"N": "2.5"}},
                        ReturnValues="UPDATED_NEW")
    assert r["Attributes"] == {"balance": {"N": "7.5"}}


def test_transactions_all_or_nothing_and_idempotent(s):
    ddb = ddb_client(s)
    make_table(ddb, "bank", range_key=None)
    ddb.put_item(TableName="bank", Item={"pk": {"S": "x"}, "v": {"N": "100"}})

    def transfer(amount, token=None):
        kw = {"ClientRequestToken": token} if token else {}
        return ddb.transact_write_items(TransactItems=[
            {"Update": {"TableName": "bank", "Key": {"pk": {"S": "x"}}, "UpdateExpression": "SET v = v - :a",
                        "ConditionExpression": "v >= :a", "ExpressionAttributeValues": {":a": {"N": str(amount)}},
                        "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}},
            {"Update": {"TableName": "bank", "Key": {"pk": {"S": "y"}}, "UpdateExpression": "ADD v :a",
                        "ExpressionAttributeValues": {":a": {"N": str(amount)}}}},
            {"Put": {"TableName": "bank", "Item": {"pk": {"S": f"log-{amount}"}}}},
        ], **kw)

    transfer(60, token="t-1")
    transfer(60, token="t-1")  # a retry: not applied twice
    with pytest.raises(botocore.exceptions.ClientError) as e:
        transfer(60)
    assert code(e) == "TransactionCanceledException"
    reasons = e.value.response["CancellationReasons"]
    assert [r["Code"] for r in reasons] == ["ConditionalCheckFailed", "None", "None"]
    assert reasons[0]["Item"]["v"] == {"N": "40"}
    got = ddb.transact_get_items(TransactItems=[{"Get": {"TableName": "bank", "Key": {"pk": {"S": k}}}}
                                                for k in ("x", "y", "nobody")])["Responses"]
    assert got[0]["Item"]["v"] == {"N": "40"} and got[1]["Item"]["v"] == {"N": "60"} and got[2] == {}
    with pytest.raises(botocore.exceptions.ClientError) as e:
        transfer(1, token="t-1")
    assert code(e) == "IdempotentParameterMismatchException"


def test_global_secondary_index(s):
    ddb = ddb_client(s)
    make_table(ddb, "files", range_key=None, extra_attributes=[{"AttributeName": "bucket", "AttributeType": "S"},
                                                                {"AttributeName": "size", "AttributeType": "N"}],
               GlobalSecondaryIndexes=[{"IndexName": "by-bucket",
                                        "KeySchema": [{"AttributeName": "bucket", "KeyType": "HASH"},
                                                      {"AttributeName": "size", "KeyType": "RANGE"}],
                                        "Projection": {"ProjectionType": "KEYS_ONLY"}}])
    for i in range(10):
        ddb.put_item(TableName="files", Item={"pk": {"S": f"f{i}"}, "bucket": {"S": "b" if i < 6 else "c"},
                                              "size": {"N": str(100 - i)}, "body": {"S": "x" * 10}})
    r = ddb.query(TableName="files", IndexName="by-bucket", KeyConditionExpression="#b = :b AND #sz < :s",
                  ExpressionAttributeNames={"#b": "bucket", "#sz": "size"},
                  ExpressionAttributeValues={":b": {"S": "b"}, ":s": {"N": "98"}})
    assert [i["size"]["N"] for i in r["Items"]] == ["95", "96", "97"]
    assert set(r["Items"][0]) == {"pk", "bucket", "size"}
    ddb.delete_item(TableName="files", Key={"pk": {"S": "f5"}})
    r = ddb.query(TableName="files", IndexName="by-bucket", KeyConditionExpression="#b = :b",
                  ExpressionAttributeNames={"#b": "bucket"}, ExpressionAttributeValues={":b": {"S": "b"}})
    assert r["Count"] == 5


def test_bad_input_is_refused_with_dynamodb_errors(s):
    ddb = ddb_client(s)
    make_table(ddb, "strict", range_key=("sk", "N"))
    cases = [
        (lambda: ddb.get_item(TableName="nope", Key={"pk": {"S": "a"}, "sk": {"N": "1"}}), "ResourceNotFoundException"),
        (lambda: ddb.put_item(TableName="strict", Item={"pk": {"S": "a"}, "sk": {"S": "1"}}), "ValidationException"),
        (lambda: ddb.put_item(TableName="strict", Item={"pk": {"S": "a"}, "sk": {"N": "1"}, "x": {"S": "y" * 410000}}),
         "ValidationException"),
        (lambda: ddb.query(TableName="strict", KeyConditionExpression="pk = :a AND",
                           ExpressionAttributeValues={":a": {"S": "a"}}), "ValidationException"),
        (lambda: ddb.put_item(TableName="strict", Item={"pk": {"S": "a"}, "sk": {"N": "1"}},
                              ConditionExpression="size = :x", ExpressionAttributeValues={":x": {"N": "1"}}),
         "ValidationException"),
        (lambda: ddb.put_item(TableName="strict", Item={"pk": {"S": "a"}, "sk": {"N": "1e200"}}), "ValidationException"),
        (lambda: ddb.update_item(TableName="strict", Key={"pk": {"S": "a"}, "sk": {"N": "1"}},
                                 UpdateExpression="SET a = :unused_typo", ExpressionAttributeValues={":v": {"S": "x"}}),
         "ValidationException"),
    ]
    for call, expected in cases:
        with pytest.raises(botocore.exceptions.ClientError) as e:
            call()
        assert code(e) == expected, e.value.response
    assert ddb.scan(TableName="strict")["Count"] == 0


def test_ttl_expires_items(s):
    ddb = ddb_client(s)
    make_table(ddb, "sessions", range_key=None)
    ddb.update_time_to_live(TableName="sessions", TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"})
    assert ddb.describe_time_to_live(TableName="sessions")["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED", "AttributeName": "exp"}
    now = int(time.time())
    ddb.put_item(TableName="sessions", Item={"pk": {"S": "old"}, "exp": {"N": str(now - 5)}})
    ddb.put_item(TableName="sessions", Item={"pk": {"S": "new"}, "exp": {"N": str(now + 3600)}})
    deadline = time.time() + 60
    while "Item" in ddb.get_item(TableName="sessions", Key={"pk": {"S": "old"}}):
        assert time.time() < deadline, "expired item still present after 60 s"
        time.sleep(1)
    assert "Item" in ddb.get_item(TableName="sessions", Key={"pk": {"S": "new"}})


def test_point_in_time_restore(s):
    ddb = ddb_client(s)
    make_table(ddb, "metadata", range_key=None)
    ddb.put_item(TableName="metadata", Item={"pk": {"S": "k"}, "v": {"S": "0"}})
    r = ddb.update_continuous_backups(TableName="metadata",
                                      PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
    assert r["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"
    time.sleep(1.1)
    ddb.put_item(TableName="metadata", Item={"pk": {"S": "k"}, "v": {"S": "1"}})
    time.sleep(1.1)
    chosen = time.time()
    time.sleep(1.1)
    ddb.put_item(TableName="metadata", Item={"pk": {"S": "k"}, "v": {"S": "2"}})
    ddb.put_item(TableName="metadata", Item={"pk": {"S": "later"}})
    import datetime
    ddb.restore_table_to_point_in_time(SourceTableName="metadata", TargetTableName="metadata-restored",
                                       RestoreDateTime=datetime.datetime.fromtimestamp(chosen))
    ddb.get_waiter("table_exists").wait(TableName="metadata-restored", WaiterConfig={"Delay": 1})
    deadline = time.time() + 30
    while ddb.describe_table(TableName="metadata-restored")["Table"]["TableStatus"] != "ACTIVE":
        assert time.time() < deadline
        time.sleep(0.5)
    assert ddb.get_item(TableName="metadata-restored", Key={"pk": {"S": "k"}})["Item"]["v"] == {"S": "1"}
    assert "Item" not in ddb.get_item(TableName="metadata-restored", Key={"pk": {"S": "later"}})
    assert ddb.get_item(TableName="metadata", Key={"pk": {"S": "k"}})["Item"]["v"] == {"S": "2"}


@pytest.mark.parametrize("cli", aws_clis(), ids=lambda c: c[1])
def test_aws_cli(s, aws_env, cli):
    path, _ = cli
    base = [path, "--endpoint-url", s.endpoint(REGION), "--region", REGION, "--output", "json", "dynamodb"]

    def run(*args):
        p = subprocess.run(base + list(args), capture_output=True, text=True, env=aws_env, timeout=120)
        assert p.returncode == 0, p.stderr
        return json.loads(p.stdout) if p.stdout.strip() else {}

    run("create-table", "--table-name", "cli", "--attribute-definitions", "AttributeName=pk,AttributeType=S",
        "AttributeName=sk,AttributeType=N", "--key-schema", "AttributeName=pk,KeyType=HASH",
        "AttributeName=sk,KeyType=RANGE", "--billing-mode", "PAY_PER_REQUEST")
    run("put-item", "--table-name", "cli", "--item", '{"pk":{"S":"a"},"sk":{"N":"1"},"n":{"N":"5"}}')
    run("update-item", "--table-name", "cli", "--key", '{"pk":{"S":"a"},"sk":{"N":"1"}}',
        "--update-expression", "SET n = n + :d", "--expression-attribute-values", '{":d":{"N":"2"}}')
    assert run("get-item", "--table-name", "cli", "--key", '{"pk":{"S":"a"},"sk":{"N":"1"}}')["Item"]["n"] == {"N": "7"}
    run("batch-write-item", "--request-items",
        json.dumps({"cli": [{"PutRequest": {"Item": {"pk": {"S": "a"}, "sk": {"N": str(i)}}}} for i in range(2, 12)]}))
    q = run("query", "--table-name", "cli", "--key-condition-expression", "pk = :p AND sk > :s",
            "--expression-attribute-values", '{":p":{"S":"a"},":s":{"N":"5"}}')
    assert q["Count"] == 6
    run("transact-write-items", "--transact-items", json.dumps([
        {"Put": {"TableName": "cli", "Item": {"pk": {"S": "t"}, "sk": {"N": "1"}},
                 "ConditionExpression": "attribute_not_exists(pk)"}},
        {"Delete": {"TableName": "cli", "Key": {"pk": {"S": "a"}, "sk": {"N": "2"}}}}]))
    run("delete-item", "--table-name", "cli", "--key", '{"pk":{"S":"a"},"sk":{"N":"1"}}')
    assert run("scan", "--table-name", "cli")["Count"] == 10
    p = subprocess.run(base + ["put-item", "--table-name", "cli", "--item", '{"pk":{"S":"t"},"sk":{"N":"1"}}',
                               "--condition-expression", "attribute_not_exists(pk)"],
                       capture_output=True, text=True, env=aws_env, timeout=120)
    assert p.returncode != 0 and "ConditionalCheckFailedException" in p.stderr


NEWER_BOTO3_SCRIPT = r"""
import sys, boto3, botocore.config
from boto3.dynamodb.conditions import Key
ddb = boto3.resource("dynamodb", endpoint_url=sys.argv[1], region_name="ap-south-1",
                     aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3],
                     config=botocore.config.Config(retries={"max_attempts": 1}))
ddb.meta.client.create_table(TableName="newer", BillingMode="PAY_PER_REQUEST",
    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}],
    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}])
t = ddb.Table("newer")
with t.batch_writer() as w:
    for i in range(100):
        w.put_item(Item={"pk": "p", "sk": f"item#{i:03d}", "i": i})
r = t.query(KeyConditionExpression=Key("pk").eq("p") & Key("sk").begins_with("item#05"))
assert [int(x["i"]) for x in r["Items"]] == list(range(50, 60)), r
try:
    t.put_item(Item={"pk": "p", "sk": "item#000"}, ConditionExpression="attribute_not_exists(pk)")
    raise SystemExit("conditional put succeeded")
except ddb.meta.client.exceptions.ConditionalCheckFailedException:
    pass
# The failed condition's item, when asked for.
try:
    t.put_item(Item={"pk": "p", "sk": "item#001"}, ConditionExpression="attribute_not_exists(pk)",
               ReturnValuesOnConditionCheckFailure="ALL_OLD")
    raise SystemExit("conditional put succeeded")
except ddb.meta.client.exceptions.ConditionalCheckFailedException as e:
    assert e.response["Item"]["i"] == {"N": "1"}, e.response
# Deletion protection (newer than Debian's boto3).
c = ddb.meta.client
c.update_table(TableName="newer", DeletionProtectionEnabled=True)
assert c.describe_table(TableName="newer")["Table"]["DeletionProtectionEnabled"] is True
try:
    c.delete_table(TableName="newer")
    raise SystemExit("a protected table was deleted")
except c.exceptions.ClientError as e:
    assert e.response["Error"]["Code"] == "ValidationException", e.response
c.update_table(TableName="newer", DeletionProtectionEnabled=False)
c.delete_table(TableName="newer")
print("ok")
"""


@pytest.mark.parametrize("python", other_pythons_with_boto3(), ids=lambda p: "boto3-" + p[1])
def test_newer_boto3(s, python):
    p = subprocess.run([python[0], "-c", NEWER_BOTO3_SCRIPT, s.endpoint(REGION), ACCESS_KEY, SECRET_KEY],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0 and p.stdout.strip() == "ok", p.stderr
