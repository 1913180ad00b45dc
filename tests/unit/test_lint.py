"""Static checks that cost nothing: pyflakes on the package and the tests (unused imports, undefined
names), and the house rules of the architecture."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_pyflakes_is_clean():
    proc = subprocess.run([sys.executable, "-m", "pyflakes", "kubectl_py", "tests", "benchmarks", "scripts"],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_only_the_cli_imports_typer_and_nothing_builds_typed_models():
    for path in (ROOT / "kubectl_py").rglob("*.py"):
        text = path.read_text()
        if "cli" not in path.relative_to(ROOT / "kubectl_py").parts:
            assert "import typer" not in text, f"{path}: typer belongs to kubectl_py/cli"
        assert "CoreV1Api" not in text and "kubernetes.client.models" not in text, \
            f"{path}: work on plain dicts, never the client's typed models"


def test_no_print_outside_the_cli():
    for path in (ROOT / "kubectl_py").rglob("*.py"):
        if "cli" in path.relative_to(ROOT / "kubectl_py").parts:
            continue
        calls = [node for node in ast.walk(ast.parse(path.read_text())) if isinstance(node, ast.Call)
                 and isinstance(node.func, ast.Name) and node.func.id == "print"]
        assert not calls, f"{path}:{calls[0].lineno if calls else ''}: only the CLI writes to streams"
