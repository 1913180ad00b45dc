"""The one way a plugin runs: parse, work, print; every known error becomes one stderr line and exit 1.

Tracebacks are shown only when KUBECTL_PY_DEBUG is set.
"""

from __future__ import annotations

import gc
import os
import sys

from .. import notices
from ..errors import KubectlPyError, UsageError
from . import flagtable


def click_command(command, plugin: str | None = None):
    """The click command typer makes of ``command``, with kubectl's -h/--help, the table's --version and, for
    ``plugin``, the examples its --help ends with (cli/examples.py)."""
    import typer
    from typer.core import TyperOption

    from .examples import epilog

    help_flag, version_flag = flagtable.flag("--help"), flagtable.flag("--version")
    app = typer.Typer(
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": [help_flag.short, help_flag.long]},
    )
    app.command(epilog=epilog(plugin) if plugin else None)(command)
    click = typer.main.get_command(app)

    def print_version(ctx, _param, value):
        if value and not ctx.resilient_parsing:
            sys.stdout.write(version_text(plugin or "py"))
            ctx.exit(0)

    click.params.append(
        TyperOption(
            param_decls=[version_flag.long],
            is_flag=True,
            expose_value=False,
            is_eager=True,
            callback=print_version,
            help=version_flag.help,
        )
    )
    return click


def version_text(plugin: str) -> str:
    """--version: the version, the Python that runs it, and the install it runs from."""
    import platform

    import kubectl_py

    return (
        f"kubectl {plugin} {kubectl_py.__version__}\n"
        f"Python {platform.python_version()} ({sys.executable or 'python3'})\n"
        f"installed from: {installed_from()}\n"
    )


def installed_from() -> str:
    """Where this copy of kubectl_py comes from: the krew archive's zipapp (shiv unpacks it into a folder named
    after the zipapp, see scripts/build_release.py), a pip install (or an editable one), or a source checkout."""
    from pathlib import Path

    package = Path(__file__).resolve().parents[1]
    unpacked = package.parent.parent  # shiv: <SHIV_ROOT>/kubectl-py.pyz_<hash>/site-packages/kubectl_py
    if unpacked.name.startswith("kubectl-py.pyz_"):
        zipapp = os.path.realpath(sys.argv[0]) if sys.argv and sys.argv[0].endswith(".pyz") else "kubectl-py.pyz"
        return f"the krew archive's zipapp {zipapp} (unpacked in {unpacked})"
    from importlib import metadata

    try:
        dist = metadata.distribution("kubectl-py")
    except metadata.PackageNotFoundError:
        return f"a source checkout, {package.parent}"
    import json

    direct = json.loads(dist.read_text("direct_url.json") or "{}")
    if (direct.get("dir_info") or {}).get("editable"):
        return f"pip install --editable {package.parent}"
    return f"pip install {dist.version}, {package}"


def run_plugin(command, plugin: str, line=None, error_code: int | None = None) -> int:
    """Run a typer command as ``kubectl <plugin>`` and return the exit code. ``line``: its command line,
    read once (flagtable.read; default: sys.argv's). ``error_code`` replaces the code of every error
    (py-diff: 2, as kubectl diff keeps 1 for "differences found")."""
    os.environ.setdefault("TYPER_USE_RICH", "0")  # plain help, like kubectl's, and much faster
    # A command is one short process whose bulk is parsed JSON, which has no reference cycles: the
    # cycle collector would only re-walk those objects again and again (measured: ~15% of `py-nodeports
    # -A` on 2,000 services). Left on for library use.
    gc.disable()
    line = line or flagtable.read(plugin, sys.argv[1:])
    os.environ.update(line.environment())
    notices.receiver = say
    import typer
    from typer._click import exceptions as click_errors  # typer 0.28 vendors click; pinned in pyproject

    try:
        if line.error:  # a bad --flag=true|false, in kubectl's words
            raise UsageError(line.error)
        # commands return their exit code (0 when every context answered)
        _whole_lines_first()
        code = click_command(command, plugin).main(args=line.argv, prog_name=f"kubectl {plugin}", standalone_mode=False)
        return code if isinstance(code, int) else 0
    except KubectlPyError as exc:
        return _fail(exc.user_message(), error_code or exc.exit_code)
    except typer.Exit as exc:
        return exc.exit_code
    except click_errors.NoSuchOption as exc:
        return _fail("error: " + unknown_option(plugin, exc.option_name), error_code or 1)
    except click_errors.ClickException as exc:
        return _fail("error: " + exc.format_message(), error_code or 1)
    except typer.Abort:
        return 130
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # the reader went away (| head): stop quietly, as kubectl does
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 0
    except Exception as exc:  # an unexpected bug: one line, unless debugging
        if os.environ.get("KUBECTL_PY_DEBUG"):
            raise
        return _fail(
            f"error: internal error: {type(exc).__name__}: {exc} (set KUBECTL_PY_DEBUG=1 for details)", error_code or 1
        )


def unknown_option(plugin: str, name: str) -> str:
    """click's "No such option", and what helps: where a sibling plugin's flag lives (``--sum is a py-query
    option: kubectl py-query TYPE --describe --group-by ... --sum ...``), or the closest flag's name."""
    from ..suggest import close_names

    message = f"No such option: {name}"
    entry = next((f for f in flagtable.FLAGS if name in (f.long, f.short)), None)
    if entry is None:  # misspelt: the closest of this plugin's flags, else of the others'
        ours = [f.long for f in flagtable.for_plugin(plugin)]
        close = close_names(name, ours) or close_names(name, [f.long for f in flagtable.FLAGS if f.long not in ours])
        if not close:
            return message
        entry = flagtable.flag(close[0])
        message += f"; did you mean {' or '.join(close)}?"
        return message if entry.in_plugin(plugin) else f"{message} {sibling_usage(plugin, entry)}"
    if entry.in_plugin(plugin):  # click refused it for another reason
        return message
    return f"{message}; {sibling_usage(plugin, entry)}"


def sibling_usage(plugin: str, entry) -> str:
    """``--sum is a py-query option: kubectl py-query TYPE --describe --group-by ... --sum ...``: the plugins
    that take the flag, and how the first of them is called with it (asked of py-describe, on describe
    documents when the flag works on them)."""
    owners = [p for p in flagtable.PLUGINS if entry.in_plugin(p)]
    target = owners[0]
    words = [flagtable.COMMAND_LINES.get(target, f"kubectl {target}")]
    describe = flagtable.flag("--describe")
    if plugin == "py-describe" and describe.in_plugin(target) and entry.long in flagtable.ON_DESCRIBE_DOCUMENTS:
        words.append(describe.long)
    words += [entry.needs, entry.long + (" ..." if entry.takes_value else "")]
    where = ", ".join(owners[:-1]) + " and " + owners[-1] if len(owners) > 1 else target
    return f"{entry.long} is a {where} option: " + " ".join(w for w in words if w)


def _whole_lines_first() -> None:
    """With ``2>&1`` (stdout and stderr the same pipe or file) stdout is flushed after each write, which is
    whole lines, so a warning written to stderr meanwhile never lands inside a line. Otherwise the two
    streams are apart and stdout keeps its buffer (a terminal flushes each line anyway)."""
    try:
        out, err = os.fstat(sys.stdout.fileno()), os.fstat(sys.stderr.fileno())
        if (out.st_dev, out.st_ino) == (err.st_dev, err.st_ino):
            sys.stdout.reconfigure(line_buffering=True)
    except (AttributeError, OSError, ValueError):  # not real files (tests' captures)
        pass


def say(message: str) -> None:
    """One line on stderr, escaped (server text can hold anything), after what stdout holds so far, so
    that with ``2>&1`` it never lands inside an output line. The library's notices come here too."""
    from ..terminal import line

    try:
        sys.stdout.flush()
    except (OSError, ValueError):  # a closed pipe: the message still goes out
        pass
    sys.stderr.write(line(message) + "\n")
    sys.stderr.flush()


def _fail(message: str, code: int) -> int:
    say(message)
    return code


def main_for(command, plugin: str, error_code: int | None = None):
    """Entry point factory for console scripts: ``main = main_for(nodeports, "py-nodeports")``."""

    def main(line=None) -> None:
        sys.exit(run_plugin(command, plugin, line, error_code))

    main.command = command  # for tests/unit/test_flag_table.py
    return main
