"""The README's fenced blocks, read as a doctest reads a docstring, so that tests/integration/test_readme.py can run
every example as written.

- A `console` block is a transcript: a line starting with `$ ` is a command (a line ending in `\\` continues it),
  the lines under it up to the next command are what it prints, stdout and stderr as a terminal shows them.
- A `sh` block holds commands only, one per line (or continued with `\\`).
- Expected output is matched as doctest's ELLIPSIS matches: `...` inside a line stands for any text, a line that is
  only `...` for any number of lines (ages, generated names, ports of the moment). Trailing blanks are ignored.
"""

import re
from dataclasses import dataclass
from typing import List

_FENCE = re.compile(r"^( *)```(\w*)\n(.*?)^\1```[ \t]*$", re.S | re.M)


@dataclass
class Block:
    line: int  # of the opening fence, 1-based
    language: str  # "" for a plain fence
    text: str  # the body, the fence's indentation removed

    def where(self) -> str:
        return f"README.md:{self.line}"


@dataclass
class Step:
    command: str  # continuation lines kept, joined by "\\\n" as typed
    expected: str  # what it prints, "" if nothing


def blocks(markdown: str) -> List[Block]:
    found = []
    for match in _FENCE.finditer(markdown):
        indent = len(match.group(1))
        body = "".join(line[indent:] + "\n" for line in match.group(3).splitlines())
        found.append(Block(markdown.count("\n", 0, match.start()) + 1, match.group(2), body))
    return found


def commands(text: str) -> List[str]:
    """The logical lines of a `sh` block (continuations joined), blank lines left out."""
    out: List[str] = []
    pending = ""
    for line in text.splitlines():
        pending += line
        if line.endswith("\\"):
            pending += "\n"
            continue
        if pending.strip():
            out.append(pending)
        pending = ""
    return out


def transcript(text: str) -> List[Step]:
    steps: List[Step] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if not lines[i].startswith("$ "):
            raise ValueError(f"transcript line {i + 1} is neither a command nor under one: {lines[i]!r}")
        command = lines[i][2:]
        while command.endswith("\\") and i + 1 < len(lines):
            i += 1
            command += "\n" + lines[i]
        i += 1
        start = i
        while i < len(lines) and not lines[i].startswith("$ "):
            i += 1
        expected = "".join(line + "\n" for line in lines[start:i])
        steps.append(Step(command, expected.rstrip("\n") + "\n" if expected.strip() else ""))
    return steps


def pattern(expected: str) -> "re.Pattern[str]":
    """A regex for `expected` with doctest's ELLIPSIS: `...` is any text in a line, a `...` line any lines."""
    parts = []
    for line in expected.splitlines():
        if line.strip() == "...":
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            parts.append("[^\n]*?".join(re.escape(piece) for piece in line.rstrip().split("...")) + r"[ \t]*\n")
    return re.compile("".join(parts))


def matches(expected: str, actual: str) -> bool:
    actual = "".join(line.rstrip() + "\n" for line in actual.splitlines())
    return pattern(expected).fullmatch(actual) is not None
