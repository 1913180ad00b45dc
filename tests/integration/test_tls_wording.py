"""kubectl's words for TLS failures (issue 18, item 10): the line users search for is Go's crypto/x509 text
("x509: certificate signed by unknown authority", "x509: certificate is valid for A, B, not C", "x509:
certificate has expired or is not yet valid: current time ... is after ..."), and the plugins print the same
line as the built kubectl (the oracle) for the same kubeconfig.

The certificates are real: the REAL apiserver of kpy-a verified against another CA or under another name; for
dates and SAN-less certificates, which the running apiserver cannot be given, a TLS endpoint started here
(tests/cluster/proxies.py) serves a certificate signed by kpy-a's CA that is expired, not yet valid, or names
its host only in its Common Name."""

import os
import re
import subprocess

import pytest

from tests.cluster import pki, proxies
from tests.integration.harness import kubectl_plugin
from tests.integration.test_proxies import apiserver, env_with, only_line, proxy_pair, server_fields

RUN_TIMEOUT = 90
RFC3339 = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)"


def cluster_ca(cluster) -> pki.KeyPair:
    a, _ = apiserver(cluster)
    return pki.KeyPair(os.path.join(a.dir, "ca.crt"), os.path.join(a.dir, "ca.key"))


def dated_pair(directory: str, name: str, ca: pki.KeyPair, start: str, end: str) -> pki.KeyPair:
    """A serving certificate for 127.0.0.1/localhost signed by `ca`, valid from `start` to `end` (openssl's
    YYYYMMDDHHMMSSZ): `openssl ca`, since `openssl req -x509` cannot date a certificate in the past."""
    pair = pki.KeyPair(os.path.join(directory, f"{name}.crt"), os.path.join(directory, f"{name}.key"))
    request, config = os.path.join(directory, f"{name}.csr"), os.path.join(directory, f"{name}.cnf")
    database = os.path.join(directory, f"{name}-index.txt")
    serial = os.path.join(directory, f"{name}-serial")
    open(database, "w").close()
    with open(serial, "w") as f:
        f.write("01\n")
    with open(config, "w") as f:
        f.write(
            f"[ca]\ndefault_ca = signer\n[signer]\ndatabase = {database}\nnew_certs_dir = {directory}\n"
            f"serial = {serial}\ndefault_md = sha256\npolicy = anything\nunique_subject = no\n"
            "[anything]\ncommonName = supplied\n[ext]\nbasicConstraints = critical,CA:FALSE\n"
            "keyUsage = critical,digitalSignature,keyEncipherment\nextendedKeyUsage = serverAuth\n"
            "subjectAltName = DNS:localhost,IP:127.0.0.1\n"
        )
    for argv in (
        [
            "req",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            pair.key,
            "-out",
            request,
            "-subj",
            f"/CN={name}",
        ],
        [
            "ca",
            "-batch",
            "-config",
            config,
            "-cert",
            ca.cert,
            "-keyfile",
            ca.key,
            "-in",
            request,
            "-out",
            pair.cert,
            "-startdate",
            start,
            "-enddate",
            end,
            "-extensions",
            "ext",
            "-notext",
        ],
    ):
        proc = subprocess.run(["openssl", *argv], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
    return pair


@pytest.fixture
def endpoints(cluster, tmp_path):
    """TLS endpoints serving certificates the apiserver cannot be given, by name."""
    ca = cluster_ca(cluster)
    pairs = {
        "expired": dated_pair(str(tmp_path), "expired", ca, "20200101000000Z", "20200102000000Z"),
        "not-yet-valid": dated_pair(str(tmp_path), "not-yet-valid", ca, "20990101000000Z", "20990102000000Z"),
        "common-name-only": pki.issue(str(tmp_path), "common-name-only", "localhost", "server", ca),
    }
    tools = {name: proxies.TlsEndpoint(pair) for name, pair in pairs.items()}
    for tool in tools.values():
        tool.start()
    try:
        yield tools
    finally:
        for tool in tools.values():
            tool.stop()


def case_fields(cluster, tmp_path, endpoints, http_proxy, https_proxy):
    """context -> cluster fields: each one TLS failure."""
    other_ca = pki.issue(str(tmp_path), "other-ca", "kpy-other-ca", "ca")
    local = server_fields(cluster, "127.0.0.1")
    return {
        "unknown-authority": dict(local, **{"certificate-authority-data": other_ca.cert_data()}),
        "other-name": dict(local, **{"tls-server-name": "wrong.example"}),
        "other-ip": dict(local, **{"tls-server-name": "192.0.2.7"}),
        "expired": {"server": endpoints["expired"].url},
        "not-yet-valid": {"server": endpoints["not-yet-valid"].url},
        "expired-and-other-name": {"server": endpoints["expired"].url, "tls-server-name": "wrong.example"},
        "common-name-only": {"server": f"https://localhost:{endpoints['common-name-only'].port}"},
        "no-ip-sans": {"server": endpoints["common-name-only"].url},
        "other-name-behind-a-proxy": dict(local, **{"tls-server-name": "wrong.example", "proxy-url": http_proxy.url}),
        "proxy-unknown-authority": dict(
            local, **{"certificate-authority-data": other_ca.cert_data(), "proxy-url": https_proxy.url}
        ),
        "proxy-other-name": dict(local, **{"tls-server-name": "kubernetes", "proxy-url": https_proxy.url}),
    }


CASES = [
    "unknown-authority",
    "other-name",
    "other-ip",
    "expired",
    "not-yet-valid",
    "expired-and-other-name",
    "common-name-only",
    "no-ip-sans",
    "other-name-behind-a-proxy",
    "proxy-unknown-authority",
    "proxy-other-name",
]


def without_now(line: str) -> str:
    """Go prints the current time; two runs are seconds apart."""
    return re.sub(rf"current time {RFC3339} is", "current time NOW is", line)


@pytest.mark.parametrize("context", CASES)
def test_a_tls_failure_reads_as_kubectl_reads_it(cluster, tmp_path, endpoints, context):
    with (
        proxies.HttpConnectProxy() as http_proxy,
        proxies.HttpConnectProxy(tls=proxy_pair(cluster, tmp_path)) as https_proxy,
    ):
        fields = case_fields(cluster, tmp_path, endpoints, http_proxy, https_proxy)
        assert sorted(fields) == sorted(CASES)
        env = env_with(cluster, tmp_path, {context: fields[context]})
        oracle = kubectl_plugin(
            cluster, "get", "ns", "default", "-o", "name", "--context", context, env=env, timeout=RUN_TIMEOUT
        )
        ours = kubectl_plugin(
            cluster, "py-query", "ns", "default", "-o", "name", "--context", context, env=env, timeout=RUN_TIMEOUT
        )
    expected = oracle.err.strip().splitlines()[-1]
    assert oracle.code == 1 and "x509: " in expected, oracle.err
    line = only_line(ours)
    assert ours.code == 1 and ours.out == ""
    assert without_now(line) == without_now(f'{expected} (context "{context}")')
    if "current time" in expected:
        assert re.search(rf"current time {RFC3339} is (after|before) {RFC3339}", line), line


def test_the_names_and_dates_are_read_by_a_handshake_that_sends_nothing(cluster, tmp_path, endpoints):
    """ssl keeps no certificate that failed verification: the plugin reads it with a second handshake (chain
    verified, names and dates not), then closes without sending a byte. kubectl makes no such handshake."""
    cases = {
        "expired": ({"server": endpoints["expired"].url}, endpoints["expired"]),
        "common-name-only": (
            {"server": f"https://localhost:{endpoints['common-name-only'].port}"},
            endpoints["common-name-only"],
        ),
    }
    env = env_with(cluster, tmp_path, {context: fields for context, (fields, _) in cases.items()})
    for context, (_, endpoint) in cases.items():
        oracle = kubectl_plugin(cluster, "get", "ns", "default", "--context", context, env=env, timeout=RUN_TIMEOUT)
        assert oracle.code == 1 and endpoint.handshakes == 0, oracle.err
        ours = kubectl_plugin(cluster, "py-query", "ns", "default", "--context", context, env=env, timeout=RUN_TIMEOUT)
        assert ours.code == 1 and "x509: " in only_line(ours)
        endpoint.wait_idle()
        assert (endpoint.handshakes, endpoint.received) == (1, 0), context
