"""The README's examples stay true: its snapshot output and its library example run as written."""

import re
import subprocess
import sys
from pathlib import Path

from tests.integration.harness import plugin_env

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()


def console_block(command: str) -> str:
    """The output printed under ``$ command`` in a console block of the README."""
    match = re.search(r"```console\n\$ " + re.escape(command) + r"\n(.*?)\n(?:\$ |```)", README, re.S)
    assert match, f"README has no console block for {command}"
    return match.group(1).strip("\n") + "\n"


def test_snapshot_output_in_readme_is_what_the_plugin_prints(cluster):
    proc = subprocess.run(
        ["kubectl-py_nodeports", "-f", "examples/snapshot.json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=plugin_env(cluster),
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == console_block("kubectl py-nodeports -f examples/snapshot.json")


def test_library_example_runs(cluster):
    code = re.search(r"```python\n(.*?)```", README, re.S).group(1)
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=plugin_env(cluster), cwd=ROOT
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("kpy-a [") and lines[1].startswith("kpy-b [") and lines[2] == "web"
