"""Start and stop the control plane's processes by pid, and pick free loopback ports.

Processes are recorded as plain dicts (name, pid, exe, tier, log) so that another Python process can stop them
from the state file: see `stop_all`.
"""

import ctypes
import os
import signal
import socket
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Dict, List, Optional, Sequence

STOP_TIMEOUT = 15.0  # seconds to wait after SIGTERM before SIGKILL
_PR_SET_PDEATHSIG = 1


def free_port() -> int:
    """A loopback TCP port that was free a moment ago (bind port 0 and read it back)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _kill_with_parent() -> None:
    """preexec_fn: have Linux SIGKILL the child when the process that started it dies (say, pytest killed -9),
    so that a crashed test run cannot leak an apiserver. Stale data dirs are swept on the next start."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def spawn(name: str, argv: Sequence[str], log_path: str, tier: int, die_with_parent: bool) -> Dict:
    """Start `argv` with stdout and stderr appended to `log_path`, in its own session (a Ctrl-C in the
    terminal reaches only the Python process, which then stops the processes in order)."""
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_kill_with_parent if die_with_parent else None,
        )
    _children[proc.pid] = proc
    return {"name": name, "pid": proc.pid, "exe": os.path.realpath(argv[0]), "tier": tier, "log": log_path}


# Popen objects of the processes this Python process started, so that it can reap them (no zombies).
_children: Dict[int, subprocess.Popen] = {}


def exited(record: Dict) -> bool:
    """True when the recorded process is gone, a zombie, or its pid now belongs to another program."""
    pid = record["pid"]
    child = _children.get(pid)
    if child is not None:
        return child.poll() is not None
    try:
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
        exe = os.readlink(f"/proc/{pid}/exe")
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return True
    return state == "Z" or exe.removesuffix(" (deleted)") != record["exe"]


def _stop_one(record: Dict, timeout: float) -> Optional[str]:
    """SIGTERM, wait up to `timeout`, then SIGKILL. Returns a note when SIGKILL was needed."""
    if exited(record):
        return None
    note = None
    try:
        os.kill(record["pid"], signal.SIGTERM)
        if not _wait_exit(record, timeout):
            note = f"{record['name']} (pid {record['pid']}) ignored SIGTERM for {timeout:.0f} s: killed"
            os.kill(record["pid"], signal.SIGKILL)
            _wait_exit(record, 5.0)
    except ProcessLookupError:
        pass
    _children.pop(record["pid"], None)
    return note


def _wait_exit(record: Dict, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if exited(record):
            return True
        time.sleep(0.05)
    return exited(record)


def stop_all(records: List[Dict], timeout: float = STOP_TIMEOUT) -> List[str]:
    """Stop processes tier by tier, highest tier first, waiting for a whole tier to exit before the next.

    Tiers encode the dependencies (etcd 0, apiservers 1, controllers 2, kwok 3): an apiserver whose etcd is
    gone can hang for minutes on SIGTERM, so etcd must go last. Processes of one tier stop concurrently.
    """
    notes: List[str] = []
    for tier in sorted({r["tier"] for r in records}, reverse=True):
        group = [r for r in records if r["tier"] == tier]
        with ThreadPoolExecutor(max_workers=len(group)) as pool:
            notes += [n for n in pool.map(lambda r: _stop_one(r, timeout), group) if n]
    return notes


def rss_bytes(pid: int) -> int:
    """Resident set size of a process (0 if gone)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except FileNotFoundError:
        pass
    return 0
