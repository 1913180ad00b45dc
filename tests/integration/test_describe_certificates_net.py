"""Differential tests of `describe` for CertificateSigningRequest, ServiceCIDR and IPAddress: kubectl
(the oracle) against kubectl-py on objects made here (CSRs made with `openssl req`, then approved or
denied with `kubectl certificate`; a ServiceCIDR of the test's own; the IPAddress allocated to a
Service and one made by hand) and on the cluster's own ServiceCIDR and IPAddresses."""

from __future__ import annotations

import base64
import json
import random
import subprocess
import uuid

import pytest
from cluster_objects import create, event_about
from describe_diff import assert_same_describe
from harness import oracle_json

CERTS = "certificates.k8s.io/v1"


def _request(tmp_path, subject: str, alt_names: str | None = None) -> str:
    """A PEM certificate request made by openssl, base64-encoded for ``spec.request``."""
    out = tmp_path / f"{uuid.uuid4().hex}.csr"
    args = [
        "openssl",
        "req",
        "-new",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        str(tmp_path / "key.pem"),
        "-out",
        str(out),
        "-subj",
        subject,
    ]
    if alt_names:
        args += ["-addext", f"subjectAltName={alt_names}"]
    subprocess.run(args, check=True, capture_output=True)
    return base64.b64encode(out.read_bytes()).decode()


def _csr(name: str, request: str, metadata: dict | None = None, **spec) -> dict:
    spec = {"request": request, "signerName": "example.com/signer", "usages": ["client auth"], **spec}
    return {
        "apiVersion": CERTS,
        "kind": "CertificateSigningRequest",
        "metadata": {"name": name, **(metadata or {})},
        "spec": spec,
    }


def _issue_and_fail(kubectl, tmp, name: str) -> None:
    """What a signer writes: a certificate (self-signed here, made by openssl), and a Failed condition."""
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            str(tmp / "cert-key.pem"),
            "-out",
            str(tmp / "cert.pem"),
            "-subj",
            "/CN=erin",
            "-days",
            "1",
        ],
        check=True,
        capture_output=True,
    )
    certificate = base64.b64encode((tmp / "cert.pem").read_bytes()).decode()
    patch = [
        {"op": "add", "path": "/status/certificate", "value": certificate},
        {
            "op": "add",
            "path": "/status/conditions/-",
            "value": {"type": "Failed", "status": "True", "reason": "SignerFailed", "message": "test"},
        },
    ]
    proc = kubectl(["patch", "csr", name, "--subresource=status", "--type=json", "-p", json.dumps(patch)])
    assert proc.returncode == 0, proc.stderr


@pytest.fixture(scope="module")
def csrs(kubectl, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("csr")
    suffix = uuid.uuid4().hex[:6]
    names = {v: f"kpy-{v}-{suffix}" for v in ("full", "approved", "denied", "minimal", "applied", "issued")}
    events = []
    full_subject = "/CN=alice/O=dev/O=ops/OU=team/C=DE/L=Berlin/ST=BE/serialNumber=42/street=Main 1/postalCode=10115"
    sans = "DNS:a.example.com,DNS:b.example.com,email:a@example.com,IP:10.0.0.1,IP:fd00::1,URI:spiffe://example/x"
    try:
        create(
            kubectl,
            [
                _csr(
                    names["full"],
                    _request(tmp, full_subject, sans),
                    expirationSeconds=86400 * 3,
                    usages=["digital signature", "client auth"],
                ),
                _csr(names["approved"], _request(tmp, "/CN=bob/O=system:masters")),
                _csr(
                    names["denied"],
                    _request(tmp, "/CN=mallory", "DNS:evil.example.com"),
                    signerName="kubernetes.io/kube-apiserver-client",
                    expirationSeconds=600,
                ),
                _csr(
                    names["minimal"],
                    _request(tmp, "/CN=carol"),
                    usages=["server auth"],
                    metadata={"labels": {"b": "2", "a": "1"}, "annotations": {"note": "n"}},
                ),
                _csr(names["issued"], _request(tmp, "/CN=erin")),
            ],
        )
        create(kubectl, [_csr(names["applied"], _request(tmp, "/CN=dave"))], verb="apply")
        for verb, key in (("approve", "approved"), ("deny", "denied"), ("approve", "issued")):
            proc = kubectl(["certificate", verb, names[key]])
            assert proc.returncode == 0, proc.stderr
        _issue_and_fail(kubectl, tmp, names["issued"])
        obj = oracle_json(kubectl, "get", "csr", names["full"])
        events.append(event_about(kubectl, obj, "Checked", "the request was checked", count=2))
        yield names
    finally:
        for name in names.values():
            kubectl(["delete", "csr", name, "--wait=false"])
        for namespace, name in events:
            kubectl(["delete", "event", "-n", namespace, name, "--wait=false"])


@pytest.mark.parametrize("variant", ["full", "approved", "denied", "minimal", "applied", "issued"])
def test_csrs_match_kubectl(kubectl, csrs, variant):
    docs = assert_same_describe(kubectl, "csr", csrs[variant], None)
    assert len(docs) == 1 and docs[0]["warnings"] == []
    doc, obj = docs[0], oracle_json(kubectl, "get", "csr", csrs[variant])
    conditions = (obj.get("status") or {}).get("conditions") or []
    assert [c["type"] for c in doc["conditions"]] == [c["type"] for c in conditions]
    assert doc["requestingUser"] == obj["spec"]["username"]
    assert doc["issued"] == bool((obj.get("status") or {}).get("certificate"))
    assert "BEGIN CERTIFICATE" not in json.dumps(doc)


def test_csr_document_holds_the_parsed_request(kubectl, csrs):
    doc = assert_same_describe(kubectl, "certificatesigningrequest", csrs["full"], None)[0]
    # what openssl put in, read back by the oracle
    text = kubectl(["describe", "csr", csrs["full"]]).stdout
    request = doc["request"]
    assert request["subject"]["organization"] == ["dev", "ops"] and "Organization:" in text
    assert request["subjectAlternativeNames"]["ipAddresses"] == ["10.0.0.1", "fd00::1"] and "fd00::1" in text
    assert doc["status"] == "Pending" and len(doc["events"]) == 1
    assert "-----BEGIN" not in str(doc)


def test_several_csrs_match_kubectl(kubectl, csrs):
    assert_same_describe(kubectl, "csr", None, None, names=[csrs["approved"], csrs["denied"]])


@pytest.fixture(scope="module")
def network_objects(kubectl):
    suffix = uuid.uuid4().hex[:6]
    octet = random.randint(1, 250)
    cidr_name, ip_name = f"kpy-cidr-{suffix}", f"10.250.{octet}.200"
    events = []
    made = []
    try:
        create(
            kubectl,
            [
                {
                    "apiVersion": "networking.k8s.io/v1",
                    "kind": "ServiceCIDR",
                    "metadata": {"name": cidr_name, "labels": {"x": "y"}, "annotations": {"note": "z" * 150}},
                    "spec": {"cidrs": [f"10.250.{octet}.0/24", f"fd00:250:{octet:x}::/112"]},
                }
            ],
        )
        made.append(("servicecidr", cidr_name))
        create(
            kubectl,
            [
                {
                    "apiVersion": "networking.k8s.io/v1",
                    "kind": "IPAddress",
                    "metadata": {"name": ip_name, "labels": {"made-by": "kpy-test"}},
                    "spec": {
                        "parentRef": {
                            "group": "gateway.networking.k8s.io",
                            "resource": "gateways",
                            "namespace": "default",
                            "name": "gw",
                        }
                    },
                }
            ],
        )
        made.append(("ipaddress", ip_name))
        events.append(event_about(kubectl, oracle_json(kubectl, "get", "servicecidr", cidr_name), "Checked", "ok"))
        events.append(event_about(kubectl, oracle_json(kubectl, "get", "ipaddress", ip_name), "Checked", "ok", 5))
        yield {"servicecidr": cidr_name, "ipaddress": ip_name}
    finally:
        for kind, name in made:
            kubectl(["delete", kind, name, "--wait=false"])
        for namespace, name in events:
            kubectl(["delete", "event", "-n", namespace, name, "--wait=false"])


@pytest.mark.parametrize("kind", ["servicecidr", "ipaddress"])
def test_network_objects_match_kubectl(kubectl, network_objects, kind):
    docs = assert_same_describe(kubectl, kind, network_objects[kind], None)
    assert len(docs) == 1 and docs[0]["warnings"] == [] and len(docs[0]["events"]) == 1


def test_cluster_service_cidr_and_addresses_match_kubectl(kubectl):
    doc = assert_same_describe(kubectl, "servicecidr", "kubernetes", None, context="kpy-a")[0]
    obj = oracle_json(kubectl, "get", "servicecidr", "kubernetes", context="kpy-a")
    assert doc["cidrs"] == obj["spec"]["cidrs"]
    assert [c["type"] for c in doc["conditions"]] == [c["type"] for c in obj["status"]["conditions"]]
    assert_same_describe(kubectl, "ipaddresses", None, None, context="kpy-a")
    assert_same_describe(kubectl, "servicecidrs", None, None, context="kpy-b")


def test_service_ip_address_matches_kubectl(kubectl, namespace):
    create(
        kubectl,
        [
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": "web", "namespace": namespace},
                "spec": {"ports": [{"port": 80}]},
            }
        ],
    )
    ip = oracle_json(kubectl, "get", "service", "web", "-n", namespace)["spec"]["clusterIP"]
    doc = assert_same_describe(kubectl, "ipaddress", ip, None)[0]
    assert doc["parentRef"] == {"group": "", "resource": "services", "namespace": namespace, "name": "web"}
