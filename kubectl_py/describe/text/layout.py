"""kubectl's describe layout: 2-space levels and Go ``text/tabwriter`` alignment, written once.

kubectl writes every describe through ``tabwriter.NewWriter(buf, 0, 8, 2, ' ', 0)`` (minwidth 0,
tabwidth 8, padding 2, pad with spaces, no flags) and a prefix writer that adds two spaces per level
and escapes terminal control characters. :class:`Writer` reproduces both:

- text is cut into cells at ``\\t`` (and ``\\v``); a cell is *tab-terminated*, so the text after the
  last tab of a line is not part of any column and is never padded;
- a column is aligned over a *block*: consecutive lines that all have a terminated cell in that
  column (blocks of column N+1 lie inside blocks of column N); its width is the widest cell + 2;
- a line without a tab ends every block (Go flushes there), and so does :meth:`Writer.flush`;
- ESC becomes ``^[`` and a carriage return the two characters ``\\r`` (cli-runtime WriteEscaped).
"""

from __future__ import annotations

import re

from ...terminal import escape

LEVEL_SPACE = "  "
PADDING = 2
_SPECIAL = re.compile(r"[\t\v\n\f]")


class Writer:
    """A prefix writer over a tabwriter, like kubectl's ``tabbedString`` + ``prefixWriter``."""

    def __init__(self) -> None:
        self._out: list = []  # finished text
        self._lines: list = []  # complete lines (lists of cells) of the block being aligned
        self._cells: list = []  # terminated cells of the current, unfinished line
        self._cell: list = []  # pieces of the current cell

    # -- the API the renderers use -------------------------------------------------------------

    def line(self, level: int, text: str) -> None:
        """One line: ``2 * level`` spaces, then ``text`` (``\\t`` separates cells), then a newline."""
        if self._cell or self._cells or "\n" in text or "\v" in text or "\f" in text:
            self.write(level, text + "\n")
            return
        # the common case, without the character scan of _feed: a whole line of tab-separated cells
        cells = escape(LEVEL_SPACE * level + text).split("\t")
        self._lines.append(cells)
        if len(cells) == 1:
            self._flush_block(None)

    def write(self, level: int, text: str) -> None:
        """Raw write, like Go's ``PrefixWriter.Write``: the level prefix, then ``text`` as it is.

        Needed where kubectl builds one line with several writes (each write adds the prefix again).
        """
        self._feed(escape(LEVEL_SPACE * level + text))

    def flush(self) -> None:
        """End the current alignment block, like ``tabwriter.Writer.Flush``."""
        partial = None
        if self._cell or self._cells:
            partial = self._cells + ["".join(self._cell)]
            self._cells, self._cell = [], []
        self._flush_block(partial)

    def text(self) -> str:
        self.flush()
        return "".join(self._out)

    # -- the tabwriter ---------------------------------------------------------------------------

    def _feed(self, text: str) -> None:
        pos = 0
        for match in _SPECIAL.finditer(text):
            if match.start() > pos:
                self._cell.append(text[pos : match.start()])
            pos = match.end()
            ch = match.group()
            self._cells.append("".join(self._cell))
            self._cell = []
            if ch in "\n\f":
                cells, self._cells = self._cells, []
                self._lines.append(cells)
                if ch == "\f" or len(cells) == 1:
                    self._flush_block(None)
        if pos < len(text):
            self._cell.append(text[pos:])

    def _flush_block(self, partial) -> None:
        lines = self._lines + ([partial] if partial else [])
        self._lines = []
        if not lines:
            return
        widths: list = []
        out = self._out
        last_partial = bool(partial)

        def write_lines(start: int, end: int) -> None:
            for i in range(start, end):
                cells = lines[i]
                for j, cell in enumerate(cells):
                    out.append(cell)
                    if j < len(widths):
                        out.append(" " * (widths[j] - len(cell)))
                if not (last_partial and i == len(lines) - 1):
                    out.append("\n")

        def fmt(line0: int, line1: int) -> None:
            column = len(widths)
            this = line0
            while this < line1:
                if column >= len(lines[this]) - 1:
                    this += 1
                    continue
                write_lines(line0, this)
                line0 = this
                width = 0
                while this < line1 and column < len(lines[this]) - 1:
                    width = max(width, len(lines[this][column]) + PADDING)
                    this += 1
                widths.append(width)
                fmt(line0, this)
                widths.pop()
                line0 = this
            write_lines(line0, line1)

        fmt(0, len(lines))
