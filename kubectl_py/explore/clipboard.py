"""The terminal's clipboard by OSC 52: the terminal (even over SSH) puts the text on its own clipboard.

Terminals that support it: iTerm2, kitty, Alacritty, WezTerm, foot, Windows Terminal, tmux with
``set-clipboard on``, xterm when allowed; GNOME Terminal (VTE), Terminal.app and Konsole ignore it. Nothing
tells whether the terminal took it, so the UI says "sent to terminal", not "copied".
"""

from __future__ import annotations

import base64

# the largest encoded payload sent (k9s' K9S_OSC52_MAX default): terminals drop or truncate longer ones
MAX_ENCODED = 74_994


def osc52(text: str, tmux: bool = False) -> str | None:
    """The escape sequence that sets the clipboard to ``text``, wrapped for tmux (a DCS passthrough, whose
    ESCs are doubled) when ``tmux``; None when the text is too long to send."""
    encoded = base64.b64encode(text.encode("utf-8")).decode("ascii")
    if len(encoded) > MAX_ENCODED:
        return None
    sequence = f"\x1b]52;c;{encoded}\x07"
    if tmux:
        sequence = "\x1bPtmux;" + sequence.replace("\x1b", "\x1b\x1b") + "\x1b\\"
    return sequence
