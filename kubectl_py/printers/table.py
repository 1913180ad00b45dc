"""kubectl's plain table: upper-case headers, no borders, columns three spaces apart, left-aligned."""

from __future__ import annotations


def format_table(headers: list, rows: list, no_headers: bool = False) -> str:
    import tabulate as tabulate_module
    from tabulate import DataRow, TableFormat, tabulate

    tabulate_module.MIN_PADDING = 0  # tabulate widens headed columns by 2; kubectl does not

    # kubectl's tabwriter separates columns with three spaces and never right-aligns numbers
    plain = TableFormat(lineabove=None, linebelowheader=None, linebetweenrows=None, linebelow=None,
                        headerrow=DataRow("", "   ", ""), datarow=DataRow("", "   ", ""),
                        padding=0, with_header_hide=None)
    cells = [["" if v is None else str(v) for v in row] for row in rows]
    if no_headers:
        text = tabulate(cells, tablefmt=plain, disable_numparse=True, stralign="left") if cells else ""
    else:
        text = tabulate(cells, headers=[h.upper() for h in headers], tablefmt=plain,
                        disable_numparse=True, stralign="left")
    return "\n".join(line.rstrip() for line in text.splitlines()) + ("\n" if text else "")
