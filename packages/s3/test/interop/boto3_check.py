#!/usr/bin/env python3
"""Interop check for @stowage/s3, run by test/interop.test.ts.

Reads what the adapter wrote and writes objects for the adapter to read,
with Debian's python3-boto3 (1.26) against a real server. Input: a JSON
document on stdin; output: one JSON document on stdout.

stdin:  {"endpoint", "region", "accessKeyId", "secretAccessKey", "bucket",
         "read": [key, ...], "write": {"prefix": str, "retainUntil": iso8601}}
stdout: {"boto3": version, "botocore": version,
         "read": {key: {"sha256", "size", "contentType", "metadata",
                        "metadataDecoded", "retention", "legalHold"}},
         "wrote": {key: {"sha256", "size", "versionId"}}}
"""
import datetime
import email.header
import hashlib
import io
import json
import sys

import boto3
import botocore
from boto3.s3.transfer import TransferConfig
from botocore.config import Config


def decode_rfc2047(value):
    parts = email.header.decode_header(value)
    out = []
    for text, charset in parts:
        out.append(text.decode(charset or "ascii") if isinstance(text, bytes) else text)
    return "".join(out)


def iso(d):
    return d.astimezone(datetime.timezone.utc).isoformat().replace("+00:00", "Z") if d else None


def main():
    spec = json.load(sys.stdin)
    s3 = boto3.client(
        "s3",
        endpoint_url=spec["endpoint"],
        region_name=spec["region"],
        aws_access_key_id=spec["accessKeyId"],
        aws_secret_access_key=spec["secretAccessKey"],
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )
    bucket = spec["bucket"]
    result = {"boto3": boto3.__version__, "botocore": botocore.__version__, "read": {}, "wrote": {}}

    for key in spec["read"]:
        obj = s3.get_object(Bucket=bucket, Key=key)
        body = obj["Body"].read()
        retention = None
        try:
            r = s3.get_object_retention(Bucket=bucket, Key=key)["Retention"]
            retention = {"mode": r["Mode"], "retainUntil": iso(r["RetainUntilDate"])}
        except botocore.exceptions.ClientError as e:
            if e.response["Error"]["Code"] not in ("NoSuchObjectLockConfiguration", "ObjectLockConfigurationNotFoundError", "InvalidRequest"):
                raise
        try:
            hold = s3.get_object_legal_hold(Bucket=bucket, Key=key)["LegalHold"]["Status"] == "ON"
        except botocore.exceptions.ClientError as e:
            if e.response["Error"]["Code"] not in ("NoSuchObjectLockConfiguration", "ObjectLockConfigurationNotFoundError", "InvalidRequest"):
                raise
            hold = False
        result["read"][key] = {
            "sha256": hashlib.sha256(body).hexdigest(),
            "size": len(body),
            "contentType": obj.get("ContentType"),
            "metadata": obj.get("Metadata", {}),
            "metadataDecoded": {k: decode_rfc2047(v) for k, v in obj.get("Metadata", {}).items()},
            "headRetention": {"mode": obj.get("ObjectLockMode"), "retainUntil": iso(obj.get("ObjectLockRetainUntilDate"))},
            "retention": retention,
            "legalHold": hold,
        }

    w = spec.get("write")
    if w:
        prefix = w["prefix"]
        until = datetime.datetime.fromisoformat(w["retainUntil"].replace("Z", "+00:00"))
        # a plain put with metadata (one value RFC 2047-encoded, as AWS returns non-ASCII ones),
        # a retention and a legal hold
        data = bytes((i * 7) % 256 for i in range(300_000))
        encoded = email.header.Header("naïve café ✓", "utf-8").encode()
        out = s3.put_object(
            Bucket=bucket,
            Key=prefix + "plain.bin",
            Body=data,
            ContentType="application/x-boto3",
            Metadata={"writer": "boto3", "unicode": encoded},
            ObjectLockMode="GOVERNANCE",
            ObjectLockRetainUntilDate=until,
            ObjectLockLegalHoldStatus="ON",
        )
        result["wrote"][prefix + "plain.bin"] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data), "versionId": out.get("VersionId")}
        # a multipart upload through boto3's transfer manager (5 MiB parts)
        big = bytes((i * 13) % 251 for i in range(6 * 1024 * 1024 + 123))
        s3.upload_fileobj(
            io.BytesIO(big),
            bucket,
            prefix + "multipart.bin",
            ExtraArgs={"ContentType": "application/x-boto3-multipart", "Metadata": {"writer": "boto3-transfer"}},
            Config=TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024, use_threads=False),
        )
        head = s3.head_object(Bucket=bucket, Key=prefix + "multipart.bin")
        result["wrote"][prefix + "multipart.bin"] = {"sha256": hashlib.sha256(big).hexdigest(), "size": len(big), "versionId": head.get("VersionId"), "etag": head["ETag"]}

    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
