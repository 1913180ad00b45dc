"""The TCP handshake started before the kubeconfig is read (kubectl_py.kube.preconnect), against the REAL
apiserver behind a forwarder that counts connections: a remembered server is dialled once and used; a
remembered server the kubeconfig no longer leads to (gone, or hung) is never used and costs nothing; a
refused server reads as kubectl says it, once. Every run goes through kubectl's plugin dispatch."""

import json
import time

from tests.cluster import faults
from tests.integration.harness import kubectl_plugin, plugin_env

CONTEXT = "kpy-early"


def env_for(cluster, tmp_path, url):
    kubeconfig = faults.kubeconfig_with(cluster.kubeconfig, str(tmp_path / "kubeconfig"), {CONTEXT: url})
    return plugin_env(cluster, KUBECONFIG=kubeconfig, KUBECTL_PY_CACHE_DIR=str(tmp_path / "cache"))


def remembered(tmp_path) -> list:
    return list(json.loads((tmp_path / "cache" / "dial.json").read_text()).values())


def query(cluster, env):
    start = time.monotonic()
    run = kubectl_plugin(cluster, "py-query", "ns", "default", "--context", CONTEXT, "-o", "name", env=env, timeout=60)
    run.elapsed = time.monotonic() - start
    return run


def test_the_remembered_server_is_dialled_once_and_used(cluster, tmp_path):
    with faults.cut_forwarder_for(cluster, None) as forwarder:
        env = env_for(cluster, tmp_path, forwarder.url)
        first = query(cluster, env)  # nothing remembered yet: dials after reading, then remembers
        assert (first.code, first.out) == (0, "namespace/default\n"), first.err
        assert remembered(tmp_path) == [["127.0.0.1", forwarder.port]]
        deadline = time.monotonic() + 5
        while len(forwarder.carried) < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        before = len(forwarder.carried)
        second = query(cluster, env)
        assert (second.code, second.out, second.err) == (0, "namespace/default\n", "")
        deadline = time.monotonic() + 5
        while len(forwarder.carried) < before + 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.2)
        # one connection for the second run, and it carried the answer: the early socket was the one used
        assert len(forwarder.carried) == before + 1 and forwarder.carried[-1] > 0, forwarder.carried


def test_a_remembered_server_the_kubeconfig_no_longer_leads_to_is_not_used(cluster, tmp_path):
    with faults.HungServer() as hung, faults.cut_forwarder_for(cluster, None) as forwarder:
        env = env_for(cluster, tmp_path, forwarder.url)
        assert query(cluster, env).code == 0
        # the files are unchanged but the cache says a hung server (as after an edit made within one mtime tick)
        cache = tmp_path / "cache" / "dial.json"
        cache.write_text(json.dumps({key: ["127.0.0.1", hung.port] for key in json.loads(cache.read_text())}))
        run = query(cluster, env)
        assert (run.code, run.out, run.err) == (0, "namespace/default\n", "")
        assert run.elapsed < 10, run.elapsed
        assert remembered(tmp_path) == [["127.0.0.1", forwarder.port]]


def test_a_refused_server_is_reported_once_as_kubectl_words_it(cluster, tmp_path):
    with faults.cut_forwarder_for(cluster, None) as forwarder:
        env = env_for(cluster, tmp_path, forwarder.url)
        assert query(cluster, env).code == 0
    # the forwarder is gone: the remembered server refuses the early dial and the dial after reading
    run = query(cluster, env)
    assert run.code == 1 and run.out == ""
    assert run.err == (
        f"The connection to the server 127.0.0.1:{forwarder.port} was refused - did you specify "
        f'the right host or port? (context "{CONTEXT}")\n'
    )
