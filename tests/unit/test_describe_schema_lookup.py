"""``py-describe --schema KIND`` without a server: kubectl's names for the built-in kinds, and the published schema
as one self-contained document (kubectl_py/describe/schema_lookup.py). Every name kubectl's discovery serves is
checked against the built kubectl in tests/integration/test_fields.py."""

import json
import sys
from pathlib import Path

import jsonschema
import pytest

from kubectl_py.describe import DESCRIBERS, SCHEMA_DIR
from kubectl_py.describe.schema_lookup import COMMON, resolve_offline, schema_for

sys.path.insert(0, str(Path(__file__).parent))
from test_describe_schemas import _describe, _dump  # noqa: E402  (offline documents, validated there too)


@pytest.mark.parametrize(
    "name, expected",
    [
        ("deploy", ("apps", "Deployment")),
        ("deployments", ("apps", "Deployment")),
        ("Deployment", ("apps", "Deployment")),
        ("deployment", ("apps", "Deployment")),
        ("deployments.apps", ("apps", "Deployment")),
        ("deployments.v1.apps", ("apps", "Deployment")),
        ("node", ("", "Node")),
        ("no", ("", "Node")),
        ("svc", ("", "Service")),
        ("ev", ("", "Event")),
        ("csr", ("certificates.k8s.io", "CertificateSigningRequest")),
        ("ipaddresses", ("networking.k8s.io", "IPAddress")),
        ("SERVICECIDR", ("networking.k8s.io", "ServiceCIDR")),
    ],
)
def test_kubectl_names_resolve_offline(name, expected):
    assert resolve_offline(name) == expected


def test_unknown_names_do_not_resolve():
    assert resolve_offline("widgets") is None and resolve_offline("deployments.core") is None


@pytest.mark.parametrize("group_kind", sorted(DESCRIBERS), ids=lambda gk: gk[1])
def test_every_describer_has_a_valid_self_contained_schema(group_kind):
    schema = schema_for(*group_kind)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$id"] == f"{group_kind[1].lower()}.json"
    text = json.dumps(schema)
    if "common.json#" in text:
        assert schema["$defs"][COMMON] == json.loads((SCHEMA_DIR / COMMON).read_text())


def test_kinds_without_a_describer_get_the_generic_schema():
    assert schema_for("coordination.k8s.io", "Lease")["$id"] == "generic.json"


def test_documents_validate_against_the_bundled_schema_alone():
    """No registry: the common.json references resolve inside the printed document."""
    source, node, pods, widget = _dump()
    for type_name, obj, group_kind in (
        ("nodes", node, ("", "Node")),
        ("pods", pods[0], ("", "Pod")),
        ("widgets", widget, ("demo.kpy.io", "Widget")),
    ):
        (doc,) = _describe(source, type_name, [obj])
        validator = jsonschema.Draft202012Validator(schema_for(*group_kind))
        validator.validate(doc)
    (doc,) = _describe(source, "nodes", [node])
    doc["capacity"]["memory"] = "16Gi"  # a quantity must be {value, base}: common.json#/$defs/quantity
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema_for("", "Node")).validate(doc)
