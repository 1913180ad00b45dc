"""A real terminal for full-screen plugins: the command runs in a pseudo-terminal (pexpect) and what it draws is
rebuilt into a screen of characters (pyte), so tests and benchmarks read the screen a user would see.

    term = TerminalScreen.spawn(["kubectl", "py-explore", "pods"], env, rows=24, columns=80)
    term.wait_for(lambda: "objects" in term.row(-1), "the status line")
    term.type("{.items[*]")
    term.close()

``raw`` keeps every byte the command wrote (escape sequences included), for checks on colours or OSC 52.
"""

from __future__ import annotations

import os
import re
import time

import pexpect
import pyte

from tests.integration.harness import sigint_default

# generous bounds on waits: a check waits for a state, it never asserts how soon it came
WAIT = 60

_SGR = re.compile(r"\x1b\[([0-9;:]*)m")


class TerminalScreen:
    def __init__(self, child, rows: int, columns: int):
        self.child = child
        self.screen = pyte.Screen(columns, rows)
        self.stream = pyte.Stream(self.screen)
        self.raw = []

    @classmethod
    def spawn(cls, argv: list, env: dict, rows: int = 24, columns: int = 80, cwd: str | None = None):
        env = dict(env, TERM=env.get("TERM") or "xterm-256color", LINES=str(rows), COLUMNS=str(columns))
        child = pexpect.spawn(
            argv[0],
            list(argv[1:]),
            env=env,
            dimensions=(rows, columns),
            encoding="utf-8",
            codec_errors="replace",
            cwd=cwd or os.getcwd(),
            preexec_fn=sigint_default,  # Ctrl-C must land even when the tests run as a background job
        )
        child.delaybeforesend = None  # pexpect sleeps 50 ms before each send unless told not to
        return cls(child, rows, columns)

    # -- reading ---------------------------------------------------------------------------------------

    def pump(self, timeout: float = 0.01) -> bool:
        """Read what the command wrote within ``timeout`` into the screen; False at end of output."""
        try:
            data = self.child.read_nonblocking(1 << 16, timeout=timeout)
        except pexpect.TIMEOUT:
            return True
        except pexpect.EOF:
            return False
        self.raw.append(data)
        self.stream.feed(data)
        return True

    def wait_for(self, predicate, what: str, timeout: float = WAIT) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline or not self.pump():
                if predicate():
                    return
                raise AssertionError(f"timed out waiting for {what}; the screen:\n{self.text()}")

    def rows(self) -> list:
        return [line.rstrip() for line in self.screen.display]

    def row(self, index: int) -> str:
        return self.rows()[index]

    def text(self) -> str:
        return "\n".join(self.rows())

    def output(self) -> str:
        return "".join(self.raw)

    def colour_sgr(self) -> list:
        """SGR sequences of what was written that set a colour (30-49, 90-107: foreground or background)."""
        found = []
        for params in _SGR.findall(self.output()):
            codes = [int(p) for p in re.split("[;:]", params) if p.isdigit()]
            if any(30 <= c <= 49 or 90 <= c <= 107 for c in codes):
                found.append(params)
        return found

    # -- writing ---------------------------------------------------------------------------------------

    def send(self, keys: str) -> None:
        self.child.send(keys)

    def type(self, text: str, settle=None) -> None:
        """Type ``text`` key by key; ``settle(typed_so_far)`` (optional) is waited for after each key."""
        for index, key in enumerate(text):
            self.child.send(key)
            if settle is not None:
                typed = text[: index + 1]
                self.wait_for(lambda: settle(typed), f"the screen after typing {typed!r}")
            else:
                self.pump()

    def resize(self, rows: int, columns: int) -> None:
        self.screen.resize(rows, columns)
        self.child.setwinsize(rows, columns)  # the kernel sends SIGWINCH to the command

    # -- ending ----------------------------------------------------------------------------------------

    def wait_exit(self, timeout: float = WAIT) -> int:
        """The exit status once the command ended (reading what it still writes)."""
        deadline = time.monotonic() + timeout
        while self.pump(0.05):
            if time.monotonic() > deadline:
                raise AssertionError(f"the command did not exit; the screen:\n{self.text()}")
        self.child.close()
        if self.child.exitstatus is not None:
            return self.child.exitstatus
        return 128 + (self.child.signalstatus or 0)

    def close(self) -> None:
        if self.child.isalive():
            self.child.terminate(force=True)
        self.child.close()
