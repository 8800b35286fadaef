"""The multi-language interface: the schema `pulumi package add` generates SDKs from."""

import json

import cce_passthrough
from cce_passthrough.wiring.component import TOKEN
from cce_passthrough.wiring.schema import package_schema
from helpers import ROOT

SNAPSHOT = ROOT / "provider" / "schema.json"
REGENERATE = (
    '.venv/bin/python -c "import json; from cce_passthrough.wiring.schema import package_schema; '
    "open('provider/schema.json','w').write(json.dumps(package_schema('<version>'), indent=2, sort_keys=True)+'\\n')\""
)


def test_schema_snapshot_is_current() -> None:
    current = package_schema(cce_passthrough.__version__)
    assert json.loads(SNAPSHOT.read_text()) == current, (
        f"provider/schema.json is stale; regenerate: {REGENERATE}"
    )


def test_every_field_a_rule_reads_is_plain() -> None:
    schema = package_schema(cce_passthrough.__version__)
    inputs = schema["resources"][TOKEN]["inputProperties"]
    assert all(prop.get("plain") for prop in inputs.values())
    assert schema["resources"][TOKEN]["requiredInputs"] == ["cluster", "elb", "image", "ports"]
    outputs = set(schema["resources"][TOKEN]["properties"])
    assert {"serviceName", "namespace", "elbId", "loadBalancerIp", "publicIp", "annotations"} <= outputs
    elb = schema["types"]["cce-passthrough:index:ElbArgs"]["properties"]
    assert set(elb) == {"class", "autocreate", "autocreateJson", "existing", "managed", "shareWith"}
