"""Where kubectl-py keeps what it remembers between commands (discovery, the server last dialled).
Kept free of imports: the early connection reads it before anything else is loaded."""

import os


def cache_dir() -> str:
    """``$KUBECTL_PY_CACHE_DIR``, else ``~/.cache/kubectl-py``."""
    return os.environ.get("KUBECTL_PY_CACHE_DIR") or os.path.join(os.path.expanduser("~"), ".cache", "kubectl-py")
