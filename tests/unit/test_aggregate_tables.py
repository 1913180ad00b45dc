"""csv, tsv and markdown tables (printers/table.py): parsed back with independent readers, they give the rows."""

from __future__ import annotations

import csv
import io
import re

from kubectl_py.printers.table import format_table

HEADERS = ["name", "note", "size"]
ROWS = [
    ["plain", "a, b", "1"],
    ['quote "x"', "line\nbreak", "2"],
    ["pipe | bar", "tab\there", ""],
    ["back\\slash", "cr\ronly", "3"],
]


def read_markdown(text: str) -> list:
    """A pipe table's cells, unescaped (``\\|`` and ``\\\\``, ``<br>`` for line breaks)."""
    rows = []
    for line in text.splitlines():
        assert line.startswith("| ") and line.endswith(" |"), line
        cells = re.split(r"(?<!\\) \| ", line[2:-2] + " ")  # a cell ends at an unescaped pipe
        cells[-1] = cells[-1][:-1]
        rows.append([re.sub(r"\\(.)", r"\1", c).replace("<br>", "\n") for c in cells])
    return rows


# csv and tsv are text for terminals too: a carriage return shows as the two characters \r (kubectl_py/terminal.py)
ESCAPED_ROWS = [[c.replace("\r", "\\r") for c in row] for row in ROWS]


def test_csv_is_rfc4180():
    text = format_table(HEADERS, ROWS, style="csv")
    assert list(csv.reader(io.StringIO(text, newline=""))) == [["NAME", "NOTE", "SIZE"]] + ESCAPED_ROWS
    assert text.splitlines()[1] == 'plain,"a, b",1'
    assert '"quote ""x"""' in text


def test_tsv_quotes_only_what_would_break_it():
    text = format_table(HEADERS, ROWS, style="tsv")
    assert list(csv.reader(io.StringIO(text, newline=""), delimiter="\t")) == [["NAME", "NOTE", "SIZE"]] + ESCAPED_ROWS
    assert text.startswith("NAME\tNOTE\tSIZE\nplain\ta, b\t1\n")


def test_markdown_is_a_pipe_table():
    text = format_table(HEADERS, ROWS, style="markdown")
    lines = text.splitlines()
    assert lines[1] == "|---|---|---|"
    assert read_markdown("\n".join(lines[:1] + lines[2:])) == [["NAME", "NOTE", "SIZE"]] + [
        [c.replace("\r", "\n") for c in row] for row in ROWS
    ]


def test_no_headers_and_case():
    assert format_table(HEADERS, ROWS[:1], no_headers=True, style="csv") == 'plain,"a, b",1\n'
    assert format_table(HEADERS, ROWS[:1], no_headers=True, style="markdown") == "| plain | a, b | 1 |\n"
    assert format_table(["SUM(.spec.x)"], [["1"]], style="csv", upper=False) == "SUM(.spec.x)\n1\n"
    assert format_table(HEADERS, [], style="csv") == "NAME,NOTE,SIZE\n"


def test_completion_offers_every_format_each_plugin_accepts():
    from kubectl_py.cli import complete, describe, nodeports, query

    for plugin, module in (("py-query", query), ("py-nodeports", nodeports), ("py-describe", describe)):
        assert set(complete.PLUGINS[plugin]["formats"]) == set(module.FORMATS), plugin
