"""The plugins' entry points (console scripts, zipapps, plugins/ scripts).

Each reads its command line once (:func:`.flagtable.read`, before typer is imported) and starts opening
the connection the command will use (:mod:`kubectl_py.kube.preconnect`) before it imports the command:
typer and our modules take most of start-up, and over a real network the TCP and TLS round trips then
happen meanwhile instead of after.
"""

import os
import sys


def _launch(module: str) -> None:
    from importlib import import_module

    from ..kube import preconnect
    from .flagtable import read

    line = read(f"py-{module}", sys.argv[1:])
    os.environ.update(line.environment())  # e.g. --cache-dir, which the early connection reads
    preconnect.start(line.plan())
    import_module(f"{__package__}.{module}").main(line)


def nodeports() -> None:
    _launch("nodeports")


def describe() -> None:
    _launch("describe")


def query() -> None:
    _launch("query")


def diff() -> None:
    _launch("diff")


def explore() -> None:
    _launch("explore")


def triage() -> None:
    _launch("triage")
