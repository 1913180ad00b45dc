"""Tables: kubectl's plain table (upper-case headers, no borders, columns three spaces apart, left-aligned),
and the same rows as ``csv`` (RFC 4180 quoting), ``tsv`` (tab-separated, quoted the same way when a cell holds
a tab, a quote or a line break) or ``markdown`` (a pipe table, ``|`` escaped).

Every cell and header is escaped for the terminal (``kubectl_py.terminal``) in every style: the plain table
cuts a cell at its first line break (shown as ``...``), as kubectl's does; csv and tsv keep line feeds
(quoted) but show ESC and CR as ``^[`` and ``\\r``. Cells that begin with ``=``, ``+``, ``-`` or ``@`` are
left as they are (see the README)."""

from __future__ import annotations

from ..terminal import cell as table_cell
from ..terminal import escape


def format_table(headers: list, rows: list, no_headers: bool = False, style: str = "", upper: bool = True) -> str:
    """The table as text. ``style`` is an ``-o`` name: csv, tsv or markdown, anything else kubectl's table;
    ``upper`` upper-cases headers as kubectl does (off for titles that hold a JSONPath)."""
    cells = [["" if v is None else str(v) for v in row] for row in rows]
    titles = None if no_headers else [h.upper() if upper else h for h in headers]
    if style in ("csv", "tsv"):
        return _delimited(titles, cells, "," if style == "csv" else "\t")
    if style == "markdown":
        return _markdown(titles, cells)
    return _plain(titles, cells)


def _plain(titles, cells) -> str:
    import tabulate as tabulate_module
    from tabulate import DataRow, TableFormat, tabulate

    tabulate_module.MIN_PADDING = 0  # tabulate widens headed columns by 2; kubectl does not
    # kubectl's tabwriter counts characters; wcwidth (when installed) would count display cells, and -1 for a BEL
    tabulate_module.WIDE_CHARS_MODE = False

    # kubectl's tabwriter separates columns with three spaces and never right-aligns numbers
    plain = TableFormat(
        lineabove=None,
        linebelowheader=None,
        linebetweenrows=None,
        linebelow=None,
        headerrow=DataRow("", "   ", ""),
        datarow=DataRow("", "   ", ""),
        padding=0,
        with_header_hide=None,
    )
    cells = [[table_cell(c) for c in row] for row in cells]
    titles = titles if titles is None else [table_cell(t) for t in titles]
    if titles is None:
        text = tabulate(cells, tablefmt=plain, disable_numparse=True, stralign="left") if cells else ""
    else:
        text = tabulate(cells, headers=titles, tablefmt=plain, disable_numparse=True, stralign="left")
    return "\n".join(line.rstrip() for line in text.splitlines()) + ("\n" if text else "")


def _delimited(titles, cells, delimiter: str) -> str:
    """RFC 4180: a cell is quoted when it holds the delimiter, a quote, CR or LF, and its quotes are doubled.
    Lines end in LF, as Go's encoding/csv and most Unix tools write them."""
    specials = (delimiter, '"', "\r", "\n")

    def cell(text: str) -> str:
        text = escape(text)
        if any(ch in text for ch in specials):
            return '"' + text.replace('"', '""') + '"'
        return text

    lines = [] if titles is None else [titles]
    lines.extend(cells)
    return "".join(delimiter.join(cell(c) for c in row) + "\n" for row in lines)


def _markdown(titles, cells) -> str:
    """A GitHub-flavoured pipe table; without headers (``--no-headers``), the rows alone."""

    def line(row):
        return "| " + " | ".join(_markdown_cell(c) for c in row) + " |\n"

    out = []
    if titles is not None:
        out.append(line(titles))
        out.append("|" + "|".join("---" for _ in titles) + "|\n")
    out.extend(line(row) for row in cells)
    return "".join(out)


def _markdown_cell(text: str) -> str:
    return escape(
        text.replace("\\", "\\\\")
        .replace("|", "\\|")
        .replace("\r\n", "<br>")
        .replace("\r", "<br>")
        .replace("\n", "<br>")
    )
