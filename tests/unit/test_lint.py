"""Static checks that cost nothing: ruff's lint and format check with the rules written in pyproject.toml
(pyflakes, pycodestyle, bugbear, import order), and the house rules of the architecture."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHECKED = ["kubectl_py", "tests", "benchmarks", "scripts"]


def _ruff(*args):
    return subprocess.run([sys.executable, "-m", "ruff", *args, *CHECKED], cwd=ROOT, capture_output=True, text=True)


def test_ruff_lint_is_clean():
    proc = _ruff("check", "--no-cache")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_format_is_kept():
    proc = _ruff("format", "--check", "--no-cache")
    assert proc.returncode == 0, "run `ruff format`:\n" + proc.stdout + proc.stderr


def test_only_the_cli_imports_typer_and_nothing_builds_typed_models():
    for path in (ROOT / "kubectl_py").rglob("*.py"):
        text = path.read_text()
        if "cli" not in path.relative_to(ROOT / "kubectl_py").parts:
            assert "import typer" not in text, f"{path}: typer belongs to kubectl_py/cli"
        assert "CoreV1Api" not in text and "kubernetes.client.models" not in text, (
            f"{path}: work on plain dicts, never the client's typed models"
        )


def test_no_print_outside_the_cli():
    for path in (ROOT / "kubectl_py").rglob("*.py"):
        if "cli" in path.relative_to(ROOT / "kubectl_py").parts:
            continue
        calls = [
            node
            for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print"
        ]
        assert not calls, f"{path}:{calls[0].lineno if calls else ''}: only the CLI writes to streams"


def _modules():
    for path in sorted((ROOT / "kubectl_py").rglob("*.py")):
        yield path, path.relative_to(ROOT / "kubectl_py").parts, ast.parse(path.read_text())


def test_only_the_cli_writes_to_the_terminal():
    """Library code reports (errors, kubectl_py.notices); the CLI decides what reaches stdout and stderr.
    Printers write to the stream they are given (sys.stdout by default)."""
    for path, parts, tree in _modules():
        if parts[0] == "cli":
            continue
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "sys"
                and node.attr in ("stdout", "stderr")
            ):
                assert parts[0] == "printers" and node.attr == "stdout", (
                    f"{path}:{node.lineno}: sys.{node.attr} outside kubectl_py/cli (say it with kubectl_py.notices)"
                )


def test_no_private_name_is_imported_across_modules():
    for path, _, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("kubectl_py")):
                private = [alias.name for alias in node.names if alias.name.startswith("_")]
                assert not private, f"{path}:{node.lineno}: imports {private} from {node.module}: make it public"


def test_the_library_knows_nothing_of_the_command_line():
    """kube/ (the HTTP client, kubeconfig, discovery) imports nothing from cli/, and the client is handed the
    start-up's early connection (api.clusters(early=...)) instead of asking the start-up for it."""
    for path, parts, tree in _modules():
        if parts[0] != "kube":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert "cli" not in (node.module or "").split("."), f"{path}:{node.lineno}: kube/ imports cli/"
                if parts[-1] in ("client.py", "cluster.py", "wire.py", "answer.py"):
                    assert "preconnect" not in [a.name for a in node.names] and "preconnect" not in (
                        node.module or ""
                    ), f"{path}:{node.lineno}: the client must not reach into the command line's start-up"


def test_the_readme_development_map_names_every_module():
    """The map in README.md's "Development" section names every package and module, so a newcomer finds
    where a feature lives; a module added without a line there fails here."""
    import re

    readme = (ROOT / "README.md").read_text()
    start = readme.index("## Development")
    block = readme[readme.index("```", start) + 3 :]
    block = block[: block.index("```")]
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", block))
    missing = []
    for path in sorted((ROOT / "kubectl_py").rglob("*.py")):
        name = path.parent.name if path.name == "__init__.py" else path.stem
        if name not in words:
            missing.append(str(path.relative_to(ROOT)))
    assert not missing, f"README's development map does not name: {missing}"


def test_sources_are_asked_not_probed():
    """Engines ask a source what it can do (kube/source.py: sends_requests, serves_tables, holds) instead of
    probing it with hasattr/getattr, an interface nobody could read."""
    for path, _, tree in _modules():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("hasattr", "getattr")
                and node.args
                and isinstance(node.args[0], ast.Name)
                and node.args[0].id in ("source", "src", "s")
            ):
                raise AssertionError(f"{path}:{node.lineno}: {node.func.id}(source, ...): use the Source protocol")


def test_cluster_and_dump_are_sources():
    from typing import get_type_hints

    from kubectl_py.kube.cluster import Cluster
    from kubectl_py.kube.offline import Dump
    from kubectl_py.kube.source import Source

    wanted = [name for name in dir(Source) if not name.startswith("_")] + list(get_type_hints(Source))
    for source in (Cluster("ctx", "default", connect=lambda: None), Dump([])):
        missing = [name for name in wanted if not hasattr(source, name)]
        assert not missing, f"{type(source).__name__} lacks {missing}"
