"""Parser for kubectl's JSONPath template dialect (client-go ``util/jsonpath``).

Quirks reproduced here (client-go's parser is a hand-written scanner):

* Text outside ``{}`` is literal (no escapes); a stray ``}`` is text.
* Inside an action, spaces, ``$`` and ``@`` are skipped: ``$``/``@`` are not
  anchors, just no-ops.
* A bare key runs to the next terminator (space, tab, CR, LF, ``. , [ ] $ @
  { }``); a backslash escapes the next character and *every* backslash is
  then dropped.
* ``[...]`` is cut at the first ``]``; a comma anywhere makes it a union whose
  members are re-parsed as ``{[member]}``; ``['key']`` is re-parsed as the
  path ``.key`` (so ``['a.b']`` is two fields); anything else must match the
  slice regex.
* ``[?(...)]`` ends at the first ``)`` outside the first quoted string; the
  text is split by a regex into LEFT, the first run of ``!<>=``, RIGHT, and
  each side is re-parsed as an action.
* ``..`` twice in a row is an error; ``...x`` is ``..`` then ``.x``.
"""

from __future__ import annotations

from .errors import JSONPathError
from .formatting import INT64_MAX, INT64_MIN, LitInt, utf8
from .nodes import Action, Bool, Field, Filter, Identifier, Number, Recursive, Slice, Text, Union, Wildcard

_TERMINATORS = frozenset(" \t\r\n.,[]$@{}")
_OPERATOR_CHARS = frozenset("!<>=")
_DIGITS = frozenset("0123456789")  # Go's regexp \d and Atoi: ASCII only

# client-go matches a few regexps; they are spelled out by hand below so that
# importing this package does not need ``re``.


def _digits(s: str) -> bool:
    """``[0-9]*``"""
    return all(c in _DIGITS for c in s)


def _dict_key(text: str):
    """``^'([^']*)'$``: the key, or None."""
    if len(text) >= 2 and text[0] == "'" and text[-1] == "'" and "'" not in text[1:-1]:
        return text[1:-1]
    return None


def _slice_groups(text: str):
    """``^(-?\\d*)(:-?\\d*)?(:-?\\d*)?$``: the three groups (absent = None)."""
    parts = text.split(":")
    if len(parts) > 3:
        return None
    for part in parts:
        if not _digits(part[1:] if part.startswith("-") else part):
            return None
    groups = [parts[0]] + [":" + p for p in parts[1:]]
    return groups + [None] * (3 - len(groups))


def _split_filter(text: str):
    """``^([^!<>=]+)([!<>=]+)(.+?)$``: (left, operator, right), or None."""
    n = len(text)
    i = 0
    while i < n and text[i] not in _OPERATOR_CHARS:
        i += 1
    if i == 0 or i == n:
        return None
    j = i
    while j < n and text[j] in _OPERATOR_CHARS:
        j += 1
    if j == n:  # the right side needs a character: give back one operator char
        j -= 1
        if j == i:
            return None
    if "\n" in text[j:]:
        return None
    return text[:i], text[i:j], text[j:]


def _is_float(text: str) -> bool:
    """What Go's ParseFloat accepts out of ``[+-]?[0-9.]*``."""
    if text[:1] in ("+", "-"):
        text = text[1:]
    whole, dot, frac = text.partition(".")
    return _digits(whole) and _digits(frac) and (whole + frac) != "" and "." not in frac


def _err(message: str) -> JSONPathError:
    return JSONPathError(message, "parse")


def _go_rune(ch: str) -> str:
    """Go ``%#U``: ``U+0041 'A'``, or just ``U+0009`` when not printable."""
    code = "U+%04X" % ord(ch)
    return code + " '" + ch + "'" if ch.isprintable() else code


def _atoi(text: str):
    """Go ``strconv.Atoi`` on a 64-bit platform; ``None`` when it fails."""
    body = text[1:] if text[:1] in ("+", "-") else text
    if not body or not _digits(body):
        return None
    n = int(text)
    return n if INT64_MIN <= n <= INT64_MAX else None


def _is_alnum(ch: str) -> bool:
    # Go: '_' || unicode.IsLetter || unicode.IsDigit (category Nd)
    return ch == "_" or ch.isalpha() or ch.isdecimal()


def parse(text: str) -> list:
    """Parse a template into a list of :class:`Text` and :class:`Action`."""
    out: list = []
    pos, n = 0, len(text)
    while pos < n:
        brace = text.find("{", pos)
        if brace < 0:
            out.append(Text(text[pos:]))
            break
        if brace > pos:
            out.append(Text(text[pos:brace]))
        nodes: list = []
        out.append(Action(nodes))
        pos = _parse_action(text, brace + 1, nodes)
    return out


def parse_action(text: str) -> list:
    """Nodes of ``{text}`` (client-go re-parses bracket keys, union members
    and filter operands this way; only the first action counts)."""
    return parse("{" + text + "}")[0].nodes


def _parse_action(s: str, pos: int, cur: list) -> int:
    """Parse action nodes into ``cur`` from ``pos``; return the position after
    the closing ``}``."""
    n = len(s)
    while True:
        if s.startswith("}", pos):
            return pos + 1
        if s.startswith("[?(", pos):
            pos = _parse_filter(s, pos + 3, cur)
            continue
        if s.startswith("..", pos):
            if cur and type(cur[-1]) is Recursive:
                raise _err("invalid multiple recursive descent")
            pos += 2
            cur.append(Recursive())
            if pos < n and _is_alnum(s[pos]):
                pos = _parse_field(s, pos, cur)
            continue
        if pos >= n:
            raise _err("unclosed action")
        ch = s[pos]
        if ch == "\r" or ch == "\n":
            raise _err("unclosed action")
        if ch == " " or ch == "@" or ch == "$":
            pos += 1
        elif ch == "[":
            pos = _parse_array(s, pos, cur)
        elif ch == '"' or ch == "'":
            pos = _parse_quote(s, pos, cur)
        elif ch == ".":
            pos = _parse_field(s, pos + 1, cur)
        elif ch == "+" or ch == "-" or ch.isdecimal():
            pos = _parse_number(s, pos, cur)
        elif _is_alnum(ch):
            pos = _parse_identifier(s, pos, cur)
        else:
            # a tab is not skipped like a space: it lands here
            raise _err("unrecognized character in action: " + _go_rune(ch))


def _parse_field(s: str, pos: int, cur: list) -> int:
    start, n = pos, len(s)
    while pos < n:
        ch = s[pos]
        if ch == "\\":
            pos = min(pos + 2, n)  # the escaped character is part of the key
        elif ch in _TERMINATORS:
            break
        else:
            pos += 1
    value = s[start:pos]
    # "*" is a wildcard only when written bare; "\*" is the key "*"
    cur.append(Wildcard() if value == "*" else Field(value.replace("\\", "")))
    return pos


def _parse_identifier(s: str, pos: int, cur: list) -> int:
    start, n = pos, len(s)
    while pos < n and s[pos] not in _TERMINATORS:
        pos += 1
    word = s[start:pos]
    if word == "true" or word == "false":
        cur.append(Bool(word == "true"))
    else:
        cur.append(Identifier(word))  # range/end, or an error when executed
    return pos


def _parse_number(s: str, pos: int, cur: list) -> int:
    start, n = pos, len(s)
    if s[pos] in "+-":
        pos += 1
    while pos < n and (s[pos] == "." or s[pos].isdecimal()):
        pos += 1
    value = s[start:pos]
    i = _atoi(value)
    if i is not None:
        cur.append(Number(LitInt(i)))
        return pos
    if _is_float(value):
        f = float(value)
        if f not in (float("inf"), float("-inf")):
            cur.append(Number(f))
            return pos
    raise _err("cannot parse number " + value)


def _parse_array(s: str, pos: int, cur: list) -> int:
    end = pos + 1
    n = len(s)
    while True:  # cut at the first ']', quotes or not
        if end >= n or s[end] == "\n":
            raise _err("unterminated array")
        if s[end] == "]":
            break
        end += 1
    text = s[pos + 1 : end]
    if text == "*":
        text = ":"
    members = text.split(",")
    if len(members) > 1:
        # union: every member (spaces trimmed) is re-parsed as "[member]"
        cur.append(Union([parse_action("[" + m.strip(" ") + "]") for m in members]))
        return end + 1
    key = _dict_key(text)
    if key is not None:
        # ['a.b'] means .a.b: the key text is re-parsed as a path
        cur.extend(parse_action("." + key))
        return end + 1
    groups = _slice_groups(text)
    if groups is None:
        raise _err("invalid array index " + text)
    params = []
    for i, group in enumerate(groups):
        group = group or ""
        if i > 0:
            group = group[1:]
        if group == "":
            params.append(None)
            continue
        v = _atoi(group)
        if v is None:
            raise _err("array index %s is not a number" % group)
        params.append(v)
    start, stop, step = params
    derived = groups[1] is None
    if derived:
        # "[n]" is "[n:n+1]"; "[]" is "[0]"
        stop = (start or 0) + 1
        if stop > INT64_MAX:
            stop = INT64_MIN  # Go int overflow
    cur.append(Slice(start, stop, step, derived))
    return end + 1


def _parse_filter(s: str, pos: int, cur: list) -> int:
    n = len(s)
    i = pos
    opened = closed = False
    pair = ""
    while True:
        if i >= n or s[i] == "\n":
            raise _err("unterminated filter")
        ch = s[i]
        if ch == '"' or ch == "'":
            # only the first quoted string is tracked; a ')' inside it does not end the filter
            if not opened:
                opened, pair = True, ch
            elif ch == pair and s[i - 1] != "\\":
                closed = True
        elif ch == ")" and opened == closed:
            break
        i += 1
    if i + 1 >= n or s[i + 1] != "]":
        raise _err("unclosed array expect ]")
    text = s[pos:i]
    split = _split_filter(text)
    if split is None:
        cur.append(Filter(parse_action(text), "exists", []))
    else:
        left, op, right = split
        cur.append(Filter(parse_action(left), op, parse_action(right)))
    return i + 2


def _parse_quote(s: str, pos: int, cur: list) -> int:
    quote = s[pos]
    i, n = pos + 1, len(s)
    while True:
        if i >= n or s[i] == "\n":
            raise _err("unterminated quoted string")
        # a quote right after a backslash never closes, even after "\\"
        if s[i] == quote and s[i - 1] != "\\":
            break
        i += 1
    raw = s[pos : i + 1]
    cur.append(Text(unquote(raw)))
    return i + 1


# --- Go string literal escapes (strconv.UnquoteChar) ---------------------------------

_SIMPLE_ESCAPES = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11, "\\": 92}
_HEX = frozenset("0123456789abcdefABCDEF")


def unquote(raw: str) -> str:
    """Go ``UnquoteExtend``: ``strconv.Unquote`` that also takes single quotes.
    ``\\xHH`` and octal escapes produce raw bytes; invalid UTF-8 is kept
    with ``surrogateescape``."""
    quote, body = raw[0], raw[1:-1]
    if "\\" not in body and quote not in body:
        return body
    bad = _err("unquote string %s error invalid syntax" % raw)
    buf = bytearray()
    i, n = 0, len(body)
    while i < n:
        c = body[i]
        if c == quote:
            raise bad
        if c != "\\":
            buf += utf8(c)
            i += 1
            continue
        if i + 1 >= n:
            raise bad
        e = body[i + 1]
        i += 2
        if e in _SIMPLE_ESCAPES:
            buf.append(_SIMPLE_ESCAPES[e])
        elif e in "xuU":
            width = {"x": 2, "u": 4, "U": 8}[e]
            digits = body[i : i + width]
            if len(digits) < width or not all(d in _HEX for d in digits):
                raise bad
            i += width
            v = int(digits, 16)
            if e == "x":
                buf.append(v)
            else:
                if v > 0x10FFFF or 0xD800 <= v <= 0xDFFF:
                    raise bad
                buf += chr(v).encode("utf-8")
        elif "0" <= e <= "7":
            digits = body[i : i + 2]
            if len(digits) < 2 or not all("0" <= d <= "7" for d in digits):
                raise bad
            i += 2
            v = int(e + digits, 8)
            if v > 255:
                raise bad
            buf.append(v)
        elif e == quote:
            buf.append(ord(e))  # \" only inside "...", \' only inside '...'
        else:
            raise bad
    return buf.decode("utf-8", "surrogateescape")
