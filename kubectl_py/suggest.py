"""Did-you-mean suggestions for a misspelt name (context, resource type, flag), chosen as cobra chooses the
commands kubectl suggests: a case-insensitive Levenshtein distance of at most 2, or a name the typed text
begins. Pure, no imports."""

from __future__ import annotations

MAX_DISTANCE = 2  # cobra's SuggestionsMinimumDistance
MAX_SHOWN = 3


def distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions), ignoring case."""
    a, b = a.lower(), b.lower()
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def close_names(typed: str, candidates) -> list:
    """The candidates close to ``typed``, closest first (ties in the candidates' order), at most three."""
    if not typed:
        return []
    scored = []
    for index, name in enumerate(dict.fromkeys(candidates)):
        if not name or name == typed:
            continue
        score = distance(typed, name)
        if score <= MAX_DISTANCE or name.lower().startswith(typed.lower()):
            scored.append((score, index, name))
    return [name for _, _, name in sorted(scored)[:MAX_SHOWN]]


def did_you_mean(typed: str, candidates, quote: str = '"') -> str:
    """``; did you mean "x"?`` (or ``"x" or "y"``), or "" when nothing is close."""
    names = close_names(typed, candidates)
    if not names:
        return ""
    return "; did you mean " + " or ".join(f"{quote}{name}{quote}" for name in names) + "?"
