"""Proxies as kubectl uses them (issue 18, item 6), against the REAL cluster kpy-a behind real proxies started
here (tests/cluster/proxies.py: HTTP CONNECT, the same over TLS, SOCKS5; each logs the tunnels asked of it).
The built kubectl is the oracle and goes through the same proxy: both tools' tunnels must show in the log, so a
silent direct connection cannot pass for a proxied one.

Servers the tests put in kubeconfigs, and how the proxies route them to the apiserver on 127.0.0.1:
  127.0.0.1                 the apiserver itself: Go never sends loopback through an environment proxy, but a
                            cluster's proxy-url applies to every server
  10.96.0.1                 the kubernetes Service address, named by the apiserver's certificate; not reachable
                            from here without a proxy
  api.kpy-proxy.invalid     a name that never resolves (RFC 6761): only a proxy that resolves it (by its routes)
                            reaches the server; tls-server-name localhost verifies the certificate
"""

import concurrent.futures
import re
import socket
import time
import urllib.parse

import pytest

from tests.cluster import faults, pki, proxies
from tests.integration.harness import kubectl_plugin, plugin_env

NAME = "api.kpy-proxy.invalid"
SERVICE_IP = "10.96.0.1"
ROUTES = {NAME: "127.0.0.1", SERVICE_IP: "127.0.0.1"}
PROXY_VARIABLES = (
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "no_proxy",
    "all_proxy",
)
RUN_TIMEOUT = 90
HUNG_BOUND = 30  # seconds: a proxy that never answers costs at most this (contract: 10-15 s)
BOUND = ["--request-timeout=5s"]  # a direct connection to an unreachable address ends in time (kubectl alike)


def apiserver(cluster):
    (a,) = [c for c in cluster.clusters if c.name == "a"]
    return a, urllib.parse.urlsplit(a.server).port


def server_url(cluster, host):
    _, port = apiserver(cluster)
    return f"https://{'[' + host + ']' if ':' in host else host}:{port}"


def server_fields(cluster, host):
    fields = {"server": server_url(cluster, host)}
    if host == NAME:
        fields["tls-server-name"] = "localhost"
    return fields


def proxy_pair(cluster, tmp_path):
    """A serving certificate for 127.0.0.1/localhost signed by kpy-a's CA, which both tools trust (Go's net/http
    verifies an https proxy with the server's TLS settings, and so do the plugins)."""
    a, _ = apiserver(cluster)
    ca = pki.KeyPair(f"{a.dir}/ca.crt", f"{a.dir}/ca.key")
    return pki.issue(str(tmp_path), "proxy", "kpy-test-proxy", "server", ca, san=["DNS:localhost", "IP:127.0.0.1"])


def env_with(cluster, tmp_path, clusters, **variables):
    kubeconfig = proxies.kubeconfig_with_clusters(cluster.kubeconfig, str(tmp_path / "kubeconfig"), clusters)
    env = plugin_env(
        cluster,
        KUBECONFIG=kubeconfig,
        KUBECTL_PY_CACHE_DIR=str(tmp_path / "kpy-cache"),
        KUBECACHEDIR=str(tmp_path / "kube-cache"),
    )
    for name in PROXY_VARIABLES:  # the machine's own proxy settings must not leak into the test
        env.pop(name, None)
    env.update(variables)
    return env


def traced(cluster, env, proxy, *args):
    """`kubectl args...`; the Run gains `.tunnels`: what the proxy was asked for during it."""
    before = len(proxy.targets)
    run = kubectl_plugin(cluster, *args, env=env, timeout=RUN_TIMEOUT)
    run.tunnels = proxy.targets[before:]
    return run


def only_line(run):
    assert "Traceback" not in run.err, run.err
    lines = run.err.splitlines()
    assert len(lines) == 1, run.err
    return lines[0]


def proxy_url(proxy, credentials=None):
    userinfo = ""
    if credentials:
        userinfo = ":".join(urllib.parse.quote(part, safe="") for part in credentials) + "@"
    return f"{proxy.scheme}://{userinfo}127.0.0.1:{proxy.port}"


def start_proxy(cluster, tmp_path, scheme, credentials=None):
    if scheme == "socks5":
        return proxies.Socks5Proxy(ROUTES, credentials=credentials)
    tls = proxy_pair(cluster, tmp_path) if scheme == "https" else None
    return proxies.HttpConnectProxy(ROUTES, tls=tls, credentials=credentials)


# -- each scheme reaches the cluster through its proxy -------------------------------------------------------
@pytest.mark.parametrize(
    "scheme,via,host,credentials",
    [
        ("http", "proxy-url", "127.0.0.1", None),
        ("https", "proxy-url", "127.0.0.1", None),
        ("socks5", "proxy-url", NAME, None),
        ("http", "proxy-url", NAME, ("kpy", "s3cret:/@")),
        ("socks5", "proxy-url", SERVICE_IP, ("kpy", "s3cret:/@")),
        ("http", "HTTPS_PROXY", SERVICE_IP, None),
        ("https", "HTTPS_PROXY", NAME, None),
        ("socks5", "HTTPS_PROXY", NAME, None),
    ],
    ids=lambda v: v if isinstance(v, str) else ("auth" if v else "-"),
)
def test_the_cluster_is_reached_through_the_proxy(cluster, tmp_path, scheme, via, host, credentials):
    with start_proxy(cluster, tmp_path, scheme, credentials) as proxy:
        fields = server_fields(cluster, host)
        variables = {}
        if via == "proxy-url":
            fields["proxy-url"] = proxy_url(proxy, credentials)
        else:
            variables["HTTPS_PROXY"] = proxy_url(proxy, credentials)
        env = env_with(cluster, tmp_path, {"proxied": fields}, **variables)
        oracle = traced(cluster, env, proxy, "get", "pods", "-n", "demo", "-o", "name", "--context", "proxied")
        ours = traced(cluster, env, proxy, "py-query", "pods", "-n", "demo", "-o", "name", "--context", "proxied")
    assert oracle.code == 0 and oracle.out, oracle.err
    assert (ours.code, ours.out, ours.err) == (0, oracle.out, "")
    target = f"{host}:{apiserver(cluster)[1]}"  # as each client named it: SOCKS5 sends the name, unresolved
    assert oracle.tunnels and set(oracle.tunnels) == {target}, oracle.tunnels
    assert ours.tunnels and set(ours.tunnels) == {target}, ours.tunnels
    if credentials:
        assert credentials[1] not in ours.err + ours.out


def test_a_cluster_proxy_url_is_used_for_loopback_and_despite_no_proxy(cluster, tmp_path):
    """client-go's proxy-url is http.ProxyURL: no loopback exception, no NO_PROXY."""
    with proxies.HttpConnectProxy(ROUTES) as proxy:
        fields = dict(server_fields(cluster, "127.0.0.1"), **{"proxy-url": proxy.url})
        env = env_with(cluster, tmp_path, {"proxied": fields}, NO_PROXY="*")
        oracle = traced(cluster, env, proxy, "get", "ns", "default", "-o", "name", "--context", "proxied")
        ours = traced(cluster, env, proxy, "py-query", "ns", "default", "-o", "name", "--context", "proxied")
    assert oracle.code == 0 and oracle.tunnels, oracle.err
    assert (ours.code, ours.out) == (0, oracle.out) and ours.tunnels, ours.err


# -- a proxy that cannot be reached, or says no ----------------------------------------------------------------
def dead_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize(
    "scheme,via",
    [
        ("http", "proxy-url"),
        ("https", "proxy-url"),
        ("socks5", "proxy-url"),
        ("http", "HTTPS_PROXY"),
        ("socks5", "HTTPS_PROXY"),
    ],
)
def test_a_dead_proxy_is_named_as_the_failure(cluster, tmp_path, scheme, via):
    """kubectl's last line blames the server ("The connection to the server ... was refused"), although what
    refused was the proxy; its own error (logged with -v=6: "Connection error: Get URL: DETAIL") names the
    proxy, and that DETAIL is what the plugins print."""
    port = dead_port()
    url = f"{scheme}://127.0.0.1:{port}"
    if via == "proxy-url":
        env = env_with(cluster, tmp_path, {"proxied": dict(server_fields(cluster, "127.0.0.1"), **{"proxy-url": url})})
    else:
        env = env_with(cluster, tmp_path, {"proxied": server_fields(cluster, SERVICE_IP)}, HTTPS_PROXY=url)
    oracle = kubectl_plugin(
        cluster, "get", "ns", "default", "-o", "name", "--context", "proxied", "-v=6", env=env, timeout=RUN_TIMEOUT
    )
    errors = [
        line.split("Connection error: ", 1)[1] for line in oracle.err.splitlines() if "Connection error: " in line
    ]
    assert oracle.code == 1 and errors, oracle.err
    detail = re.sub(r"^Get \S+: ", "", errors[-1])
    ours = kubectl_plugin(
        cluster, "py-query", "ns", "default", "-o", "name", "--context", "proxied", env=env, timeout=RUN_TIMEOUT
    )
    assert ours.code == 1
    assert only_line(ours) == f'Unable to connect to the server: {detail} (context "proxied")'
    assert f"127.0.0.1:{port}" in detail


def test_a_proxy_that_refuses_is_worded_as_kubectl_words_it(cluster, tmp_path):
    """A tunnel the proxy will not open, credentials it refuses, a plain proxy named https://: kubectl's last
    line; the HTTP proxy's status text alone (Go's words) is followed by the proxy's address."""
    with (
        proxies.HttpConnectProxy(ROUTES) as http_proxy,
        proxies.Socks5Proxy(ROUTES) as socks,
        proxies.HttpConnectProxy(ROUTES, credentials=("kpy", "right")) as guarded,
        proxies.Socks5Proxy(ROUTES, credentials=("kpy", "right")) as socks_guarded,
    ):
        elsewhere = dict(server_fields(cluster, NAME), server=server_url(cluster, "elsewhere.kpy-proxy.invalid"))
        local = server_fields(cluster, "127.0.0.1")
        cases = {  # context: (cluster fields, the proxy asked, whether the plugin adds the HTTP proxy's address)
            "forbidden": (dict(elsewhere, **{"proxy-url": http_proxy.url}), http_proxy, True),
            "not-allowed": (dict(elsewhere, **{"proxy-url": f"socks5://127.0.0.1:{socks.port}"}), socks, False),
            "no-credentials": (dict(local, **{"proxy-url": guarded.url}), guarded, True),
            "wrong-password": (
                dict(local, **{"proxy-url": f"socks5://kpy:b4dpass@127.0.0.1:{socks_guarded.port}"}),
                socks_guarded,
                False,
            ),
            "plain-as-https": (dict(local, **{"proxy-url": f"https://127.0.0.1:{http_proxy.port}"}), None, False),
        }
        env = env_with(cluster, tmp_path, {name: fields for name, (fields, _, _) in cases.items()})
        for context, (_, proxy, names_proxy) in cases.items():
            oracle = kubectl_plugin(
                cluster, "get", "ns", "default", "-o", "name", "--context", context, env=env, timeout=RUN_TIMEOUT
            )
            ours = kubectl_plugin(
                cluster, "py-query", "ns", "default", "-o", "name", "--context", context, env=env, timeout=RUN_TIMEOUT
            )
            expected = oracle.err.strip().splitlines()[-1]
            assert oracle.code == 1 and expected.startswith("Unable to connect to the server: "), oracle.err
            if names_proxy:
                expected += f" (proxy 127.0.0.1:{proxy.port})"
            assert (ours.code, only_line(ours)) == (1, f'{expected} (context "{context}")'), context
            assert "b4dpass" not in ours.err
    assert all(p.connections for p in (http_proxy, socks, guarded, socks_guarded))  # the refusals were theirs


def test_a_hung_proxy_costs_a_bounded_wait_and_is_named(cluster, tmp_path):
    """A proxy that accepts and then says nothing: 10 s for an https proxy's TLS handshake (kubectl's limit),
    15 s for an answer to CONNECT or to SOCKS5 (the plugins' idle limit), then one line naming the step."""
    with faults.HungServer() as hung:
        schemes = ("http", "https", "socks5")
        env = env_with(
            cluster,
            tmp_path,
            {
                scheme: dict(server_fields(cluster, "127.0.0.1"), **{"proxy-url": f"{scheme}://127.0.0.1:{hung.port}"})
                for scheme in schemes
            },
        )

        def run(scheme):
            start = time.monotonic()
            ours = kubectl_plugin(
                cluster, "py-query", "ns", "default", "--context", scheme, env=env, timeout=RUN_TIMEOUT
            )
            return scheme, ours, time.monotonic() - start

        with concurrent.futures.ThreadPoolExecutor(len(schemes)) as pool:
            runs = list(pool.map(run, schemes))
    for scheme, ours, elapsed in runs:
        line = only_line(ours)
        assert ours.code == 1 and elapsed < HUNG_BOUND, (scheme, elapsed, line)
        assert line.startswith("Unable to connect to the server: ") and line.endswith(f'(context "{scheme}")')
        assert f"127.0.0.1:{hung.port}" in line or "proxyconnect tcp: net/http: TLS handshake timeout" in line, line


def test_an_unsupported_proxy_scheme_is_refused_before_any_connection(cluster, tmp_path):
    with proxies.Socks5Proxy(ROUTES) as proxy:
        url = f"socks4://kpy:hidden@127.0.0.1:{proxy.port}"
        env = env_with(cluster, tmp_path, {"socks4": dict(server_fields(cluster, "127.0.0.1"), **{"proxy-url": url})})
        oracle = kubectl_plugin(cluster, "get", "ns", "default", "--context", "socks4", env=env, timeout=RUN_TIMEOUT)
        ours = kubectl_plugin(cluster, "py-query", "ns", "default", "--context", "socks4", env=env, timeout=RUN_TIMEOUT)
    assert oracle.code == 1 and 'unsupported scheme "socks4"' in oracle.err, oracle.err
    reason = oracle.err.strip().splitlines()[-1].split('for cluster "socks4": ', 1)[1]
    line = only_line(ours)
    assert (
        ours.code == 1
        and line.startswith("error: invalid 'proxy-url' \"socks4://kpy:xxxxx@")
        and line.endswith(f'for cluster "socks4": {reason} (context "socks4")')
    ), line  # kubectl's words, naming the cluster whose field it is; the password is not repeated
    assert proxy.connections == 0 and ours.out == ""  # and nothing went anywhere: no silent direct connection


# -- NO_PROXY ------------------------------------------------------------------------------------------------
NO_PROXY_CASES = [  # (server host, NO_PROXY; "{port}" is the apiserver's port)
    (SERVICE_IP, "10.0.0.0/8"),
    (SERVICE_IP, "192.168.0.0/16"),
    (SERVICE_IP, f"{SERVICE_IP}:{{port}}"),
    (SERVICE_IP, f"{SERVICE_IP}:1"),
    (SERVICE_IP, f" example.com , {SERVICE_IP} "),
    (SERVICE_IP, f"[{SERVICE_IP}]:{{port}}"),
    (SERVICE_IP, "0.1"),
    (SERVICE_IP, "*"),
    (NAME, "kpy-proxy.invalid"),
    (NAME, ".kpy-proxy.invalid"),
    (NAME, "*.kpy-proxy.invalid"),
    (NAME, f".{NAME}"),
    (NAME, "proxy.invalid"),
    (NAME, f"{NAME}:{{port}}"),
    (NAME, f"{NAME}:1"),
    (NAME, "10.0.0.0/8"),
    ("127.0.0.1", ""),
    ("localhost", ""),
]


@pytest.mark.parametrize("host,no_proxy", NO_PROXY_CASES)
def test_no_proxy_decides_as_for_kubectl(cluster, tmp_path, host, no_proxy):
    """Whether each tool went through HTTPS_PROXY (by the proxy's log) and whether it got its answer: the
    same for both. Without the proxy, 10.96.0.1 and the .invalid name cannot be reached."""
    no_proxy = no_proxy.replace("{port}", str(apiserver(cluster)[1]))
    with proxies.HttpConnectProxy(ROUTES) as proxy:
        env = env_with(
            cluster, tmp_path, {"env": server_fields(cluster, host)}, HTTPS_PROXY=proxy.url, NO_PROXY=no_proxy
        )
        oracle = traced(cluster, env, proxy, "get", "--raw", "/api/v1/namespaces/default", "--context", "env", *BOUND)
        ours = traced(cluster, env, proxy, "py-query", "ns", "default", "-o", "name", "--context", "env", *BOUND)
    assert (bool(ours.tunnels), ours.code == 0) == (bool(oracle.tunnels), oracle.code == 0), (oracle.err, ours.err)
    if host not in ("127.0.0.1", "localhost"):  # only the proxy leads there
        assert bool(oracle.tunnels) == (oracle.code == 0), oracle.err
    if ours.code:
        only_line(ours)


def test_no_proxy_cases_cover_both_outcomes(cluster, tmp_path):
    """The cases above are worth something only if kubectl goes through the proxy for some and not others."""
    port = str(apiserver(cluster)[1])
    outcomes = set()
    with proxies.HttpConnectProxy(ROUTES) as proxy:
        for host, no_proxy in (NO_PROXY_CASES[0], NO_PROXY_CASES[1]):
            env = env_with(
                cluster,
                tmp_path,
                {"env": server_fields(cluster, host)},
                HTTPS_PROXY=proxy.url,
                NO_PROXY=no_proxy.replace("{port}", port),
            )
            outcomes.add(
                bool(traced(cluster, env, proxy, "get", "--raw", "/version", "--context", "env", *BOUND).tunnels)
            )
    assert outcomes == {True, False}
