"""Run one function on several contexts concurrently; collect each answer or failure as data."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

from ..errors import BadAnswer, KubectlPyError

# contexts read at once unless --parallel: 64 contexts at 40 ms RTT, 2 cores: 32 beat 16 and 64 by 10-20% (64: +10% RSS)
DEFAULT_PARALLEL = 32


@dataclass
class ContextResult:
    context: str
    value: object = None
    error: KubectlPyError | None = None
    elapsed_ms: int = 0

    @property
    def ok(self) -> bool:
        return self.error is None

    def status(self) -> dict:
        """The per-context status record of structured output."""
        record = {
            "context": self.context,
            "status": "ok" if self.ok else self.error.reason,
            "elapsedMs": self.elapsed_ms,
        }
        if self.error is not None:
            record["message"] = str(self.error)
        return record


def _timed(fn, source) -> ContextResult:
    start = time.monotonic()
    try:
        value = fn(source)
        error = None
    except KubectlPyError as exc:
        value, error = None, exc
    except Exception as exc:  # whatever one context's answer did to us, the others' answers are kept
        if os.environ.get("KUBECTL_PY_DEBUG"):
            raise
        value, error = (
            None,
            BadAnswer(
                f"could not read the answer ({type(exc).__name__}: {_short(exc)}); set KUBECTL_PY_DEBUG=1 for details"
            ),
        )
    finally:
        source.close()
    return ContextResult(source.name, value, error, int((time.monotonic() - start) * 1000))


def _short(exc: Exception) -> str:
    """An exception's message on one line, short (it may quote what a server sent)."""
    text = " ".join(str(exc).split())
    return text[:120] + ("..." if len(text) > 120 else "")


def run_per_context(sources: list, fn, parallel: int | None = None) -> list:
    """``fn(source)`` for every source, at most ``parallel`` at once (default: all of them up to
    :data:`DEFAULT_PARALLEL`), results in the sources' order whatever finishes first.

    Each source's own request timeout bounds its wait; a failure in one context never stops the others.
    """
    workers = min(parallel or DEFAULT_PARALLEL, len(sources))
    if workers <= 1:
        return [_timed(fn, source) for source in sources]
    from concurrent.futures import ThreadPoolExecutor  # 7 ms of imports a single context does not need

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda s: _timed(fn, s), sources))
