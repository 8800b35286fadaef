"""`backend bootstrap` against moto's S3 server on 127.0.0.1; every setting is read back."""

from __future__ import annotations

import json
from typing import Any

import botocore.exceptions

from cce_passthrough.backend.bucket import bootstrap
from cce_passthrough.backend.connection import make_client
from cce_passthrough.backend.url import make_target

ALL_BLOCKED = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


def read_back(client: Any, bucket: str) -> dict[str, Any]:
    """The bucket's security settings as the S3 API reports them."""
    try:
        pab: Any = client.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    except botocore.exceptions.ClientError:
        pab = None
    try:
        rules = client.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
        encryption: Any = rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"]
    except botocore.exceptions.ClientError:
        encryption = None
    try:
        policy: Any = json.loads(client.get_bucket_policy(Bucket=bucket)["Policy"])
    except botocore.exceptions.ClientError:
        policy = None
    grants = client.get_bucket_acl(Bucket=bucket)["Grants"]
    return {
        "versioning": client.get_bucket_versioning(Bucket=bucket).get("Status"),
        "encryption": encryption,
        "pab": pab,
        "public_grants": [g for g in grants if g["Grantee"].get("URI") == ALL_USERS],
        "policy": policy,
    }


def assert_secured(client: Any, bucket: str) -> None:
    state = read_back(client, bucket)
    assert state["versioning"] == "Enabled"
    assert state["encryption"] == "AES256"
    assert state["pab"] == ALL_BLOCKED
    assert state["public_grants"] == []


def private_versioned_bucket(s3_client: Any, bucket_name: str) -> None:
    """A pre-existing bucket that is already private (public access block on) and versioned."""
    s3_client.create_bucket(Bucket=bucket_name)
    s3_client.put_public_access_block(Bucket=bucket_name, PublicAccessBlockConfiguration=ALL_BLOCKED)
    s3_client.put_bucket_versioning(Bucket=bucket_name, VersioningConfiguration={"Status": "Enabled"})


def test_bootstrap_creates_and_secures_bucket_then_is_a_no_op(
    cli, s3_client, bucket_name, target_args
) -> None:
    first = cli("bootstrap", *target_args)
    assert first.code == 0, first.err
    assert f"changed: created bucket '{bucket_name}'" in first.out
    assert "changed: enabled versioning" in first.out
    assert_secured(s3_client, bucket_name)
    assert s3_client.get_bucket_acl(Bucket=bucket_name)["Grants"]  # owner grant only
    after_first = read_back(s3_client, bucket_name)

    second = cli("bootstrap", *target_args)
    assert second.code == 0, second.err
    assert "already bootstrapped: nothing to change" in second.out
    assert "changed:" not in second.out
    assert read_back(s3_client, bucket_name) == after_first
    assert "next: pulumi login 's3://" in second.out


def test_second_bootstrap_sends_no_write_request(s3_server, s3_client, bucket_name) -> None:
    """Stronger than comparing settings: record every S3 operation of the second run."""
    target = make_target(bucket=bucket_name, region="us-east-1", endpoint=s3_server.endpoint)
    client = make_client(target)
    first = bootstrap(client, target, fix=False)
    assert first.created and first.actions

    operations: list[str] = []
    client.meta.events.register("before-call.s3.*", lambda model, **_: operations.append(model.name))
    second = bootstrap(client, target, fix=False)
    assert second.actions == [] and not second.created
    assert operations, "the second run must still inspect the bucket"
    writes = [op for op in operations if not op.startswith(("Get", "Head", "List"))]
    assert writes == []


def test_public_acl_bucket_is_refused_untouched_then_fixed(
    cli, s3_client, bucket_name, target_args, one_error_line
) -> None:
    s3_client.create_bucket(Bucket=bucket_name, ACL="public-read")
    s3_client.put_bucket_versioning(Bucket=bucket_name, VersioningConfiguration={"Status": "Enabled"})
    before = read_back(s3_client, bucket_name)
    assert before["public_grants"], "arrange: the bucket must really be public"

    refused = cli("bootstrap", *target_args)
    assert refused.code == 1
    one_error_line(refused, bucket_name, "ACL grants AllUsers:READ", "--fix")
    assert read_back(s3_client, bucket_name) == before  # nothing changed

    fixed = cli("bootstrap", *target_args, "--fix")
    assert fixed.code == 0, fixed.err
    assert "reset bucket ACL to private" in fixed.out
    assert_secured(s3_client, bucket_name)


def test_unversioned_bucket_in_use_is_refused_then_fixed(
    cli, s3_client, bucket_name, target_args, one_error_line
) -> None:
    s3_client.create_bucket(Bucket=bucket_name)
    s3_client.put_public_access_block(Bucket=bucket_name, PublicAccessBlockConfiguration=ALL_BLOCKED)
    s3_client.put_object(Bucket=bucket_name, Key="reports/2026.csv", Body=b"a,b\n")

    refused = cli("bootstrap", *target_args)
    assert refused.code == 1
    line = one_error_line(refused, "unversioned")
    assert "public" not in line.split("refusing", 1)[1].split("re-run")[0]
    assert read_back(s3_client, bucket_name)["versioning"] is None
    assert read_back(s3_client, bucket_name)["encryption"] is None

    fixed = cli("bootstrap", *target_args, "--fix")
    assert fixed.code == 0, fixed.err
    assert_secured(s3_client, bucket_name)


def test_suspended_versioning_counts_as_unversioned(
    cli, s3_client, bucket_name, target_args, one_error_line
) -> None:
    private_versioned_bucket(s3_client, bucket_name)
    s3_client.put_bucket_versioning(Bucket=bucket_name, VersioningConfiguration={"Status": "Suspended"})
    refused = cli("bootstrap", *target_args)
    assert refused.code == 1
    one_error_line(refused, "unversioned (versioning suspended)")
    assert cli("bootstrap", *target_args, "--fix").code == 0
    assert read_back(s3_client, bucket_name)["versioning"] == "Enabled"


def test_public_policy_is_refused_and_only_the_public_statement_removed(
    cli, s3_client, bucket_name, target_args, one_error_line
) -> None:
    s3_client.create_bucket(Bucket=bucket_name)
    s3_client.put_bucket_versioning(Bucket=bucket_name, VersioningConfiguration={"Status": "Enabled"})
    keep = {
        "Sid": "TeamRole",
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket_name}/*",
    }
    public = {
        "Sid": "Anyone",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket_name}/*",
    }
    policy = {"Version": "2012-10-17", "Statement": [keep, public]}
    s3_client.put_bucket_policy(Bucket=bucket_name, Policy=json.dumps(policy))

    refused = cli("bootstrap", *target_args)
    assert refused.code == 1
    one_error_line(refused, "bucket policy allows Principal '*'")
    assert read_back(s3_client, bucket_name)["policy"]["Statement"] == [keep, public]

    fixed = cli("bootstrap", *target_args, "--fix")
    assert fixed.code == 0, fixed.err
    assert read_back(s3_client, bucket_name)["policy"]["Statement"] == [keep]
    assert_secured(s3_client, bucket_name)


def test_private_versioned_bucket_without_encryption_gets_encryption_without_fix(
    cli, s3_client, bucket_name, target_args
) -> None:
    private_versioned_bucket(s3_client, bucket_name)
    result = cli("bootstrap", *target_args)
    assert result.code == 0, result.err
    assert result.out.count("changed:") == 1
    assert "enabled default server-side encryption (AES256)" in result.out
    assert_secured(s3_client, bucket_name)


def test_existing_kms_encryption_is_kept(cli, s3_client, bucket_name, target_args) -> None:
    private_versioned_bucket(s3_client, bucket_name)
    s3_client.put_bucket_encryption(
        Bucket=bucket_name,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]
        },
    )
    result = cli("bootstrap", *target_args)
    assert result.code == 0, result.err
    assert "nothing to change" in result.out
    assert read_back(s3_client, bucket_name)["encryption"] == "aws:kms"


def test_malformed_bucket_policy_is_refused_even_with_fix_and_kept(
    cli, s3_client, bucket_name, target_args, one_error_line
) -> None:
    private_versioned_bucket(s3_client, bucket_name)
    broken = '{"Statement": [{"Effect": "Allow",'
    s3_client.put_bucket_policy(Bucket=bucket_name, Policy=broken)

    for extra in ([], ["--fix"]):
        refused = cli("bootstrap", *target_args, *extra)
        assert refused.code == 1
        one_error_line(refused, "bucket policy cannot be parsed", "by hand")
        assert s3_client.get_bucket_policy(Bucket=bucket_name)["Policy"] == broken  # nothing lost
