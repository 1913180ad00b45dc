"""The repository is self-contained: no code under tests/, scripts/ or benchmarks/ needs the project's shared
references folder (``../shared`` beside the repo, ``$KUBECTL_PY_SHARED``), so a fresh clone runs the suite.

Only tests/unit/test_jsonpath_corpus.py names it, to ADD the shared corpus's cases when the folder is there;
the second test shows it passes without the folder. Docstrings and comments may cite shared documents.
"""

import ast
import io
import os
import re
import subprocess
import sys
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OPTIONAL_USERS = {"tests/unit/test_jsonpath_corpus.py"}
# ../shared, /work/shared, ROOT.parent / "shared", join(ROOT, "..", "shared"), join(dirname(ROOT), "shared"), the
# environment variable (a folder named "shared" under tmp_path is fine)
SHARED_PATH = re.compile(
    r"""\.\./shared\b|/work/shared\b|KUBECTL_PY_SHARED"""
    r"""|(\bparents?\b(\[\d+\])?|["']\.\.["']|dirname\([^()]*\))\s*[/,]\s*["']shared["']"""
)


def _code_only(path: Path) -> str:
    """A Python file's text without its comments and docstrings (those may cite shared documents)."""
    text = path.read_text(encoding="utf-8")
    docstrings = {
        (node.body[0].value.lineno, node.body[0].value.col_offset)
        for node in ast.walk(ast.parse(text))
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
        and isinstance(node.body[0].value.value, str)
    }
    kept = [
        tok.string
        for tok in tokenize.generate_tokens(io.StringIO(text).readline)
        if tok.type != tokenize.COMMENT and not (tok.type == tokenize.STRING and tok.start in docstrings)
    ]
    return " ".join(kept)


def _sources():
    for top in ("tests", "scripts", "benchmarks"):
        for path in sorted((ROOT / top).rglob("*")):
            if path.suffix in (".py", ".sh") and "gomod" not in path.parts and path.is_file():
                yield path


def test_nothing_requires_the_shared_folder():
    checked, offenders = 0, []
    for path in _sources():
        rel = path.relative_to(ROOT).as_posix()
        if rel in OPTIONAL_USERS or path == Path(__file__).resolve():
            continue
        text = _code_only(path) if path.suffix == ".py" else path.read_text(encoding="utf-8")
        offenders += [f"{rel}: {m.group(0)}" for m in SHARED_PATH.finditer(text)]
        checked += 1
    assert checked > 50, f"only {checked} files found under tests/, scripts/, benchmarks/"
    assert not offenders, "code that reads the shared folder (carry the file into the repo instead):\n" + "\n".join(
        offenders
    )


def test_the_corpus_test_passes_without_the_shared_folder(tmp_path):
    env = dict(os.environ, KUBECTL_PY_SHARED=str(tmp_path))  # an empty folder: no shared corpus
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/unit/test_jsonpath_corpus.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert re.search(r"\b\d{3,} passed\b", proc.stdout), proc.stdout[-500:]
