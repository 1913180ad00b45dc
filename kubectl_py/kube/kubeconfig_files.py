"""Which kubeconfig files a command reads, and their state now. Import-light: the early connection asks
before anything else is loaded, and the kubeconfig reader asks the same, so the rule is written once."""

import os


def listed(explicit: str | None = None) -> list:
    """The kubeconfig files named, in precedence order, as kubectl picks them: ``--kubeconfig`` alone, else
    every entry of ``$KUBECONFIG`` (empty ones skipped), else ``~/.kube/config``; ``~`` expanded. Whether
    they exist is the caller's question."""
    if explicit:
        return [os.path.expanduser(explicit)]
    env = os.environ.get("KUBECONFIG")
    if env:
        return [os.path.expanduser(part) for part in env.split(os.pathsep) if part]
    return [os.path.expanduser(os.path.join("~", ".kube", "config"))]


def fingerprint(paths: list) -> tuple:
    """(path, size, mtime) of each file (None for a missing one): any edit gives another fingerprint."""
    out = []
    for path in paths:
        try:
            stat = os.stat(path)
            out.append((path, stat.st_size, stat.st_mtime_ns))
        except OSError:
            out.append((path, None, None))
    return tuple(out)
