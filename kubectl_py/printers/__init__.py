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

    @property
    def structured(self) -> bool:
        return self.name in ("json", "yaml")

    @property
    def tabular(self) -> bool:
        """A table: kubectl's (the default, wide) or csv, tsv, markdown."""
        return self.name in ("", "wide") + SPREADSHEET_FORMATS


def allowed_help(allowed: tuple) -> str:
    return "|".join(f"{name}=..." if name in TEMPLATE_FORMATS else name for name in allowed)


def parse_output(value: str | None, allowed: tuple) -> OutputFormat:
    """Parse ``-o``; ``jsonpath-file=`` and ``custom-columns-file=`` are read here."""
    if not value:
        return OutputFormat("")
    name, sep, argument = value.partition("=")
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
