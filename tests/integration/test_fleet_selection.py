"""Fleet selection through kubectl's plugin dispatch, against the real clusters: --context globs,
--exclude-context, --parallel, --disable-compression. A kubeconfig written per test names the two test
servers several times (prod-b and prod-a reuse kpy-b's and kpy-a's entries, staging-a kpy-a's, and kpy-down
is the closed port); the oracle is the built kubectl, run once per matching context."""

import subprocess
from fnmatch import fnmatchcase

import pytest
import yaml

from tests.integration.harness import kubectl_plugin, plugin_env

PLUGINS = ("py-nodeports", "py-describe", "py-query")
# not sorted on purpose: selections follow the kubeconfig's order, kubectl's get-contexts sorts
FLEET = {"staging-a": "kpy-a", "prod-b": "kpy-b", "kpy-down": "kpy-down", "prod-a": "kpy-a"}
NAMES = '{range .items[*]}{.context}{" "}{.metadata.name}{"\\n"}{end}'


@pytest.fixture
def fleet(cluster, tmp_path):
    """The path of a kubeconfig with the FLEET contexts (current: prod-a)."""
    with open(cluster.kubeconfig) as fh:
        base = yaml.safe_load(fh)
    contexts = {c["name"]: c["context"] for c in base["contexts"]}
    doc = dict(base, contexts=[{"name": name, "context": dict(contexts[source])} for name, source in FLEET.items()])
    doc["current-context"] = "prod-a"
    path = tmp_path / "fleet.kubeconfig"
    path.write_text(yaml.safe_dump(doc))
    return str(path)


def plugin(cluster, fleet, *args):
    return kubectl_plugin(cluster, *args, env=plugin_env(cluster, KUBECONFIG=fleet))


def oracle_contexts(kubectl, fleet, pattern):
    """The contexts a glob selects, from kubectl's own list of them, in the kubeconfig's order."""
    proc = kubectl(["--kubeconfig", fleet, "config", "get-contexts", "-o", "name"])
    assert proc.returncode == 0, proc.stderr
    known = set(proc.stdout.split())
    return [name for name in FLEET if name in known and fnmatchcase(name, pattern)]


def oracle_nodes(kubectl, fleet, contexts):
    """``CONTEXT NAME`` lines of every node, from the oracle kubectl run once per context."""
    lines = []
    for context in contexts:
        proc = kubectl(
            [
                "--kubeconfig",
                fleet,
                "--context",
                context,
                "get",
                "nodes",
                "-o",
                'jsonpath={range .items[*]}{.metadata.name}{"\\n"}{end}',
            ]
        )
        assert proc.returncode == 0, proc.stderr
        lines += [f"{context} {name}" for name in proc.stdout.split()]
    return lines


def test_a_glob_answers_from_exactly_the_matching_contexts(cluster, kubectl, fleet):
    expected_contexts = oracle_contexts(kubectl, fleet, "prod-*")
    assert expected_contexts == ["prod-b", "prod-a"]
    run = plugin(cluster, fleet, "py-query", "nodes", "--context", "prod-*", "-o", "json")
    assert run.code == 0, run.err
    doc = run.json()
    assert [(c["context"], c["status"]) for c in doc["contexts"]] == [(c, "ok") for c in expected_contexts]
    mine = [f"{item['context']} {item['metadata']['name']}" for item in doc["items"]]
    assert mine == oracle_nodes(kubectl, fleet, expected_contexts)


def test_a_glob_fills_the_context_column(cluster, kubectl, fleet):
    run = plugin(cluster, fleet, "py-query", "nodes", "--context", "prod-?", "--no-headers")
    assert run.code == 0, run.err
    assert [" ".join(line.split()[:2]) for line in run.lines()] == oracle_nodes(
        kubectl, fleet, oracle_contexts(kubectl, fleet, "prod-?")
    )


def test_globs_and_names_mix_and_a_failing_match_is_reported(cluster, kubectl, fleet):
    run = plugin(cluster, fleet, "py-describe", "nodes", "--context", "kpy-*,staging-a", "-o", "json")
    assert run.code == 1
    doc = run.json()
    assert [(c["context"], c["status"]) for c in doc["contexts"]] == [("kpy-down", "unreachable"), ("staging-a", "ok")]
    assert [d["name"] for d in doc["items"]] == [
        line.split()[1] for line in oracle_nodes(kubectl, fleet, ["staging-a"])
    ]
    assert run.err.count("\n") == 1 and 'context "kpy-down"' in run.err


def test_exclude_context_narrows_all_contexts(cluster, kubectl, fleet):
    run = plugin(
        cluster,
        fleet,
        "py-query",
        "nodes",
        "--all-contexts",
        "--exclude-context",
        "staging-*,kpy-down",
        "-o",
        f"jsonpath={NAMES}",
    )
    assert run.code == 0, run.err
    assert run.lines() == oracle_nodes(kubectl, fleet, ["prod-b", "prod-a"])
    # repeated flags, and the status records
    run = plugin(
        cluster,
        fleet,
        "py-nodeports",
        "--all-contexts",
        "--exclude-context",
        "staging-*",
        "--exclude-context",
        "kpy-down",
        "-o",
        "json",
    )
    assert run.code == 0, run.err
    assert [c["context"] for c in run.json()["contexts"]] == ["prod-b", "prod-a"]


def test_exclude_context_narrows_a_context_glob_and_the_current_context(cluster, kubectl, fleet):
    run = plugin(cluster, fleet, "py-query", "nodes", "--context", "*a", "--exclude-context", "staging-a", "-o", "name")
    assert run.code == 0, run.err
    names = [line.split()[1] for line in oracle_nodes(kubectl, fleet, ["prod-a"])]
    assert run.lines() == [f"node/{n}" for n in names]  # one context left: no context column
    # no --context: the current context (prod-a), unless excluded
    run = plugin(cluster, fleet, "py-query", "nodes", "--exclude-context", "staging-*", "-o", "name")
    assert run.code == 0, run.err
    assert run.lines() == [f"node/{n}" for n in names]


@pytest.mark.parametrize(
    "args",
    [
        ["py-query", "nodes", "--all-contexts", "-o", "name"],
        ["py-nodeports", "--all-contexts", "-n", "demo"],
        [
            "py-describe",
            "nodes",
            "--context",
            "prod-*,staging-a",
            "-o",
            'jsonpath={range .items[*]}{.context}{" "}{.name}{" "}{.allocatedResources.cpu.requestsPercent}{"\\n"}{end}',
        ],
    ],
)
def test_parallel_1_gives_the_default_output(cluster, fleet, args):
    default = plugin(cluster, fleet, *args)
    assert default.out, default.err
    for parallel in ("1", "2"):
        bounded = plugin(cluster, fleet, *args, "--parallel", parallel)
        assert (bounded.code, bounded.out, bounded.err) == (default.code, default.out, default.err)


def test_an_unknown_context_fails_before_any_context_is_read(cluster, kubectl, fleet):
    # kubectl fails too (its own line: "Error in configuration: context was not found for specified context")
    oracle = kubectl(["--kubeconfig", fleet, "--context", "nope", "get", "nodes"])
    assert oracle.returncode == 1 and "nope" in oracle.stderr
    run = plugin(cluster, fleet, "py-query", "nodes", "--context", "prod-a,nope")
    assert (run.code, run.out, run.err) == (1, "", 'error: context "nope" does not exist\n')


@pytest.mark.parametrize(
    "args, message",
    [
        (["--context", "qa-*"], 'error: no context matches "qa-*"'),
        (["--all-contexts", "--exclude-context", "*"], 'error: --exclude-context "*" excludes every selected context'),
        (["--exclude-context", "prod-*"], 'error: --exclude-context "prod-*" excludes every selected context'),
        (["--parallel", "0"], "error: --parallel must be 1 or greater"),
        (["--parallel", "-2"], "error: --parallel must be 1 or greater"),
        (["--parallel", "many"], "many"),
        (["--parallel"], "--parallel"),
    ],
)
@pytest.mark.parametrize("plugin_name", PLUGINS)
def test_flag_errors_are_one_line_and_exit_1(cluster, fleet, plugin_name, args, message):
    words = [plugin_name] + (["nodes"] if plugin_name != "py-nodeports" else []) + args
    run = plugin(cluster, fleet, *words)
    assert run.code == 1 and run.out == "" and run.err.count("\n") == 1, run
    assert message in run.err and run.err.startswith("error: ") and "Traceback" not in run.err


# stable answers (other tests create pods and services meanwhile): node names, the demo namespace's node ports
STABLE = {
    "py-query": ["nodes", "-o", f"jsonpath={NAMES}"],
    "py-describe": ["nodes", "-o", 'jsonpath={range .items[*]}{.context}{" "}{.name}{"\\n"}{end}'],
    "py-nodeports": ["-n", "demo", "-o", 'jsonpath={range .items[*]}{.context} {.name} {.nodePort}{"\\n"}{end}'],
}


@pytest.mark.parametrize("plugin_name", PLUGINS)
def test_disable_compression_is_accepted_and_documented(cluster, kubectl, fleet, plugin_name):
    help_text = plugin(cluster, fleet, plugin_name, "--help")
    assert help_text.code == 0, help_text.err
    flat = " ".join(help_text.out.split())
    assert "--disable-compression If true, opt-out of response compression for all requests to the server" in flat
    assert "--exclude-context" in flat and "--parallel" in flat
    words = [plugin_name, *STABLE[plugin_name], "--context", "prod-*"]
    plain = plugin(cluster, fleet, *words)
    assert plain.code == 0 and plain.out, plain.err
    for flag in ("--disable-compression", "--disable-compression=true", "--disable-compression=false"):
        run = plugin(cluster, fleet, *words, flag)
        assert (run.code, run.out, run.err) == (0, plain.out, plain.err)
    # the kubeconfig's cluster field, which kubectl reads too
    with open(fleet) as fh:
        doc = yaml.safe_load(fh)
    for entry in doc["clusters"]:
        entry["cluster"]["disable-compression"] = True
    uncompressed = fleet + ".uncompressed"
    with open(uncompressed, "w") as fh:
        yaml.safe_dump(doc, fh)
    assert kubectl(["--kubeconfig", uncompressed, "--context", "prod-a", "get", "nodes"]).returncode == 0
    run = plugin(cluster, uncompressed, *words)
    assert (run.code, run.out, run.err) == (0, plain.out, plain.err)


def complete(cluster, fleet, *words):
    """Candidate lines (and the directive) of `kubectl __complete py-query words...`, through the helper."""
    proc = subprocess.run(
        [cluster.kubectl, "__complete", "py-query", *words],
        capture_output=True,
        text=True,
        timeout=60,
        env=plugin_env(cluster, KUBECONFIG=fleet),
    )
    assert proc.returncode == 0 and "About to call:" in proc.stderr, proc.stderr
    return proc.stdout.splitlines()


def test_completion_of_the_context_flags(cluster, kubectl, fleet):
    contexts = sorted(kubectl(["--kubeconfig", fleet, "config", "get-contexts", "-o", "name"]).stdout.split())
    assert complete(cluster, fleet, "--exclude-context", "") == contexts + [":4"]
    assert complete(cluster, fleet, "--exclude-context", "prod-b,") == [
        f"prod-b,{c}" for c in contexts if c != "prod-b"
    ] + [":4"]
    # object names come from the contexts a glob selects, minus the excluded ones
    nodes = sorted({line.split()[1] for line in oracle_nodes(kubectl, fleet, ["prod-b"])})
    assert complete(cluster, fleet, "--context", "prod-*", "--exclude-context", "prod-a", "nodes", "") == nodes + [":4"]
