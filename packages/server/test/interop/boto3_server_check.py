#!/usr/bin/env python3
"""Interop check of @stowage/server with boto3 (an independent S3 client and signer).

Usage: boto3_server_check.py ENDPOINT ACCESS_KEY SECRET_KEY
Prints one line per check and a closing "N passed, N failed"; exits 1 on any failure.
"""
import hashlib
import io
import sys
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timedelta, timezone

import boto3
import botocore
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError

endpoint, access_key, secret_key = sys.argv[1], sys.argv[2], sys.argv[3]
run = str(int(time.time() * 1000) % 10_000_000)


def client(secret=secret_key):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret,
        region_name="us-east-1",
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )


s3 = client()
results = []


def check(name):
    def wrap(fn):
        try:
            fn()
            results.append((name, None))
            print(f"ok   {name}", flush=True)
        except Exception as e:  # noqa: BLE001
            results.append((name, e))
            print(f"FAIL {name}: {e!r}", flush=True)
            traceback.print_exc()
        return fn

    return wrap


def error_code(fn):
    try:
        fn()
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]
    raise AssertionError("expected a ClientError")


def eq(a, b, what=""):
    if a != b:
        raise AssertionError(f"{what}: {a!r} != {b!r}")


bucket = f"boto-{run}"
lock_bucket = f"boto-lock-{run}"


@check("buckets: create, head, list, create with object lock")
def _():
    s3.create_bucket(Bucket=bucket)
    s3.head_bucket(Bucket=bucket)
    names = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert bucket in names, names
    s3.create_bucket(Bucket=lock_bucket, ObjectLockEnabledForBucket=True)
    eq(s3.get_object_lock_configuration(Bucket=lock_bucket)["ObjectLockConfiguration"]["ObjectLockEnabled"], "Enabled")
    eq(error_code(lambda: s3.create_bucket(Bucket=bucket))[1], 409, "duplicate bucket status")


@check("objects: put with metadata and headers, get, head, delete")
def _():
    body = b"hello boto3 " * 1000
    put = s3.put_object(Bucket=bucket, Key="dir/obj one", Body=body, ContentType="text/plain", Metadata={"color": "blue", "n": "1"})
    eq(put["ETag"], '"%s"' % hashlib.md5(body).hexdigest(), "etag")
    got = s3.get_object(Bucket=bucket, Key="dir/obj one")
    eq(got["Body"].read(), body, "body")
    eq(got["ContentType"], "text/plain", "content type")
    eq(got["Metadata"], {"color": "blue", "n": "1"}, "metadata")
    head = s3.head_object(Bucket=bucket, Key="dir/obj one")
    eq(head["ContentLength"], len(body), "length")
    s3.delete_object(Bucket=bucket, Key="dir/obj one")
    eq(error_code(lambda: s3.get_object(Bucket=bucket, Key="dir/obj one")), ("NoSuchKey", 404))


@check("ranges: 206 with Content-Range, suffix range, 416 past the end")
def _():
    body = bytes(range(256)) * 4
    s3.put_object(Bucket=bucket, Key="ranged", Body=body)
    got = s3.get_object(Bucket=bucket, Key="ranged", Range="bytes=10-19")
    eq(got["ResponseMetadata"]["HTTPStatusCode"], 206, "status")
    eq(got["ContentRange"], "bytes 10-19/1024", "content range")
    eq(got["Body"].read(), body[10:20], "range body")
    eq(s3.get_object(Bucket=bucket, Key="ranged", Range="bytes=-24")["Body"].read(), body[-24:], "suffix")
    eq(error_code(lambda: s3.get_object(Bucket=bucket, Key="ranged", Range="bytes=5000-5001")), ("InvalidRange", 416))


@check("listing: ListObjectsV2 with continuation tokens, delimiter, ListObjects (V1) paging")
def _():
    keys = [f"list/{i:03d}" for i in range(25)] + ["list/sub/a", "list/sub/b"]
    for k in keys:
        s3.put_object(Bucket=bucket, Key=k, Body=k.encode())
    seen = []
    pages = 0
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix="list/", PaginationConfig={"PageSize": 7}):
        pages += 1
        seen += [o["Key"] for o in page.get("Contents", [])]
    eq(seen, sorted(keys), "all keys in order")
    assert pages == 4, pages
    top = s3.list_objects_v2(Bucket=bucket, Prefix="list/", Delimiter="/")
    eq([p["Prefix"] for p in top["CommonPrefixes"]], ["list/sub/"], "common prefixes")
    eq(top["KeyCount"], 26, "key count")
    v1 = []
    for page in s3.get_paginator("list_objects").paginate(Bucket=bucket, Prefix="list/", PaginationConfig={"PageSize": 10}):
        v1 += [o["Key"] for o in page.get("Contents", [])]
    eq(v1, sorted(keys), "v1 keys")


@check("copy and DeleteObjects")
def _():
    s3.put_object(Bucket=bucket, Key="src", Body=b"copy me", Metadata={"a": "1"})
    s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src"})
    eq(s3.head_object(Bucket=bucket, Key="dst")["Metadata"], {"a": "1"}, "copied metadata")
    s3.copy_object(Bucket=bucket, Key="dst2", CopySource=f"{bucket}/src", MetadataDirective="REPLACE", Metadata={"b": "2"})
    eq(s3.head_object(Bucket=bucket, Key="dst2")["Metadata"], {"b": "2"}, "replaced metadata")
    out = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "src"}, {"Key": "dst"}, {"Key": "dst2"}]})
    eq(sorted(d["Key"] for d in out["Deleted"]), ["dst", "dst2", "src"], "deleted")


@check("multipart: create, upload parts, list parts, complete; managed upload_fileobj")
def _():
    part1 = bytes(range(256)) * (5 * 1024 * 4)  # 5 MiB
    part2 = b"tail" * 1000
    up = s3.create_multipart_upload(Bucket=bucket, Key="mp", ContentType="application/x-mp")
    uid = up["UploadId"]
    e1 = s3.upload_part(Bucket=bucket, Key="mp", UploadId=uid, PartNumber=1, Body=part1)["ETag"]
    e2 = s3.upload_part(Bucket=bucket, Key="mp", UploadId=uid, PartNumber=2, Body=part2)["ETag"]
    parts = s3.list_parts(Bucket=bucket, Key="mp", UploadId=uid)["Parts"]
    eq([(p["PartNumber"], p["Size"]) for p in parts], [(1, len(part1)), (2, len(part2))], "parts")
    uploads = s3.list_multipart_uploads(Bucket=bucket)["Uploads"]
    assert uid in [u["UploadId"] for u in uploads]
    done = s3.complete_multipart_upload(
        Bucket=bucket, Key="mp", UploadId=uid, MultipartUpload={"Parts": [{"ETag": e1, "PartNumber": 1}, {"ETag": e2, "PartNumber": 2}]}
    )
    assert done["ETag"].endswith('-2"'), done["ETag"]
    eq(s3.get_object(Bucket=bucket, Key="mp")["Body"].read(), part1 + part2, "assembled")
    aborted = s3.create_multipart_upload(Bucket=bucket, Key="mp-abort")["UploadId"]
    s3.abort_multipart_upload(Bucket=bucket, Key="mp-abort", UploadId=aborted)
    eq(error_code(lambda: s3.list_parts(Bucket=bucket, Key="mp-abort", UploadId=aborted)), ("NoSuchUpload", 404))
    data = bytes(range(251)) * 50_000  # ~12 MiB
    s3.upload_fileobj(io.BytesIO(data), bucket, "managed", Config=TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024))
    out = io.BytesIO()
    s3.download_fileobj(bucket, "managed", out, Config=TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024))
    eq(out.getvalue() == data, True, "managed round trip")


@check("versioning: enable, two versions, list versions, get by version")
def _():
    vb = f"boto-ver-{run}"
    s3.create_bucket(Bucket=vb)
    s3.put_bucket_versioning(Bucket=vb, VersioningConfiguration={"Status": "Enabled"})
    eq(s3.get_bucket_versioning(Bucket=vb)["Status"], "Enabled", "status")
    v1 = s3.put_object(Bucket=vb, Key="k", Body=b"one")["VersionId"]
    s3.put_object(Bucket=vb, Key="k", Body=b"two")
    versions = s3.list_object_versions(Bucket=vb)["Versions"]
    eq(len([v for v in versions if v["Key"] == "k"]), 2, "versions")
    eq(s3.get_object(Bucket=vb, Key="k", VersionId=v1)["Body"].read(), b"one", "old version")
    s3.delete_object(Bucket=vb, Key="k")
    markers = s3.list_object_versions(Bucket=vb).get("DeleteMarkers", [])
    eq(len(markers), 1, "delete markers")


@check("object lock: retention and legal hold; a locked version cannot be deleted")
def _():
    vid = s3.put_object(Bucket=lock_bucket, Key="locked", Body=b"keep")["VersionId"]
    until = (datetime.now(timezone.utc) + timedelta(hours=1)).replace(microsecond=0)
    s3.put_object_retention(Bucket=lock_bucket, Key="locked", VersionId=vid, Retention={"Mode": "GOVERNANCE", "RetainUntilDate": until})
    r = s3.get_object_retention(Bucket=lock_bucket, Key="locked", VersionId=vid)["Retention"]
    eq(r["Mode"], "GOVERNANCE", "mode")
    eq(r["RetainUntilDate"], until, "retain until")
    eq(error_code(lambda: s3.delete_object(Bucket=lock_bucket, Key="locked", VersionId=vid)), ("AccessDenied", 403))
    s3.put_object_legal_hold(Bucket=lock_bucket, Key="locked", VersionId=vid, LegalHold={"Status": "ON"})
    eq(s3.get_object_legal_hold(Bucket=lock_bucket, Key="locked", VersionId=vid)["LegalHold"]["Status"], "ON", "legal hold")
    eq(error_code(lambda: s3.delete_object(Bucket=lock_bucket, Key="locked", VersionId=vid, BypassGovernanceRetention=True)), ("AccessDenied", 403))
    s3.put_object_legal_hold(Bucket=lock_bucket, Key="locked", VersionId=vid, LegalHold={"Status": "OFF"})
    s3.delete_object(Bucket=lock_bucket, Key="locked", VersionId=vid, BypassGovernanceRetention=True)


@check("presigned GET fetched with urllib; a tampered one is refused")
def _():
    s3.put_object(Bucket=bucket, Key="shared file.txt", Body=b"presigned content")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "shared file.txt"}, ExpiresIn=60)
    with urllib.request.urlopen(url) as res:
        eq(res.status, 200, "status")
        eq(res.read(), b"presigned content", "body")
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query)
    tampered_query = [(k, ("999" if k == "X-Amz-Expires" else v)) for k, v in query]
    tampered = urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(tampered_query)))
    try:
        urllib.request.urlopen(tampered)
        raise AssertionError("a tampered URL was accepted")
    except urllib.error.HTTPError as e:
        eq(e.code, 403, "tampered status")
        assert b"SignatureDoesNotMatch" in e.read()
    other_key = urllib.parse.urlunsplit(parts._replace(path=parts.path.replace("shared%20file.txt", "ranged")))
    try:
        urllib.request.urlopen(other_key)
        raise AssertionError("a URL moved to another key was accepted")
    except urllib.error.HTTPError as e:
        eq(e.code, 403, "moved status")


@check("a wrong secret is refused (SignatureDoesNotMatch)")
def _():
    bad = client("not-the-secret")
    eq(error_code(lambda: bad.list_objects_v2(Bucket=bucket)), ("SignatureDoesNotMatch", 403))
    eq(error_code(lambda: bad.put_object(Bucket=bucket, Key="intruder", Body=b"x")), ("SignatureDoesNotMatch", 403))
    eq(error_code(lambda: s3.head_object(Bucket=bucket, Key="intruder"))[1], 404, "nothing stored")


failed = [n for n, e in results if e is not None]
print(f"boto3 {boto3.__version__} botocore {botocore.__version__}")
print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
sys.exit(1 if failed else 0)
