"""The typer side of the flag table (:mod:`.flagtable`): a plugin names a flag as a parameter,
``all_namespaces: Annotated[bool, option("--all-namespaces")] = False``, and never declares one itself;
tests/unit/test_flag_table.py checks the type and default against the table.
"""

from __future__ import annotations

from typing import Annotated, List, Optional

import typer

from ..kube.fanout import DEFAULT_PARALLEL  # light: the thread pool is imported only when used
from . import flagtable

_TYPES = {"bool": bool, "str": str, "int": int, "strs": List[str]}
_OPTIONAL = {kind: Optional[type_] for kind, type_ in _TYPES.items()}  # the type of a flag without a default


def option(name: str, plugin: str | None = None, formats: str = ""):
    """The typer.Option of a flag, built from its table entry; ``plugin`` picks the help of a flag that
    differs between plugins, ``formats`` fills -o's list of formats."""
    entry = flagtable.flag(name)
    help_text = entry.help_for(plugin).replace("{parallel}", str(DEFAULT_PARALLEL)).replace("{formats}", formats)
    names = (entry.long, entry.short) if entry.short else (entry.long,)
    return typer.Option(
        *names, help=help_text, rich_help_panel=entry.panel, metavar=entry.metavar, show_default=entry.show_default
    )


def annotated(name: str):
    """``Annotated[type, option(name)]``, the type from the table: the connection flags' parameters."""
    entry = flagtable.flag(name)
    return Annotated[(_TYPES if entry.default is not None else _OPTIONAL)[entry.kind], option(name)]


# --- arguments of the plugins that take resource types (py-query, py-diff) ---------------------------
ResourcesArg = Annotated[
    str,
    typer.Argument(
        help="Resource types: one, a comma list (pods,svc,deploy), a category (all) or a custom resource.",
        show_default=False,
    ),
]
NamesArg = Annotated[Optional[List[str]], typer.Argument(help="Object names (optional).", show_default=False)]
