"""The flag table (kubectl_py/cli/flagtable.py) is the only list of flags: every option of every plugin's
command is an entry of it, as the table says it, and no other module lists flag names. Also its reading of
the command line: kubectl's spellings, the argv click gets, and the early connection's plan."""

import ast
import importlib
import inspect
import re
from pathlib import Path

import pytest

from kubectl_py.cli import complete, flagtable, runner

ROOT = Path(__file__).resolve().parents[2]
FLAG_NAME = re.compile(r"^--?[A-Za-z][\w-]*$")


def scripts(prefix: str) -> dict:
    """{"py-query": "query", ...}: the plugins pyproject.toml installs an executable ``prefix<plugin>`` for,
    with the function of kubectl_py.cli.launch (or .complete) it runs."""
    text = (ROOT / "pyproject.toml").read_text()
    found = re.findall(rf'^{re.escape(prefix)}(\w+)\s*=\s*"kubectl_py\.cli\.\w+:(\w+)"', text, re.M)
    return {f"py-{name}": func for name, func in found}


PLUGINS = scripts("kubectl-py_")


def plugin_module(plugin: str):
    """The module of a plugin's command: launch.X runs kubectl_py/cli/X.py."""
    return importlib.import_module(f"kubectl_py.cli.{PLUGINS[plugin]}")


def options_of(module) -> list:
    """(click option, the command's parameter) of the plugin's command, as typer builds it to run it."""
    command = module.main.command
    parameters = inspect.signature(command).parameters
    click_command = runner.click_command(command)
    return [(param, parameters.get(param.name)) for param in click_command.params if param.param_type_name == "option"]


def test_the_table_knows_every_plugin():
    assert PLUGINS, "no plugin found in pyproject.toml's [project.scripts]"
    assert set(flagtable.PLUGINS) == set(PLUGINS), "each plugin's name in flagtable.PLUGINS, its flags in FLAGS"
    assert set(complete.PLUGINS) == set(scripts("kubectl_complete-py_"))


@pytest.mark.parametrize("plugin", sorted(PLUGINS))
def test_every_option_of_every_plugin_is_its_table_entry(plugin):
    declared = {}
    for option, parameter in options_of(plugin_module(plugin)):
        names = option.opts + option.secondary_opts
        long = next(name for name in names if name.startswith("--"))
        assert long in {f.long for f in flagtable.FLAGS}, f"{plugin} declares {long}, which is not in the flag table"
        entry = flagtable.flag(long)
        assert entry.in_plugin(plugin), f"{plugin} declares {long}, which the table gives to {entry.plugins}"
        assert sorted(names) == sorted(n for n in (entry.long, entry.short) if n), long
        assert option.is_flag == (not entry.takes_value), long
        assert option.multiple == (entry.kind == "strs"), long
        assert option.type.name == {"bool": "boolean", "int": "int"}.get(entry.kind, "str"), long
        if long in ("--help", "--version"):
            assert option.help == entry.help_for(plugin), long
            continue  # click's own, and the runner's (cli/runner.py): no parameter of the command
        assert parameter is not None and parameter.default == entry.default, f"{plugin} {long}: default"
        if long != "--output":  # -o's help lists the plugin's formats
            assert option.help == entry.help_for(plugin).replace("{parallel}", str(_default_parallel())), long
        declared[long] = option
    assert set(declared) | {"--help", "--version"} == {f.long for f in flagtable.for_plugin(plugin)}, (
        "the table gives a flag to a plugin that does not declare it (completion would offer it)"
    )


def _default_parallel():
    from kubectl_py.kube.fanout import DEFAULT_PARALLEL

    return DEFAULT_PARALLEL


@pytest.mark.parametrize("plugin", sorted(complete.PLUGINS))
def test_completion_offers_the_formats_each_plugin_accepts(plugin):
    assert set(complete.PLUGINS[plugin]["formats"]) == set(plugin_module(plugin).FORMATS)


def test_the_table_and_the_code_agree():
    from kubectl_py import nodeports
    from kubectl_py.cli import query
    from kubectl_py.kube import cluster, kubeconfig

    assert flagtable.flag("--address-type").values == nodeports.ADDRESS_TYPES
    assert flagtable.flag("--by").values == query.COUNT_BY
    assert flagtable.flag("--chunk-size").default == cluster.DEFAULT_CHUNK_SIZE
    fields = [f.override for f in flagtable.FLAGS if f.override]
    assert sorted(fields) == sorted(kubeconfig.Overrides.__dataclass_fields__), "each Overrides field, one flag"
    names = [n for f in flagtable.FLAGS for n in (f.long, f.short) if n]
    assert len(names) == len(set(names)), "a name given twice"


def test_no_other_module_lists_flag_names_or_declares_an_option():
    offenders = []
    for path in sorted((ROOT / "kubectl_py").rglob("*.py")):
        if path.name == "flagtable.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            items = (
                node.elts
                if isinstance(node, (ast.Tuple, ast.List, ast.Set))
                else [k for k in node.keys if k is not None]
                if isinstance(node, ast.Dict)
                else []
            )
            if any(
                isinstance(e, ast.Constant) and isinstance(e.value, str) and FLAG_NAME.match(e.value) for e in items
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: a list of flag names")
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "Option"
                and path.name != "flags.py"
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: declares an option")
    assert not offenders, "flags belong in kubectl_py/cli/flagtable.py:\n" + "\n".join(offenders)


# -- reading the command line ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "argv",
    [
        ["-o=json"],
        ["-ojson"],
        ["-o", "json"],
        ["--output=json"],
        ["--output", "json"],
        ["-o=yaml", "-o=json"],
    ],
)
def test_value_spellings(argv):
    line = flagtable.read("py-query", ["pods"] + argv)
    assert (line.last("--output"), line.positionals, line.error) == ("json", ["pods"], None)
    assert line.argv[0] == "pods" and line.argv[-2] in ("-o", "--output") and line.argv[-1] == "json"


def test_a_value_keeps_everything_after_the_first_equals_sign():
    line = flagtable.read("py-query", ["-o=custom-columns=NAME:.metadata.name", "-n=", "--selector=a=b"])
    assert line.values == {
        "--output": ["custom-columns=NAME:.metadata.name"],
        "--namespace": [""],
        "--selector": ["a=b"],
    }


def test_the_word_after_a_flag_that_takes_a_value_is_its_value():
    line = flagtable.read("py-query", ["-l", "--all-namespaces=true", "--sort-by", "-x", "pods"])
    assert line.values == {"--selector": ["--all-namespaces=true"], "--sort-by": ["-x"]}
    assert line.positionals == ["pods"]


@pytest.mark.parametrize(
    "argv, finally_true",
    [
        (["--all-namespaces"], True),
        (["--all-namespaces=true"], True),
        (["-A=T"], True),
        (["-A=1"], True),
        (["-A", "--all-namespaces=false"], False),
        (["-A=0", "-A"], True),
        (["--all-namespaces=False"], False),
    ],
)
def test_boolean_spellings_last_wins(argv, finally_true):
    line = flagtable.read("py-query", ["pods"] + argv)
    assert line.error is None and line.has("--all-namespaces") is finally_true
    assert line.argv == (["--all-namespaces"] if finally_true else []) + ["pods"]


def test_grouped_short_flags():
    line = flagtable.read("py-query", ["-Aw", "-Aojson", "-wl=app=web"])
    assert line.values == {
        "--all-namespaces": ["true", "true"],
        "--watch": ["true", "true"],
        "--output": ["json"],
        "--selector": ["app=web"],
    }
    assert line.argv == ["--all-namespaces", "--watch", "-o", "json", "-l", "app=web"]


@pytest.mark.parametrize("value", ["", "yes", "tRUE", "2"])
def test_a_bad_boolean_is_kubectls_error(value):
    line = flagtable.read("py-query", [f"--all-namespaces={value}"])
    assert line.error == (
        f'invalid argument "{value}" for "-A, --all-namespaces" flag: strconv.ParseBool: '
        f'parsing "{value}": invalid syntax'
    )
    assert flagtable.read("py-query", [f"--count={value}"]).error.startswith(
        f'invalid argument "{value}" for "--count" flag'
    )


def test_unknown_flags_and_double_dash_are_left_to_click():
    line = flagtable.read("py-describe", ["-w", "--count=true", "pods", "--", "-o=json"])
    assert line.argv == ["-w", "--count=true", "pods", "--", "-o=json"]
    assert line.values == {} and line.positionals == ["pods", "-o=json"]


def test_a_flag_waiting_for_its_value():
    line = flagtable.read("py-query", ["pods", "-n"])
    assert line.pending is flagtable.flag("--namespace") and line.argv == ["pods", "-n"]


@pytest.mark.parametrize(
    "argv",
    [
        ["-o=custom-columns=NAME:.metadata.name", "-n=demo", "--all-namespaces=false", "-l", "--x"],
        ["-ocustom-columns=NAME:.metadata.name", "-ndemo", "-A=0", "--selector=--x"],
        ["--output", "custom-columns=NAME:.metadata.name", "--namespace", "demo", "--selector", "--x"],
    ],
)
def test_click_reads_what_kubectl_reads(argv):
    """The argv handed to click gives the command the values kubectl would take from the same words."""
    from kubectl_py.cli import query

    line = flagtable.read("py-query", ["pods"] + argv)
    context = runner.click_command(query.main.command).make_context("kubectl py-query", list(line.argv))
    params = context.params
    assert (params["output"], params["namespace"], params["all_namespaces"], params["selector"]) == (
        "custom-columns=NAME:.metadata.name",
        "demo",
        False,
        "--x",
    )
    assert params["resources"] == "pods"


@pytest.mark.parametrize(
    "argv, plan",
    [
        ([], (None, None)),
        (["pods", "-A", "-o", "name"], (None, None)),
        (["--context", "prod", "svc"], (None, "prod")),
        (["--context=prod", "--kubeconfig=/k"], ("/k", "prod")),
        (["-n=demo", "--chunk-size=10", "--parallel", "2"], (None, None)),
        (["--context", "a,b"], None),  # several contexts: each dials in its own thread
        (["--context", "prod-*"], None),
        (["--context", "a", "--context", "b"], None),
        (["--server", "https://x"], None),  # the connection is not the kubeconfig's
        (["-s=https://x"], None),
        (["--token=t"], None),
        (["--request-timeout", "2s"], None),
        (["-f", "dump.json"], None),
        (["--all-contexts=true"], None),
        (["--all-contexts=false"], (None, None)),
        (["--help"], None),
        (["-h"], None),
        (["--context"], None),  # an error for click
        (["--all-namespaces=maybe"], None),
        (["--", "--server"], (None, None)),  # a name, not a flag
    ],
)
def test_early_connection_only_for_the_plain_case(argv, plan):
    assert flagtable.read("py-query", argv).plan() == plan


def test_overrides_from_the_command_line_and_from_the_options_are_the_same():
    from kubectl_py.cli import options

    argv = [
        "--kubeconfig=/k",
        "--cluster",
        "c",
        "--user=u",
        "-n",
        "ns",
        "-s",
        "https://x",
        "--token=t",
        "--as",
        "me",
        "--as-group=g1",
        "--as-group",
        "g2",
        "--as-uid",
        "1",
        "--certificate-authority=/ca",
        "--client-certificate",
        "/crt",
        "--client-key=/key",
        "--insecure-skip-tls-verify",
        "--tls-server-name=name",
        "--disable-compression=true",
    ]
    line = flagtable.read("py-query", argv)
    from_line = flagtable.overrides(line.typed, request_timeout=None)
    values = {name: default for name, _, default in options._CONNECTION_PARAMS}
    values.update({f.param: line.typed(f) for f in flagtable.connection_flags() if f.long in line.values})
    assert from_line == options._connection_from(values).overrides
    assert (
        from_line.kubeconfig,
        from_line.impersonate_groups,
        from_line.insecure_skip_tls_verify,
        from_line.disable_compression,
        from_line.impersonate,
    ) == ("/k", ("g1", "g2"), True, True, "me")
