"""py-explore driven in a real pseudo-terminal (pexpect), its screen rebuilt by pyte, against the test clusters;
the built kubectl is the oracle of what the templates print."""

import base64
import json
import shlex
import subprocess

from tests.integration.harness import kubectl_plugin, plugin_env
from tests.integration.terminal_screen import TerminalScreen

PROMPT = "jsonpath> "
TEMPLATE_ROW, CARET_ROW = 0, 1


def _explore(cluster, tmp_path, *args, rows=24, columns=80, env=None, capture="exec {cmd} >{out}"):
    """`kubectl py-explore args` in a terminal, its stdout sent to a file (as `| pbcopy` or `$(...)` would take
    it); the UI must reach the terminal by itself."""
    out = tmp_path / "stdout"
    command = shlex.join([cluster.kubectl, "py-explore", *args])
    script = capture.format(cmd=command, out=shlex.quote(str(out)))
    term = TerminalScreen.spawn(["bash", "-c", script], plugin_env(cluster, **(env or {})), rows, columns)
    term.wait_for(lambda: "objects" in term.row(-1) and "indexing" not in term.row(-1), "the loaded UI")
    return term, out


def _template(term) -> str:
    return term.row(TEMPLATE_ROW)[len(PROMPT) :]


def _echoed(term, before=""):
    """After each key: the template line shows what was typed (after ``before``, typed earlier)."""
    return lambda typed: _template(term) == (before + typed).rstrip()


def _oracle(kubectl, template, *args, context="kpy-a"):
    proc = kubectl(["get", *args, "-o", "jsonpath=" + template], context=context)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def _shows_result(term, text, rows=3):
    """The result pane starts with the first lines of ``text`` (tabs expanded, cut to the pane)."""
    lines = [line.expandtabs(8)[:40] for line in text.splitlines()[:rows]]
    return lambda: all(term.row(TEMPLATE_ROW + 1 + i).startswith(line) for i, line in enumerate(lines))


def test_typed_template_with_a_completion_prints_what_py_query_prints(cluster, kubectl, tmp_path):
    term, out = _explore(cluster, tmp_path, "pods", "-n", "demo", "--context", "kpy-a")
    try:
        term.type("{range .items[*]}{.metadata.na", settle=_echoed(term))
        pods = kubectl(["get", "pods", "-n", "demo", "-o", "name"], context="kpy-a").stdout.split()
        # the menu: the keys present there, with how many items have them
        term.wait_for(
            lambda: any("namespace" in row and f"{len(pods)} string" in row for row in term.rows()),
            "the completion menu",
        )
        term.send("\t")  # Tab takes the first candidate: name
        term.wait_for(lambda: _template(term) == "{range .items[*]}{.metadata.name", "the completed key")
        rest = '}{"\\t"}{.status.phase}{"\\n"}{end}'
        typed = "{range .items[*]}{.metadata.name" + rest
        term.type(rest, settle=_echoed(term, "{range .items[*]}{.metadata.name"))
        expected = _oracle(kubectl, typed, "pods", "-n", "demo")
        term.wait_for(_shows_result(term, expected), "the live result")
        term.send("\r")
        assert term.wait_exit() == 0
    finally:
        term.close()
    printed = out.read_text()
    assert printed == typed + "\n"
    ours = kubectl_plugin(cluster, "py-query", "pods", "-n", "demo", "--context", "kpy-a", "-o", "jsonpath=" + typed)
    assert ours.code == 0, ours.err
    assert ours.out == _oracle(kubectl, printed.rstrip("\n"), "pods", "-n", "demo")


def test_a_bad_template_shows_its_error_in_place_and_esc_prints_nothing(cluster, kubectl, tmp_path):
    template = "{.items[x]}"
    proc = kubectl(["get", "pods", "-n", "demo", "-o", "jsonpath=" + template], context="kpy-a")
    assert proc.returncode == 1
    message = proc.stderr.strip().split(", ", 1)[1]  # kubectl: "error parsing jsonpath T, MESSAGE"
    term, out = _explore(cluster, tmp_path, "pods", "-n", "demo", "--context", "kpy-a")
    try:
        term.type(template, settle=_echoed(term))
        term.wait_for(lambda: message in term.row(CARET_ROW), "the error under the template")
        assert term.row(CARET_ROW).index("^") == len(PROMPT) + template.index("[x]")
        term.send("\x1b")
        assert term.wait_exit() == 130
    finally:
        term.close()
    assert out.read_text() == ""


def test_enter_takes_the_open_menus_candidate_and_print_command_runs(cluster, kubectl, tmp_path):
    # $(...) captures stdout while the UI stays on the terminal; two contexts, {.context} as in py-query
    capture = 'printed=$({cmd}); code=$?; printf "%s" "$printed" >{out}; exit $code'
    term, out = _explore(
        cluster, tmp_path, "svc", "-n", "default", "--context", "kpy-a,kpy-b", "--print-command", capture=capture
    )
    try:
        term.type("{range .items[*]}{.cont", settle=_echoed(term))
        term.wait_for(lambda: any("context" in row and "2 string" in row for row in term.rows()), "the menu")
        term.send("\r")  # the menu is open: Enter takes its first candidate and does not leave
        term.wait_for(lambda: _template(term) == "{range .items[*]}{.context", "the accepted candidate")
        rest = '} {.metadata.name}{"\\n"}{end}'
        term.type(rest, settle=_echoed(term, "{range .items[*]}{.context"))
        template = "{range .items[*]}{.context" + rest
        expected = "".join(
            f"{context} {name}\n"
            for context in ("kpy-a", "kpy-b")
            for name in _oracle(
                kubectl, '{range .items[*]}{.metadata.name}{"\\n"}{end}', "svc", "-n", "default", context=context
            ).split()
        )
        term.wait_for(_shows_result(term, expected), "both contexts in the result")
        term.send("\r")
        assert term.wait_exit() == 0
    finally:
        term.close()
    command = out.read_text()
    assert shlex.split(command) == [
        "kubectl",
        "py-query",
        "svc",
        "-n",
        "default",
        "--context",
        "kpy-a,kpy-b",
        "-o",
        "jsonpath=" + template,
    ]
    command = command.replace("kubectl", shlex.quote(cluster.kubectl), 1)
    ran = subprocess.run(["bash", "-c", command], capture_output=True, text=True, env=plugin_env(cluster))
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout == expected


def test_80x24_and_resizes(cluster, kubectl, tmp_path):
    term, _out = _explore(cluster, tmp_path, "pods", "-n", "demo", "--context", "kpy-a", rows=24, columns=80)
    try:
        term.type("{.items[*].metadata.name}", settle=_echoed(term))
        assert "objects" in term.row(23) and "│" in term.row(5)  # status on the last row, the field pane
        typed = "{.items[*].metadata.name}"
        names = kubectl(["get", "pods", "-n", "demo", "-o", "jsonpath=" + typed], context="kpy-a").stdout

        def redrawn(rows, columns, pane):
            return lambda: (
                _template(term) == typed
                and "objects" in term.row(rows - 1)
                and term.row(1).startswith(names[: columns // 3])
                and any("│" in row for row in term.rows()) == pane
            )

        term.resize(40, 120)
        term.wait_for(redrawn(40, 120, True), "the layout at 120x40")
        term.resize(20, 50)  # too narrow for the field pane
        term.wait_for(redrawn(20, 50, False), "the layout at 50x20")
        term.send("\x03")  # Ctrl-C
        assert term.wait_exit() == 130
    finally:
        term.close()


def test_no_color_draws_without_colours(cluster, tmp_path):
    screens = {}
    for no_color in ("1", ""):
        term, _out = _explore(cluster, tmp_path, "pods", "-n", "demo", "--context", "kpy-a", env={"NO_COLOR": no_color})
        try:
            term.type("{.items[*].metadata.", settle=_echoed(term))  # the menu opens
            term.wait_for(lambda: any("namespace" in row and "string" in row for row in term.rows()), "the menu")
            term.type("x[", settle=_echoed(term, "{.items[*].metadata."))  # an error, with its caret
            term.wait_for(lambda: "^" in term.row(CARET_ROW), "the caret")
            term.send("\x1b")
            assert term.wait_exit() == 130
        finally:
            term.close()
        screens[no_color] = term.colour_sgr()
    assert screens["1"] == []
    assert screens[""], "without NO_COLOR the same screens use colours: the check above means something"


def test_ctrl_y_sends_the_template_to_the_terminals_clipboard(cluster, tmp_path):
    for tmux in ("", "/tmp/tmux-0/default,1,0"):
        term, out = _explore(cluster, tmp_path, "pods", "-n", "demo", "--context", "kpy-a", env={"TMUX": tmux})
        try:
            template = "{.items[0].metadata.name}"
            term.type(template, settle=_echoed(term))
            term.send("\x19")  # Ctrl-Y
            term.wait_for(lambda: "sent to terminal" in term.row(-1), "the note on the status line")
            sequence = f"\x1b]52;c;{base64.b64encode(template.encode()).decode()}\x07"
            if tmux:
                sequence = "\x1bPtmux;" + sequence.replace("\x1b", "\x1b\x1b") + "\x1b\\"
            assert sequence in term.output()
            term.send("\x1b")
            assert term.wait_exit() == 130
        finally:
            term.close()
        assert out.read_text() == ""


def test_secret_values_never_reach_the_screen_as_examples(cluster, kubectl, tmp_path):
    secrets = kubectl(["get", "secrets", "-n", "demo", "-o", "jsonpath={range .items[*]}{.data}{end}"], context="kpy-a")
    assert secrets.returncode == 0 and secrets.stdout
    values = [
        value
        for chunk in secrets.stdout.replace("}{", "}\n{").splitlines()
        for value in json.loads(chunk).values()
        if len(value) > 3
    ]
    assert values
    term, _out = _explore(cluster, tmp_path, "secrets", "-n", "demo", "--context", "kpy-a", rows=40, columns=160)
    try:
        term.type("{.items[*].data.", settle=_echoed(term))
        term.wait_for(lambda: any("hidden" in row for row in term.rows()), "the keys with their sizes")
        term.type("tls", settle=_echoed(term, "{.items[*].data."))
        term.send("\x03")
        assert term.wait_exit() == 130
    finally:
        term.close()
    shown = term.output()
    assert not [value for value in values if value in shown]


def test_without_a_terminal_it_says_so_in_one_line_unless_listing_fields(cluster, kubectl):
    def run(*args):  # a new session: no controlling terminal
        return subprocess.run(
            [cluster.kubectl, "py-explore", "pods", "-n", "demo", "--context", "kpy-a", *args],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            env=plugin_env(cluster),
            start_new_session=True,
            timeout=120,
        )

    proc = run()
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("error: ") and "terminal" in proc.stderr
    assert "internal" not in proc.stderr
    fields = run("--fields", "-o", "csv")
    assert fields.returncode == 0, fields.stderr
    images = _oracle(kubectl, "{.items[*].spec.containers[*].image}", "pods", "-n", "demo")
    assert images and ".spec.containers[*].image" in fields.stdout


def test_progress_and_failed_contexts_are_named_before_the_ui(cluster, tmp_path):
    term, _out = _explore(cluster, tmp_path, "pods", "-n", "demo", "--context", "kpy-a,kpy-down")
    try:
        assert "2 contexts (1 failed)" in term.row(-1)
        # on stderr (the terminal here), before the UI took the screen
        written = term.output()
        assert "reading: " in written and 'context "kpy-down"' in written
        term.send("\x1b")
        assert term.wait_exit() == 130
    finally:
        term.close()


def test_ctrl_t_explores_in_jsonpath_ng_as_py_query_reads_it(cluster, tmp_path):
    expression = "$.items[*].metadata.name"
    expected = kubectl_plugin(
        cluster, "py-query", "pods", "-n", "demo", "--context", "kpy-a", "-o", "jsonpath-ng=" + expression
    )
    assert expected.code == 0 and expected.out, expected.err
    term, out = _explore(cluster, tmp_path, "pods", "-n", "demo", "--context", "kpy-a", "--print-command")
    try:
        term.send("\x14")  # Ctrl-T
        term.wait_for(lambda: term.row(TEMPLATE_ROW).startswith("jsonpath-ng>"), "the jsonpath-ng prompt")
        term.type("$.items[*].metadata.", settle=lambda typed: term.row(TEMPLATE_ROW) == "jsonpath-ng> " + typed)
        # completion from the data in this dialect too
        term.wait_for(lambda: any("namespace" in row and "string" in row for row in term.rows()), "the menu")
        term.type("name", settle=lambda typed: term.row(TEMPLATE_ROW) == "jsonpath-ng> $.items[*].metadata." + typed)
        lines = expected.out.splitlines()[:3]
        term.wait_for(lambda: all(term.row(1 + i).startswith(line) for i, line in enumerate(lines)), "the result")
        # the menu still offers "namespace": Enter closes it, as the key typed is whole, and does not leave
        term.send("\r")
        term.wait_for(lambda: not any("namespace" in row and "string" in row for row in term.rows()), "no menu")
        assert term.row(TEMPLATE_ROW) == "jsonpath-ng> " + expression
        term.send("\r")
        assert term.wait_exit() == 0
    finally:
        term.close()
    assert shlex.split(out.read_text())[-2:] == ["-o", "jsonpath-ng=" + expression]
