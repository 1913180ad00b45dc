"""The plugins' entry points (console scripts, zipapps, plugins/ scripts).

Each starts opening the connection its command will use (:mod:`kubectl_py.kube.preconnect`) before it
imports the command: typer and our modules take most of start-up, and over a real network the TCP and
TLS round trips then happen meanwhile instead of after.
"""

import sys


def _launch(module: str) -> None:
    from importlib import import_module

    from ..kube import preconnect

    preconnect.start(sys.argv[1:])
    import_module(f"{__package__}.{module}").main()


def nodeports() -> None:
    _launch("nodeports")


def describe() -> None:
    _launch("describe")


def query() -> None:
    _launch("query")


def diff() -> None:
    _launch("diff")
