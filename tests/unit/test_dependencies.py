"""Every runtime dependency must run without compiled code, so that one archive serves every platform.

Walks the installed requirement closure of kubectl-py and fails for any distribution whose wheel is
not pure Python, except those known to ship a pure-Python fallback for their optional speed-ups.
"""

import re
from importlib import metadata

# name -> why its compiled parts are optional
PURE_FALLBACK = {
    "pyyaml": "the C LibYAML bindings are optional; yaml falls back to its pure-Python loader",
    "charset-normalizer": "mypyc-compiled modules are optional; the pure-Python ones are always shipped",
    "wcwidth": "prompt_toolkit's; its C module is optional, the pure-Python implementation is used without it",
}


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_names(dist) -> list:
    """Requirements that apply here (markers evaluated, no extras: users do not install those)."""
    from packaging.requirements import Requirement

    names = []
    for text in dist.requires or []:
        requirement = Requirement(text)
        if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
            continue
        names.append(_canonical(requirement.name))
    return names


def runtime_closure() -> dict:
    seen, todo = {}, ["kubectl-py"]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        dist = metadata.distribution(name)
        seen[name] = dist
        todo.extend(_requirement_names(dist))
    seen.pop("kubectl-py")
    return seen


def is_pure(dist) -> bool:
    wheel = dist.read_text("WHEEL") or ""
    if "Root-Is-Purelib: true" in wheel:
        return True
    files = dist.files or []
    return not any(str(f).endswith((".so", ".pyd", ".dylib")) for f in files)


def test_runtime_dependencies_are_pure_python():
    closure = runtime_closure()
    assert {"kubernetes", "typer", "tabulate", "jsonpath-ng", "pyyaml"} <= set(closure)
    compiled = sorted(name for name, dist in closure.items() if not is_pure(dist) and name not in PURE_FALLBACK)
    assert not compiled, f"dependencies that need compiled code: {compiled}"


def test_pins_keep_the_pure_python_versions():
    kubernetes_major = int(metadata.version("kubernetes").split(".")[0])
    typer_minor = int(metadata.version("typer").split(".")[1])
    assert kubernetes_major == 35, "kubernetes 36 adds aiohttp and 37 pydantic, both compiled"
    assert typer_minor == 28, "typer 0.29 adds pydantic (compiled)"
