"""Output formats: ``-o`` is parsed once here; each format is one small module.

Data reaches the printers as plain dicts; only printers (and the describe text renderer) write to a stream.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import UsageError

# every -o value a plugin may offer; each plugin passes the subset it supports
TEMPLATE_FORMATS = ("jsonpath", "jsonpath-file", "custom-columns", "custom-columns-file", "jsonpath-ng")
# a table's rows as a spreadsheet or a document instead of kubectl's columns (printers/table.py)
SPREADSHEET_FORMATS = ("csv", "tsv", "markdown")


@dataclass(frozen=True)
class OutputFormat:
    name: str  # "" is the default table
    argument: str = ""  # the template, for jsonpath= and custom-columns=
    style: str = ""  # csv, tsv or markdown for -o csv=wide and -o csv=custom-columns=...

    @property
    def spreadsheet(self) -> str:
        """The table style: csv, tsv, markdown, or "" for kubectl's columns."""
        return self.style or (self.name if self.name in SPREADSHEET_FORMATS else "")

    @property
    def structured(self) -> bool:
        return self.name in ("json", "yaml")

    @property
    def tabular(self) -> bool:
        """A table: kubectl's (the default, wide) or csv, tsv, markdown."""
        return self.name in ("", "wide") + SPREADSHEET_FORMATS


# the tables that also print as csv, tsv or markdown: -o csv=wide, -o markdown=custom-columns=NAME:.metadata.name
STYLED_TABLES = ("wide", "custom-columns", "custom-columns-file")


def allowed_help(allowed: tuple, styled: bool = False) -> str:
    """-o's list of formats for --help; ``styled``: the plugin takes ``csv=wide`` and ``csv=custom-columns=``."""
    listed = "|".join(f"{name}=..." if name in TEMPLATE_FORMATS else name for name in allowed)
    if styled:
        listed += "; csv, tsv and markdown also print wide or custom columns: csv=wide, csv=custom-columns=..."
    return listed


def parse_output(value: str | None, allowed: tuple, styled: bool = False) -> OutputFormat:
    """Parse ``-o``; ``jsonpath-file=`` and ``custom-columns-file=`` are read here. ``styled``: ``csv``,
    ``tsv`` and ``markdown`` may name the table they print (``csv=wide``, ``tsv=custom-columns=...``)."""
    if not value:
        return OutputFormat("")
    name, sep, argument = value.partition("=")
    if styled and sep and name in SPREADSHEET_FORMATS and name in allowed:
        inner = argument.partition("=")[0]
        if inner not in STYLED_TABLES or inner not in allowed:
            raise UsageError(
                f'-o {name}= takes wide, custom-columns=SPEC or custom-columns-file=FILE '
                f'(e.g. -o {name}=wide), not "{argument}"'
            )
        table = parse_output(argument, allowed)
        return OutputFormat(table.name, table.argument, name)
    if name not in allowed or (name in TEMPLATE_FORMATS) != bool(sep):
        if name in TEMPLATE_FORMATS and name in allowed:
            raise UsageError("template format specified but no template given")
        raise UsageError(
            f'unable to match a printer suitable for the output format "{value}", allowed formats are: '
            + ",".join(allowed)
        )
    if name in ("jsonpath-file", "custom-columns-file"):
        try:
            with open(argument, encoding="utf-8") as fh:
                argument = fh.read()
        except OSError as exc:
            raise UsageError(f"error reading template {argument}: {exc.strerror}") from None
        name = name[: -len("-file")]
    return OutputFormat(name, argument)
