"""kubectl JSONPath conformance: every case of the corpus (real kubectl v1.32.4 output).

The corpus is carried in the repo (tests/data/jsonpath-corpus/; ORIGIN.md says where it came from, README.md
gives the scoring rule); a missing one is a failure, not a skip. When the project's shared references folder
is beside the repo (``<repo>/../shared/jsonpath-corpus``, or ``$KUBECTL_PY_SHARED/jsonpath-corpus``), its cases
are added; a case id in both copies with different content fails: the copies diverged.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from kubectl_py import jsonpath
from kubectl_py.jsonpath import JSONPathError

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "data" / "jsonpath-corpus" / "cases.jsonl"


def _shared_corpus() -> Path:
    shared = os.environ.get("KUBECTL_PY_SHARED")
    return (Path(shared) if shared else REPO.parent / "shared") / "jsonpath-corpus" / "cases.jsonl"


def _read(path: Path) -> list:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _merge(own: list, extra: list) -> "tuple[list, list]":
    """(own cases + extra's new ids, ids present in both with different content)."""
    by_id = {c["id"]: c for c in own}
    diverged = sorted(c["id"] for c in extra if c["id"] in by_id and by_id[c["id"]] != c)
    added = [c for c in extra if c["id"] not in by_id]
    return own + list({c["id"]: c for c in added}.values()), diverged


OWN = _read(CORPUS)
SHARED = _read(_shared_corpus())
CASES, DIVERGED = _merge(OWN, SHARED)


def test_corpus_present_and_consistent():
    assert CORPUS.is_file(), "JSONPath corpus missing from the repo: %s (see ORIGIN.md beside it)" % CORPUS
    assert len(OWN) >= 500, "corpus looks truncated: %d cases" % len(OWN)
    for name, cases in (("in-repo", OWN), ("shared", SHARED)):
        ids = [c["id"] for c in cases]
        assert len(ids) == len(set(ids)), "%s corpus repeats case ids" % name
    assert not DIVERGED, (
        "the in-repo corpus and %s diverged on %d case(s): %s (refresh the copy as "
        "tests/data/jsonpath-corpus/ORIGIN.md says)" % (_shared_corpus(), len(DIVERGED), ", ".join(DIVERGED[:10]))
    )


def test_merge_adds_new_ids_and_names_diverged_ones():
    own = [{"id": "a", "stdout": "1"}, {"id": "b", "stdout": "2"}]
    extra = [{"id": "a", "stdout": "1"}, {"id": "b", "stdout": "two"}, {"id": "c", "stdout": "3"}]
    cases, diverged = _merge(own, extra)
    assert [c["id"] for c in cases] == ["a", "b", "c"]
    assert cases[1]["stdout"] == "2"  # the in-repo copy is the one run
    assert diverged == ["b"]


# without a corpus, one failing case rather than pytest's skip of an empty parameter set
@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in CASES] or [pytest.param(None, id="no-corpus")])
def test_corpus_case(case):
    assert case is not None, "no JSONPath corpus at %s" % CORPUS
    try:
        out = jsonpath.render(case["template"], case["doc"], case["allow_missing_keys"])
        ok, err = True, None
    except JSONPathError as e:
        ok, err = False, e
    assert ok == case["ok"], "expected %s, got %r" % (
        "success" if case["ok"] else "error " + repr(case["error"]),
        err if err else out,
    )
    if ok:
        if case["compare"] == "sorted_tokens":
            assert sorted(out.split()) == sorted(case["stdout"].split())
        else:
            assert out == case["stdout"]
    else:
        assert str(err) == case["error"]
        assert err.kind == case["error_kind"]


# --- public API ----------------------------------------------------------------------

POD = {
    "kind": "Pod",
    "metadata": {"name": "web-1", "labels": {"app": "web"}},
    "spec": {"nodeName": "n1", "containers": [{"name": "a"}, {"name": "b"}]},
}


def test_compile_once_render_many():
    t = jsonpath.compile("{range .items[*]}{.metadata.name}{' '}{.spec.nodeName}{'\\n'}{end}")
    docs = [
        {"items": [{"metadata": {"name": "p%d" % i}, "spec": {"nodeName": "n%d" % j}} for i in range(3)]}
        for j in range(2)
    ]
    assert t.render(docs[0]) == "p0 n0\np1 n0\np2 n0\n"
    assert t.render(docs[1]) == "p0 n1\np1 n1\np2 n1\n"
    assert t.render(docs[0]) == t.render(docs[0])  # no state left over between runs
    assert jsonpath.compile(t.source) is t


def test_render_basics():
    assert jsonpath.render("{.metadata.name}", POD) == "web-1"
    assert jsonpath.render("{.spec.containers[*].name}", POD) == "a b"
    assert jsonpath.render("{.metadata.labels}", POD) == '{"app":"web"}'
    assert jsonpath.render("{.nope}", POD) == ""


def test_parse_error_kind():
    with pytest.raises(JSONPathError) as info:
        jsonpath.compile("{.spec.containers[1.5]}")
    assert info.value.kind == "parse"
    assert str(info.value) == "invalid array index 1.5"


def test_execute_error_kind():
    t = jsonpath.compile("{.spec.containers[5]}")
    with pytest.raises(JSONPathError) as info:
        t.render(POD)
    assert info.value.kind == "execute"
    assert str(info.value) == "array index out of bounds: index 5, length 2"


def test_strict_missing_keys():
    with pytest.raises(JSONPathError) as info:
        jsonpath.render("{.spec.nope}", POD, allow_missing_keys=False)
    assert str(info.value) == "nope is not found"
    assert info.value.kind == "execute"


def test_evaluate_returns_python_values():
    assert jsonpath.evaluate("{.spec.containers[*].name}", POD) == ["a", "b"]
    assert jsonpath.evaluate(".metadata.labels", POD) == [{"app": "web"}]
    assert jsonpath.evaluate("{.nope}", POD) == []
