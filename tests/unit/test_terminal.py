"""The terminal escapes (kubectl_py/terminal.py) as cli-runtime applies them, and every text printer using them."""

import io

from kubectl_py import terminal
from kubectl_py.printers.table import format_table
from kubectl_py.printers.watch import Tabs

HOSTILE = "\x1b]0;pwned\x07\x1b[2Jafter"


def test_escape_is_kubectls_escape_terminal():
    # strings.NewReplacer("\x1b", "^[", "\r", "\\r")
    assert terminal.escape(HOSTILE + "\rx") == "^[]0;pwned\x07^[[2Jafter\\rx"
    assert terminal.escape("plain, unchanged") == "plain, unchanged"


def test_a_table_cell_is_cut_at_its_first_line_break_as_kubectl_get_cuts_it():
    # appendCellValue: the text before the first \f, \n or \r, escaped, then "..."
    assert terminal.cell("one\ntwo") == "one..." and terminal.cell("a\rb") == "a..." and terminal.cell("f\fg") == "f..."
    assert terminal.cell(HOSTILE + "\nrow") == "^[]0;pwned\x07^[[2Jafter..."
    assert terminal.cell("plain") == "plain"


def test_an_error_line_is_one_line():
    assert (
        terminal.line("Error from server: <html>\n  <h1>\x1b[2Jdown</h1>\r\n</html>\n")
        == "Error from server: <html> <h1>^[[2Jdown</h1> </html>"
    )


def test_every_table_style_and_the_watch_table_escape():
    rows = [[HOSTILE, "ok\rforged"]]
    for style in ("", "wide", "csv", "tsv", "markdown"):
        text = format_table(["a" + HOSTILE, "b"], rows, style=style)
        assert "\x1b" not in text and "\r" not in text and "^[]0;pwned" in text, style
    out = io.StringIO()
    Tabs(out).block([["NAME", "NOTE"]] + rows)
    escaped = "^[]0;pwned\x07^[[2Jafter"  # columns as wide as the escaped text, three spaces apart
    assert out.getvalue() == "NAME".ljust(len(escaped) + 3) + "NOTE\n" + escaped + "   ok...\n"
