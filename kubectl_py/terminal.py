"""Text from servers and files is escaped before it reaches a terminal, as kubectl escapes it.

An annotation holding ``ESC ] 0 ; title BEL`` or ``ESC [ 2 J`` would otherwise retitle or clear the
user's terminal, and a carriage return would overwrite what was printed before it on the line. kubectl
(cli-runtime ``printers.EscapeTerminal``) shows ESC as ``^[`` and CR as the two characters ``\\r``; every
text output here does the same, whether stdout is a terminal or not: tables (csv, tsv and markdown too),
custom columns, describe text, py-diff text, warnings and errors. json, yaml, jsonpath and ``-o name`` stay
exact, as kubectl leaves them.
"""

import re

# where a table cell is cut (kubectl cuts at \f, \n, \r; the others would split a row in our tables too)
_LINE_BREAKS = "\n\r\f\v\x1c\x1d\x1e\x85\u2028\u2029"
_BREAK = re.compile(f"[{_LINE_BREAKS}]")
_SPECIAL = re.compile(f"[\x1b{_LINE_BREAKS}]")
_BREAKS_AROUND = re.compile(rf"\s*[{_LINE_BREAKS}]\s*")


def escape(text: str) -> str:
    """cli-runtime ``EscapeTerminal`` (and ``WriteEscaped``): ESC -> ``^[``, CR -> ``\\r``."""
    if "\x1b" in text or "\r" in text:
        return text.replace("\x1b", "^[").replace("\r", "\\r")
    return text


def cell(text: str) -> str:
    """One cell of kubectl's table (cli-runtime ``appendCellValue``): cut at the first line break, which
    shows as ``...``, then escaped. A row stays one line, so a value cannot fake rows below it."""
    if not _SPECIAL.search(text):
        return text
    cut = _BREAK.search(text)
    if cut:
        return escape(text[: cut.start()]) + "..."
    return escape(text)


def line(text: str) -> str:
    """One line for stderr (an error or a warning): line breaks and the blanks around them become one space,
    then escaped. Server error bodies can hold anything."""
    text = text.strip()
    if _SPECIAL.search(text):
        text = escape(_BREAKS_AROUND.sub(" ", text))
    return text
