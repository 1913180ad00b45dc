"""Cache files planted as symlinks are neither read nor written through (kubectl_py/kube/cache.py), and the
command still answers as kubectl does. Through kubectl's plugin dispatch, against the real apiserver."""

import json
import os
import stat
import time

from tests.cluster import faults
from tests.integration.harness import kubectl_plugin, plugin_env


def query(cluster, env):
    return kubectl_plugin(cluster, "py-query", "ns", "default", "--context", "kpy-a", "-o", "name", env=env)


def test_planted_symlinks_in_the_cache_are_not_followed(cluster, kubectl, tmp_path):
    cache = tmp_path / "cache"
    env = plugin_env(cluster, KUBECTL_PY_CACHE_DIR=str(cache))
    expected = kubectl(["get", "ns", "default", "-o", "name"], context="kpy-a", check=True).stdout
    first = query(cluster, env)
    assert (first.code, first.out) == (0, expected), first.err
    (discovery_file,) = (cache / "discovery").glob("*.json")
    dial_file = cache / "dial.json"

    with faults.HungServer() as planted_server:
        # what an attacker would plant: the dial memory pointing at their server, and a discovery in which
        # namespaces are another resource; both as symlinks to files that must stay as they are
        dial = {key: ["127.0.0.1", planted_server.port] for key in json.loads(dial_file.read_text())}
        discovery = json.loads(discovery_file.read_text())
        for resource in discovery["resources"]:
            if resource["resource"] == "namespaces":
                resource["resource"] = "planted"
        victims = {dial_file: tmp_path / "victim-dial.json", discovery_file: tmp_path / "victim-discovery.json"}
        victims[dial_file].write_text(json.dumps(dial))
        victims[discovery_file].write_text(json.dumps(discovery))
        planted = {victim: victim.read_text() for victim in victims.values()}
        for link, victim in victims.items():
            link.unlink()
            link.symlink_to(victim)

        second = query(cluster, env)
        assert (second.code, second.out, second.err) == (0, expected, "")
        deadline = time.monotonic() + 2  # an early dial to the planted server would be accepted by now
        while planted_server.connections == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert planted_server.connections == 0
    assert {victim: victim.read_text() for victim in victims.values()} == planted
    for link in victims:  # rewritten as private files of their own
        info = os.lstat(link)
        assert stat.S_ISREG(info.st_mode) and stat.S_IMODE(info.st_mode) == 0o600, link
    assert stat.S_IMODE(os.stat(cache).st_mode) == 0o700


def test_a_cache_folder_others_can_write_to_is_not_used(cluster, kubectl, tmp_path):
    cache = tmp_path / "shared"
    cache.mkdir()
    os.chmod(cache, 0o1777)  # like /tmp
    env = plugin_env(cluster, KUBECTL_PY_CACHE_DIR=str(cache))
    expected = kubectl(["get", "ns", "default", "-o", "name"], context="kpy-a", check=True).stdout
    for _ in range(2):
        run = query(cluster, env)
        assert (run.code, run.out, run.err) == (0, expected, "")
    assert os.listdir(cache) == []
