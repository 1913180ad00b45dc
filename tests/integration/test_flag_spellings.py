"""kubectl's spellings of flags (pflag's), read from the one flag table (kubectl_py/cli/flagtable.py), through
kubectl's plugin dispatch against the real clusters: `-o=json`, `-ojson`, `--output=json`, `-n=demo`, `-ndemo`,
`--all-namespaces=true`, `-A=false`, grouped booleans, ... give what the built kubectl gives for the same words
where kubectl has the command, and the same as the plain spelling in every plugin; a bad boolean is kubectl's
error; `--cache-dir` (one table entry) moves the cache as it says."""

import json
import os

import pytest

from tests.integration.harness import kubectl_plugin, plugin_env

DEMO_ONLY = "--field-selector=metadata.namespace=demo"  # -A, kept to the seeded namespace: others come and go


@pytest.mark.parametrize(
    "args",
    [
        ["-n", "demo", "-o=name"],
        ["-n", "demo", "-oname"],
        ["-n", "demo", "--output=name"],
        ["-n=demo", "-o", "name"],
        ["-ndemo", "-o", "name"],
        ["--namespace=demo", "--output", "name"],
        ["--all-namespaces=true", DEMO_ONLY, "-o", "name"],
        ["-A=true", DEMO_ONLY, "-oname"],
        ["-A", "--all-namespaces=false", "-ndemo", "-o=name"],  # the last one wins
        ["-A=T", DEMO_ONLY, "-o=custom-columns=NAMESPACE:.metadata.namespace,NAME:.metadata.name"],
        ["-Ao=custom-columns=NAME:.metadata.name", DEMO_ONLY],
        ["-ndemo", "--no-headers=true", "-ocustom-columns=NAME:.metadata.name"],
        ["-n=demo", "--no-headers=false", "-o=custom-columns=NAME:.metadata.name"],
        ["-n=demo", '-o=jsonpath={range .items[*]}{.metadata.name}{"\\n"}{end}'],
        ["-l=app=api", "-n=demo", "-o=name"],
        ["--selector", "app=api", "-ndemo", "-o", "name"],
    ],
)
def test_py_query_reads_the_words_as_kubectl_get(cluster, kubectl, args):
    ours = kubectl_plugin(cluster, "py-query", "pods", *args)
    theirs = kubectl(["get", "pods", *args])
    assert theirs.returncode == 0 and theirs.stdout, theirs.stderr
    assert (ours.code, ours.out) == (0, theirs.stdout), ours.err


@pytest.mark.parametrize("args", [["-o=json"], ["-ojson"], ["--output=json"], ["-o", "json"]])
def test_json_spellings(cluster, kubectl, args):
    def names(text):
        return [(i["metadata"]["namespace"], i["metadata"]["name"]) for i in json.loads(text)["items"]]

    ours = kubectl_plugin(cluster, "py-query", "pods", "-n=demo", *args)
    theirs = kubectl(["get", "pods", "-n=demo", *args])
    assert ours.code == 0 and theirs.returncode == 0, ours.err + theirs.stderr
    assert names(ours.out) == names(theirs.stdout) and names(ours.out)


@pytest.mark.parametrize(
    "plugin, spelled, plain",
    [
        (
            "py-describe",
            ["svc", "-n=demo", '-o=jsonpath={range .items[*]}{.name}{"\\n"}{end}'],
            ["svc", "--namespace", "demo", "--output", 'jsonpath={range .items[*]}{.name}{"\\n"}{end}'],
        ),
        (
            "py-describe",
            ["svc", "-ndemo", "--show-events=false", "-ojsonpath={.items[*].name}"],
            ["svc", "-n", "demo", "--show-events", "false", "-o", "jsonpath={.items[*].name}"],
        ),
        (
            "py-nodeports",
            ["-n=demo", "-o=custom-columns=NAME:.name,PORT:.nodePort", "--no-headers=1"],
            ["--namespace", "demo", "--output", "custom-columns=NAME:.name,PORT:.nodePort", "--no-headers"],
        ),
        (
            "py-nodeports",
            ["-A=false", "-ndemo", "--all-nodes=true", "-owide"],
            ["-n", "demo", "--all-nodes", "-o", "wide"],
        ),
        (
            "py-diff",
            ["cm", "-n=demo", "--context=kpy-a,kpy-b", "--include-status=false", "-o=wide"],
            ["cm", "-n", "demo", "--context", "kpy-a", "--context", "kpy-b", "-o", "wide"],
        ),
        (
            "py-query",
            ["deploy,svc", "-n=demo", "--context=kpy-a,kpy-b", "-Ao=name", DEMO_ONLY],
            ["deploy,svc", "--context", "kpy-a,kpy-b", "--all-namespaces", "--output", "name", DEMO_ONLY],
        ),
    ],
)
def test_every_plugin_reads_kubectls_spellings_as_the_plain_ones(cluster, plugin, spelled, plain):
    ours, reference = kubectl_plugin(cluster, plugin, *spelled), kubectl_plugin(cluster, plugin, *plain)
    assert reference.out, reference.err
    assert (ours.code, ours.out, ours.err) == (reference.code, reference.out, reference.err)


@pytest.mark.parametrize("flag", ["--all-namespaces=x", "-A=maybe", "--no-headers=yes", "--all-namespaces="])
def test_a_bad_boolean_is_kubectls_error(cluster, kubectl, flag):
    ours = kubectl_plugin(cluster, "py-query", "pods", flag)
    theirs = kubectl(["get", "pods", flag])
    assert theirs.returncode == 1 and ours.code == 1 and ours.out == ""
    assert ours.err == theirs.stderr.splitlines()[0] + "\n"  # kubectl adds "See 'kubectl get --help' for usage."


def test_cache_dir_moves_the_cache(cluster, kubectl, tmp_path):
    ours_dir, theirs_dir, env_dir = tmp_path / "ours", tmp_path / "theirs", tmp_path / "from-env"
    env = plugin_env(cluster, KUBECTL_PY_CACHE_DIR=str(env_dir))
    ours = kubectl_plugin(cluster, "py-query", "ns", "default", "--cache-dir", str(ours_dir), "-o", "name", env=env)
    ours_again = kubectl_plugin(cluster, "py-query", "ns", f"--cache-dir={ours_dir}", "-o=name", env=env)
    theirs = kubectl(["get", "ns", f"--cache-dir={theirs_dir}", "-o=name"])
    assert ours.code == 0 and ours.out == "namespace/default\n", ours.err
    assert (ours_again.code, ours_again.out) == (0, theirs.stdout)
    assert (ours_dir / "discovery").is_dir() and (ours_dir / "dial.json").is_file(), sorted(os.listdir(ours_dir))
    assert not env_dir.exists(), "the flag wins over $KUBECTL_PY_CACHE_DIR"
