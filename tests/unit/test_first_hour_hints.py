"""Issue 19, the first hour: errors that say what to do instead. Did-you-mean for contexts, resource types and
flags (kubectl_py/suggest.py, cobra's rule), the flag of a sibling plugin named where it lives (cli/runner.py),
and file parse errors with their line and column (kube/parse_errors.py). The live side is
tests/integration/test_first_hour.py."""

import json
import sys

import pytest
import yaml

from kubectl_py import suggest
from kubectl_py.cli import flagtable, runner
from kubectl_py.errors import ConfigError, UnknownResource
from kubectl_py.kube import kubeconfig, parse_errors
from kubectl_py.kube.builtin_resources import offline_discovery


# -- cobra's suggestion rule --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "a, b, expected",
    [
        ("", "", 0),
        ("kpy-a", "kpy-a", 0),
        ("kpy-c", "kpy-a", 1),
        ("deploymnet", "deployment", 2),
        ("Pods", "pods", 0),
        ("kitten", "sitting", 3),
        ("abc", "", 3),
    ],
)
def test_levenshtein_distance_ignores_case(a, b, expected):
    assert suggest.distance(a, b) == expected == suggest.distance(b, a)


def test_close_names_are_within_two_edits_or_begin_with_what_was_typed():
    names = ["deployments", "deployment", "deploy", "daemonsets", "pods"]
    assert suggest.close_names("deploymnet", names) == ["deployment"]  # "deployments" is 3 edits away
    # "deploy" is one edit away; the others begin with what was typed
    assert suggest.close_names("deploym", names) == ["deploy", "deployment", "deployments"]
    assert suggest.close_names("zzzz", names) == []
    assert suggest.close_names("", names) == []
    assert len(suggest.close_names("d", ["da", "db", "dc", "dd"])) == suggest.MAX_SHOWN


def fleet(names, current=None):
    doc = {
        "clusters": [{"name": "c", "cluster": {"server": "https://127.0.0.1:1"}}],
        "users": [{"name": "u", "user": {"token": "t"}}],
        "contexts": [{"name": n, "context": {"cluster": "c", "user": "u"}} for n in names],
        "current-context": current or names[0],
    }
    return kubeconfig.merge([("/nowhere/config", doc)])


def test_an_unknown_context_suggests_the_close_ones():
    config = fleet(["prod-eu", "prod-us", "staging"])
    with pytest.raises(ConfigError) as info:
        kubeconfig.select_contexts(config, ["prod-ue"])
    # closest first: prod-us is one edit away, prod-eu two
    assert info.value.user_message() == 'error: context "prod-ue" does not exist; did you mean "prod-us" or "prod-eu"?'
    with pytest.raises(ConfigError) as info:
        kubeconfig.select_contexts(config, ["qa"])
    assert info.value.user_message() == 'error: context "qa" does not exist'  # nothing close: kubectl's line alone


def test_an_unknown_type_suggests_one_name_per_type():
    discovery = offline_discovery([])
    with pytest.raises(UnknownResource) as info:
        discovery.resolve("deploymnet")
    assert str(info.value) == 'the server doesn\'t have a resource type "deploymnet"; did you mean "deployment"?'
    assert discovery.suggestion("pdos").startswith('; did you mean "pods"')
    assert discovery.suggestion("qqqqqqqq") == ""
    for name in suggest.close_names("pdos", [n for n in ("pods", "pod", "po")]):
        assert discovery.find(name) is not None, "every suggestion resolves"


# -- a flag asked of the wrong plugin -----------------------------------------------------------------------------
def test_the_issues_example():
    assert runner.unknown_option("py-describe", "--sum") == (
        "No such option: --sum; --sum is a py-query option: kubectl py-query TYPE --describe --group-by ... --sum ..."
    )


FOREIGN = [(plugin, entry) for plugin in flagtable.PLUGINS for entry in flagtable.FLAGS if not entry.in_plugin(plugin)]


@pytest.mark.parametrize("plugin, entry", FOREIGN, ids=[f"{p}{e.long}" for p, e in FOREIGN])
def test_every_flag_of_a_sibling_says_where_it_lives(plugin, entry):
    message = runner.unknown_option(plugin, entry.long)
    head, _, hint = message.partition("; ")
    assert head == f"No such option: {entry.long}"
    owners = [p for p in flagtable.PLUGINS if entry.in_plugin(p)]
    assert hint.startswith(f"{entry.long} is a "), message
    assert all(owner in hint.split(" option:")[0] for owner in owners), message
    command = hint.split(" option: ", 1)[1]
    assert command.startswith(flagtable.COMMAND_LINES.get(owners[0], f"kubectl {owners[0]}")), message
    # every flag the hint writes belongs to the plugin it names
    for word in command.split():
        if word.startswith("--"):
            assert flagtable.flag(word).in_plugin(owners[0]), (message, word)


def test_a_misspelt_flag_is_named_and_a_sibling_one_placed():
    assert runner.unknown_option("py-query", "--sortby") == "No such option: --sortby; did you mean --sort-by?"
    assert (
        runner.unknown_option("py-nodeports", "--all-node") == "No such option: --all-node; did you mean --all-nodes?"
    )
    assert runner.unknown_option("py-describe", "--sums").startswith(
        "No such option: --sums; did you mean --sum? --sum is a py-query option: kubectl py-query TYPE --describe"
    )
    assert runner.unknown_option("py-query", "--no-such-flag-at-all") == "No such option: --no-such-flag-at-all"


def test_version_is_one_table_entry_of_every_plugin_that_no_command_declares():
    entry = flagtable.flag("--version")
    assert all(entry.in_plugin(p) for p in flagtable.PLUGINS) and entry.kind == "bool"
    assert entry not in flagtable.connection_flags()


def test_version_text_names_this_interpreter_and_install():
    import platform

    import kubectl_py

    lines = runner.version_text("py-query").splitlines()
    assert lines[0] == f"kubectl py-query {kubectl_py.__version__}"
    assert lines[1] == f"Python {platform.python_version()} ({sys.executable})"
    assert lines[2].startswith("installed from: ")


# -- parse errors with their place --------------------------------------------------------------------------------
def _offline_error(tmp_path, name: str, text: str) -> str:
    from kubectl_py.errors import UsageError
    from kubectl_py.kube.offline import load_dump

    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(UsageError) as info:
        load_dump([str(path)])
    return str(info.value)


def test_a_json_file_error_carries_the_line_and_column_pythons_parser_reports(tmp_path):
    text = '\n\n{"apiVersion": "v1", "kind": "List",\n "items": [{"kind": "Pod",, }]}\n'
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        expected = f"line {exc.lineno}, column {exc.colno}: {exc.msg}"
    message = _offline_error(tmp_path, "bad.json", text)
    assert message == f"error parsing {tmp_path / 'bad.json'}: {expected}"
    assert ": line 4, column " in message  # leading blank lines count: the file's own line numbers


@pytest.mark.parametrize("loader", ["SafeLoader", "CSafeLoader"])
def test_yaml_errors_carry_the_mark_of_either_loader(loader):
    if not hasattr(yaml, loader):
        loader = "SafeLoader"  # a PyYAML without libyaml (the release archive's) has the pure loader only
    text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n   bad: 1\n"
    with pytest.raises(yaml.YAMLError) as info:
        yaml.load(text, Loader=getattr(yaml, loader))
    mark = info.value.problem_mark
    assert parse_errors.yaml_problem(info.value).startswith(f"line {mark.line + 1}, column {mark.column + 1}: ")
    assert (mark.line + 1, mark.column + 1) == (5, 7)


def test_a_control_character_is_placed_too(tmp_path):
    message = _offline_error(tmp_path, "ctl.yaml", "\n\nkind: Pod\nmetadata: {name: \"\x01\"}\n")
    assert ": line 4, column 19: " in message


def test_a_malformed_kubeconfig_names_file_line_and_column(tmp_path):
    path = tmp_path / "config"
    path.write_text("apiVersion: v1\nclusters:\n- name: x\n  cluster: {server: \"https://a\"\n")
    with pytest.raises(ConfigError) as info:
        kubeconfig.load(str(path))
    assert str(info.value).startswith(f'error loading config file "{path}": line 5, column 1: ')
