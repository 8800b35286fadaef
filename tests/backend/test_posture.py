"""What counts as a public or unversioned bucket, and what bootstrap may change (pure, no network)."""

from __future__ import annotations

from typing import Any

import pytest

from cce_passthrough.backend.posture import (
    BucketPosture,
    parse_policy,
    planned_fixes,
    public_acl_grants,
    public_policy_statements,
)

from .test_bootstrap import ALL_BLOCKED


@pytest.mark.parametrize(
    ("acl", "policy", "pab", "expected"),
    [
        ({"Grants": []}, None, ALL_BLOCKED, []),
        ({"Grants": []}, None, None, ["no public access block"]),
        (
            {
                "Grants": [
                    {
                        "Grantee": {"URI": "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"},
                        "Permission": "WRITE",
                    }
                ]
            },
            None,
            ALL_BLOCKED,
            ["ACL grants AuthenticatedUsers:WRITE"],
        ),
        (
            {"Grants": []},
            {"Statement": {"Effect": "Allow", "Principal": {"ID": ["*"]}}},
            ALL_BLOCKED,
            ["bucket policy"],
        ),
        ({"Grants": []}, {"Statement": [{"Effect": "Deny", "Principal": "*"}]}, ALL_BLOCKED, []),
        ({"Grants": []}, None, {**ALL_BLOCKED, "IgnorePublicAcls": False}, ["IgnorePublicAcls off"]),
    ],
)
def test_public_definition(acl, policy, pab, expected) -> None:
    posture = BucketPosture(
        versioning="Enabled",
        encryption="AES256",
        public_access_block=pab,
        pab_supported=True,
        public_grants=tuple(public_acl_grants(acl)),
        policy=policy,
        public_statements=tuple(public_policy_statements(policy or {})),
    )
    reasons = posture.public_reasons()
    assert len(reasons) == len(expected)
    for reason, fragment in zip(reasons, expected, strict=True):
        assert fragment in reason


def test_without_public_access_block_api_only_acl_and_policy_count() -> None:
    posture = BucketPosture("Enabled", "AES256", None, pab_supported=False)
    assert posture.public_reasons() == []
    assert planned_fixes(posture) == []


@pytest.mark.parametrize(
    "text",
    ["{not json", "", "[]", '"a string"', "null", '{"Statement": ' * 5000 + "[]" + "}" * 5000, b"\xff"],
)
def test_unparseable_policy_counts_as_public(text: Any) -> None:
    parsed = parse_policy(text)
    assert parsed.unparseable and parsed.policy is None
    posture = BucketPosture("Enabled", "AES256", dict(ALL_BLOCKED), True, policy_unparseable=True)
    assert any("cannot be parsed" in r for r in posture.public_reasons())
    assert "policy" not in planned_fixes(posture)  # never deleted unread: a person decides


def test_policy_with_utf8_bom_is_parsed() -> None:
    parsed = parse_policy('\ufeff{"Statement": [{"Effect": "Allow", "Principal": "*"}]}')
    assert not parsed.unparseable and parsed.policy is not None
    assert public_policy_statements(parsed.policy) == [0]
