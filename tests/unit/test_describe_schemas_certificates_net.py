"""Documents of the CertificateSigningRequest, ServiceCIDR and IPAddress describers, built from an
offline dump: they validate against their schemas; a CSR's request is parsed from DER (an openssl-made
request), its status worked out as kubectl's ``extractCSRStatus``; a request that cannot be parsed is
a warning, not a crash."""

from __future__ import annotations

import base64
import json
import subprocess

import jsonschema
import pytest
from referencing import Registry, Resource

from kubectl_py.describe import SCHEMA_DIR, describe, pkcs10, render_text
from kubectl_py.describe.certificates_net import csr_status
from kubectl_py.kube.offline import Dump

REGISTRY = Registry().with_resources(
    (json.loads(p.read_text())["$id"], Resource.from_contents(json.loads(p.read_text())))
    for p in sorted(SCHEMA_DIR.glob("*.json"))
)
NOW = "2026-01-01T12:00:00Z"
T0 = "2026-01-01T11:00:00Z"


@pytest.fixture(scope="module")
def request_pem(tmp_path_factory) -> bytes:
    tmp = tmp_path_factory.mktemp("csr")
    subprocess.run(
        [
            "openssl",
            "req",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            str(tmp / "k.pem"),
            "-out",
            str(tmp / "r.pem"),
            "-subj",
            "/CN=alice/O=dev/O=ops/C=DE/serialNumber=7",
            "-addext",
            "subjectAltName=DNS:a.example.com,IP:10.0.0.1,IP:::ffff:10.0.0.2,email:a@b.c",
        ],
        check=True,
        capture_output=True,
    )
    return (tmp / "r.pem").read_bytes()


def _objects(pem: bytes) -> list:
    return [
        {
            "apiVersion": "certificates.k8s.io/v1",
            "kind": "CertificateSigningRequest",
            "metadata": {"name": "good", "uid": "u1", "creationTimestamp": T0},
            "spec": {
                "request": base64.b64encode(pem).decode(),
                "username": "admin",
                "signerName": "s",
                "expirationSeconds": 3600,
            },
            "status": {"conditions": [{"type": "Approved", "status": "True"}], "certificate": "Y2VydA=="},
        },
        {
            "apiVersion": "certificates.k8s.io/v1",
            "kind": "CertificateSigningRequest",
            "metadata": {"name": "bad", "uid": "u2", "creationTimestamp": T0},
            "spec": {"request": base64.b64encode(b"not a request").decode(), "username": "x", "signerName": "s"},
        },
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "ServiceCIDR",
            "metadata": {"name": "c", "uid": "u3"},
            "spec": {"cidrs": ["10.0.0.0/24", "fd00::/112"]},
            "status": {
                "conditions": [
                    {"type": "Ready", "status": "True", "lastTransitionTime": T0, "reason": "", "message": ""}
                ]
            },
        },
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "IPAddress",
            "metadata": {"name": "10.0.0.1", "uid": "u4"},
            "spec": {"parentRef": {"group": "", "resource": "services", "namespace": "d", "name": "web"}},
        },
    ]


CASES = [
    ("certificatesigningrequest", "good", "certificatesigningrequest"),
    ("certificatesigningrequest", "bad", "certificatesigningrequest"),
    ("servicecidr", "c", "servicecidr"),
    ("ipaddress", "10.0.0.1", "ipaddress"),
]


def _describe(pem, type_name, name, show_events=True):
    docs, errors, _ = describe(
        Dump(_objects(pem), namespace="default"), type_name, [name], None, show_events=show_events
    )
    assert not errors
    return docs[0]


@pytest.mark.parametrize("type_name,name,schema", CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
@pytest.mark.parametrize("show_events", [True, False])
def test_documents_validate(request_pem, type_name, name, schema, show_events):
    schema_doc = json.loads((SCHEMA_DIR / f"{schema}.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema_doc)
    doc = _describe(request_pem, type_name, name, show_events)
    jsonschema.Draft202012Validator(schema_doc, registry=REGISTRY).validate(doc)
    assert render_text([doc], NOW)


def test_csr_request_is_parsed(request_pem):
    doc = _describe(request_pem, "certificatesigningrequest", "good")
    subject, names = doc["request"]["subject"], doc["request"]["subjectAlternativeNames"]
    assert subject["commonName"] == "alice" and subject["organization"] == ["dev", "ops"]
    assert subject["serialNumber"] == "7" and subject["country"] == ["DE"]
    assert names["ipAddresses"] == ["10.0.0.1", "10.0.0.2"]  # Go prints a v4-in-v6 address as v4
    assert names["dnsNames"] == ["a.example.com"] and names["emailAddresses"] == ["a@b.c"]
    assert doc["status"] == "Approved,Issued" and doc["issued"] is True
    text = render_text([doc], NOW)
    assert "Requested Duration:  60m\n" in text and "Y2VydA" not in json.dumps(doc)


def test_unparsable_request_is_a_warning(request_pem):
    doc = _describe(request_pem, "certificatesigningrequest", "bad")
    assert doc["request"] is None
    assert "Error parsing CSR: PEM block type must be CERTIFICATE REQUEST" in doc["warnings"]
    assert "Subject:" not in render_text([doc], NOW)
    with pytest.raises(pkcs10.RequestError):
        pkcs10.parse(b"-----BEGIN CERTIFICATE REQUEST-----\nMAA=\n-----END CERTIFICATE REQUEST-----\n")


def test_csr_status_precedence():
    assert csr_status([], False) == "Pending"
    assert csr_status(["Approved", "Denied"], False) == "Denied"
    assert csr_status(["Approved", "Failed"], True) == "Approved,Failed,Issued"
