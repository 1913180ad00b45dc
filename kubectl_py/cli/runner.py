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


def click_command(command):
    """The click command typer makes of ``command``, with kubectl's -h/--help."""
    import typer

    help_flag = flagtable.flag("--help")
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None,
                      context_settings={"help_option_names": [help_flag.short, help_flag.long]})
    app.command()(command)
    return typer.main.get_command(app)


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
        code = click_command(command).main(args=line.argv, prog_name=f"kubectl {plugin}", standalone_mode=False)
        return code if isinstance(code, int) else 0
    except KubectlPyError as exc:
        return _fail(exc.user_message(), error_code or exc.exit_code)
    except typer.Exit as exc:
        return exc.exit_code
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
        return _fail(f"error: internal error: {type(exc).__name__}: {exc} (set KUBECTL_PY_DEBUG=1 for details)",
                     error_code or 1)


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
