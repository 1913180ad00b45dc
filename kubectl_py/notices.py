"""Lines the library has for the person at the terminal (client-go's warnings: a list that expired while
paging, a context whose watch failed): the library says them here and whoever runs it decides where they
go. The plugins print them on stderr, escaped, after the lines already on stdout (``cli/runner.py``);
without a receiver they go to Python's ``warnings``, so that library code never writes to a terminal."""

from __future__ import annotations

receiver = None  # a function taking one line, set by the command line


def say(line: str) -> None:
    """One line, as it is (the receiver escapes it for the terminal)."""
    if receiver is not None:
        receiver(line)
        return
    import warnings

    warnings.warn(line, RuntimeWarning, stacklevel=3)


def warn(message: str, context: str = "") -> None:
    """``warning: message (context "X")``, as client-go words its warnings."""
    say(f"warning: {message}" + (f' (context "{context}")' if context else ""))
