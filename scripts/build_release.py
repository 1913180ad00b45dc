#!/usr/bin/env python3
"""Build the krew release archive and the krew manifests, reproducibly.

    python3 scripts/build_release.py            build dist/kubectl-py-v<version>.tar.gz, write krew/py-*.yaml
    python3 scripts/build_release.py --check    build, and exit 1 if krew/*.yaml differ from what the build gives
    python3 scripts/build_release.py --lock     re-resolve the pinned runtime dependencies (PyPI) into LOCK below

Needs python3 >= 3.10 and, on the first run only, PyPI (build tools and the pinned dependencies are cached
under ~/.cache/kubectl-py/release, or $KUBECTL_PY_CACHE/release).

The archive (one for every plugin and platform: krew manifests of all plugins point at it)::

    LICENSE
    py-describe/kubectl-py.pyz      executable zipapps (shiv), one per plugin; all runtime dependencies inside,
    py-diff/kubectl-py.pyz          pure Python only, so they run on linux and darwin, any CPU, python3 >= 3.10
    py-explore/kubectl-py.pyz
    py-nodeports/kubectl-py.pyz
    py-query/kubectl-py.pyz
    py-triage/kubectl-py.pyz

Each zipapp is a shiv (https://github.com/linkedin/shiv) app: on its first run it unpacks its site-packages
once into ~/.cache/kubectl-py/shiv/kubectl-py.pyz_<content hash>/ (SHIV_ROOT overrides the folder) and from
then on imports from there, as fast as a pip install. The zipapps hold the same site-packages and only
differ in their entry point; shiv names the unpacked folder after the file name and the content hash, so giving
them one file name makes the plugins share a single unpacked copy. A preamble (PREAMBLE below) refuses
a python3 older than MIN_PYTHON with a clear message and, at exit, compiles to bytecode the modules the run
imported, once per Python version. shiv's own --compile-pyc compiles all of site-packages (~1700 modules, 5-8 s
here) and only for the Python of the first run: another python3 would then recompile from source on every run
wherever Python writes no bytecode itself (PYTHONDONTWRITEBYTECODE, as on the CI machines).

Pure Python: PyYAML has no pure wheel, so it is built from its sdist without its C extension
(PYYAML_FORCE_LIBYAML=0); every other dependency comes as a py3-none-any wheel (charset-normalizer's, not its
mypyc-compiled ones). The build fails if any compiled file (.so, .pyd, .dylib, ...) reaches the zipapps.

Reproducible: the dependency closure is pinned with hashes (LOCK), the build tools are pinned (TOOLS), file
order, modes and times inside the zipapps and the tarball are fixed, and the gzip header has no name or time.
The same sources thus give the same sha256, given the same zlib (deflate output can differ between zlib
builds, e.g. zlib-ng): tests/unit/test_krew_manifests.py checks that the committed manifests match a fresh
build on the CI image.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import difflib
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("KUBECTL_PY_CACHE") or Path.home() / ".cache" / "kubectl-py") / "release"

REPO = "https://github.com/kubectl-py/kubectl-py"
URI = REPO + "/releases/download/v{version}/kubectl-py-v{version}.tar.gz"
ARCHIVE_NAME = "kubectl-py-v{version}.tar.gz"
ZIPAPP_NAME = "kubectl-py.pyz"  # one name for all the zipapps: they share one unpacked copy (see above)
SHIV_ROOT = "~/.cache/kubectl-py/shiv"
SHEBANG = "/usr/bin/env python3"
# 1980-01-01T00:00:00Z, the earliest time a zip entry can carry: every file in the archive gets it
SOURCE_DATE_EPOCH = 315532800
# The oldest python3 the zipapps run on: the pinned closure is resolved for it (typer 0.28 needs 3.10).
MIN_PYTHON = (3, 10)
# Newest minor version the closure is checked against (markers, Requires-Python) by the tests.
MAX_CHECKED_PYTHON = (3, 14)
COMPILED_SUFFIXES = (".so", ".pyd", ".dylib", ".dll", ".exe")

PLUGINS = {
    "py-nodeports": {
        "entry_point": "kubectl_py.cli.launch:nodeports",
        "short": "Show NodePort services and the node URLs to use",
        "description": """\
Lists every Service reachable on a node port (NodePort and LoadBalancer
types) with the node addresses that reach it and how many endpoints are
ready, across namespaces and across several kubeconfig contexts at once.
Prints a table, or JSON, YAML, JSONPath or custom columns.
""",
    },
    "py-describe": {
        "entry_point": "kubectl_py.cli.launch:describe",
        "short": "Describe objects as text or as JSON/YAML data",
        "description": """\
Shows everything 'kubectl describe' shows (events, endpoints, allocated
resources, old and new ReplicaSets, ...) either as the familiar text or as
structured data (JSON, YAML, JSONPath), for one or several kubeconfig
contexts at once.
""",
    },
    "py-query": {
        "entry_point": "kubectl_py.cli.launch:query",
        "short": "Query many kinds, namespaces and contexts at once",
        "description": """\
Runs one query over several resource kinds, namespaces and kubeconfig
contexts at once and prints the result with the usual output formats
(table, name, JSON, YAML, JSONPath, custom columns), on the objects or on
their describe data, or counts them per context, kind or namespace.
""",
    },
    "py-diff": {
        "entry_point": "kubectl_py.cli.launch:diff",
        "short": "Compare the same objects across contexts and dumps",
        "description": """\
Compares the same objects in several kubeconfig contexts (and in dumps of
'kubectl get -o json'), field by field: lists of named things matched by
name, server-set fields left out, Secret values never shown. Prints a table
per object or a JSON/YAML document; exits 1 when anything differs, as
'kubectl diff' does.
""",
    },
    "py-explore": {
        "entry_point": "kubectl_py.cli.launch:explore",
        "short": "Build a JSONPath template on live data",
        "description": """\
Reads objects once (several kinds, namespaces and kubeconfig contexts,
or their describe data) and opens a terminal editor for a JSONPath
template: the output kubectl would print follows every key, and
completion offers the fields present in the data with counts and
examples. Enter prints the template, or the whole command.
""",
    },
    "py-triage": {
        "entry_point": "kubectl_py.cli.launch:triage",
        "short": "Show what is broken across clusters, and why",
        "description": """\
Reads each kubeconfig context once and reports what is wrong, with the
reason describe would show: pods not ready (waiting state, exit code,
unschedulable message, Warning event), workloads below their desired
count, Services without ready endpoints, node problems, pending claims,
and Warning events newest first. Tables, markdown, csv or JSON; exits 1
when something is wrong.
""",
    },
}

CAVEATS = """\
This plugin needs the following programs:
* python3 ({min} or newer) on PATH

Its first run unpacks it into ~/.cache/kubectl-py/shiv (a few seconds, once
per version).
"""

# Build tools, pinned: their versions shape the built files (wheel metadata, zipapp bootstrap).
TOOLS = ("shiv==1.0.8", "click==8.5.1", "setuptools==84.2.1", "wheel==0.48.0", "packaging==26.4")

# The runtime closure of kubectl-py for python3 >= 3.10: name==version, file, sha256 of the file.
# Generated by `scripts/build_release.py --lock`; the build fails if it no longer covers pyproject's dependencies.
# --- LOCK BEGIN
LOCK = """
annotated-doc==0.0.6 annotated_doc-0.0.6-py3-none-any.whl 361ca0950cc7082f53fa69e9328409f40a62c61e57e0a47e1825a08078a58a53
certifi==2026.10.19.post1 certifi-2026.10.19.post1-py3-none-any.whl 1324c476b4811eff41a8bc2122cd0bbd4d9c7234c725446d99ab1612b3a7fdd2
charset-normalizer==3.5.3 charset_normalizer-3.5.3-py3-none-any.whl 96e268b0cbda016ac519513294fcd17032264085b600abaac58b93049477e132
durationpy==0.11 durationpy-0.11-py3-none-any.whl a739fe2b8972c250ff72f8e2c488d18cf25f7b852f49ee76048775d5171df30c
idna==3.20 idna-3.20-py3-none-any.whl ab7ae7122974553370f0bdb919e1a960b2cd1bc1ef0276416d896db81c14582c
jsonpath-ng==1.8.0 jsonpath_ng-1.8.0-py3-none-any.whl b8dde192f8af58d646fc031fac9c99fe4d00326afc4148f1f043c601a8cfe138
kubernetes==35.0.0 kubernetes-35.0.0-py2.py3-none-any.whl 39e2b33b46e5834ef6c3985ebfe2047ab39135d41de51ce7641a7ca5b372a13d
markdown-it-py==4.3.0 markdown_it_py-4.3.0-py3-none-any.whl 7aa1511a46c39138de78d9eba92ce47e63124d8003fc98b3a351909e04239efa
mdurl==0.1.2 mdurl-0.1.2-py3-none-any.whl 84008a41e51615a49fc9966191ff91509e3c40b939176e643fd50a5c2196b8f8
oauthlib==4.0.1 oauthlib-4.0.1-py3-none-any.whl 498a298876e996301950a5b053d12c31628bb7b895db03666430c69ce182eb61
prompt-toolkit==3.0.53 prompt_toolkit-3.0.53-py3-none-any.whl 01c0891d7f9237d5e339f7d3e42cdae80b7534abb1c7c0e3352efba6231492f2
pygments==2.21.0 pygments-2.21.0-py3-none-any.whl 2363c69b61c4a97c838da3b130dcd6468f4848992b21a82f2a63ec34377137d9
python-dateutil==3.0.0 python_dateutil-3.0.0-py2.py3-none-any.whl 3c79630202e4152c6add678446984236efe4f57e84d8e892aab0637bab82e9fd
pyyaml==6.0.4 pyyaml-6.0.4.tar.gz e24bf71af8a432d7808fabff134d38dfe16d3cbb41f2873bb4b1e42422de0a1a
requests==2.34.2 requests-2.34.2-py3-none-any.whl 2a0d60c172f83ac6ab31e4554906c0f3b3588d37b5cb939b1c061f4907e278e0
requests-oauthlib==2.0.0 requests_oauthlib-2.0.0-py2.py3-none-any.whl 7dd8a5c40426b779b0868c404bdef9768deccf22749cde15852df527e6269b36
rich==15.0.0 rich-15.0.0-py3-none-any.whl 33bd4ef74232fb73fe9279a257718407f169c09b78a87ad3d296f548e27de0bb
shellingham==1.5.4 shellingham-1.5.4-py2.py3-none-any.whl 7ecfff8f2fd72616f7481040475a65b2bf8af90a56c89140852d1120324e8686
six==1.17.0 six-1.17.0-py2.py3-none-any.whl 4721f391ed90541fddacab5acf947aa0d3dc7d27b2e1e8eda2be8970586c3274
tabulate==0.10.0 tabulate-0.10.0-py3-none-any.whl f0b0622e567335c8fabaaa659f1b33bcb6ddfe2e496071b743aa113f8774f2d3
typer==0.28.0 typer-0.28.0-py3-none-any.whl afd18929180b706c5e9a239f53c3c8136903553c0c2d460598bbaa924191d4ab
tzdata==2026.6 tzdata-2026.6-py2.py3-none-any.whl 0a10eec6e13ef16b627fabed9a5f2ba61a62b1c67f327305f4e7e412a70b4aec
urllib3==2.8.0 urllib3-2.8.0-py3-none-any.whl 0cf3cae568d36aa9576b28dfb35f11328f1cb974ca7647d9475ebb86c75ac6e3
wcwidth==0.9.5 wcwidth-0.9.5-py3-none-any.whl ef205150ff317032d633de2d8ca26d03dc8d5ba6a00294f6acfd1d0cfe1365d6
websocket-client==1.9.2 websocket_client-1.9.2-py3-none-any.whl e1a673830a9c7bfa47b1cd3d5e4178f4c9651d80a4eab02c9c23a1c3ec6250ce
"""
# --- LOCK END

PREAMBLE = '''\
"""kubectl-py: run by shiv's bootstrap once site-packages is unpacked, before the plugin starts.

Refuses a too old python3 with a clear message. At exit, compiles to bytecode the unpacked modules this run
imported and that have no bytecode yet for this Python version: from then on they load from bytecode, even
where Python itself writes none (PYTHONDONTWRITEBYTECODE). Only what is used gets compiled (the kubernetes
package alone has ~1000 modules that only exec credential plugins need), once per Python version, written
atomically by py_compile, so concurrent runs are safe. KUBECTL_PY_NO_COMPILE=1 turns this off.
"""
import atexit
import os
import sys

MIN_PYTHON = {min_python!r}


def _compile_imported(folder):
    try:
        import importlib.util
        import py_compile

        prefix = os.path.join(folder, "")
        for module in list(sys.modules.values()):
            source = getattr(module, "__file__", None)
            if not source or not source.endswith(".py") or not source.startswith(prefix):
                continue
            cached = importlib.util.cache_from_source(source)
            if not os.path.exists(cached):
                py_compile.compile(source, cfile=cached, doraise=True,
                                   invalidation_mode=py_compile.PycInvalidationMode.TIMESTAMP)
    except (Exception, KeyboardInterrupt):  # a read-only cache, a full disk: run from source next time too
        pass


def _main(folder):
    if sys.version_info < MIN_PYTHON:
        import platform

        sys.stderr.write(
            "error: kubectl-py needs python3 %s or newer; %s is Python %s\\n"
            % (".".join(map(str, MIN_PYTHON)), sys.executable or "python3", platform.python_version()))
        sys.exit(1)
    if sys.implementation.cache_tag and not os.environ.get("KUBECTL_PY_NO_COMPILE"):
        atexit.register(_compile_imported, folder)


if __name__ == "__main__":
    _main(str(site_packages))  # noqa: F821 (given by shiv's bootstrap)
'''


class BuildError(Exception):
    pass


@dataclasses.dataclass
class LockEntry:
    name: str
    version: str
    filename: str
    sha256: str

    @property
    def is_sdist(self) -> bool:
        return not self.filename.endswith(".whl")

    @property
    def requirement(self) -> str:
        return f"{self.name}=={self.version} --hash=sha256:{self.sha256}"


@dataclasses.dataclass
class Release:
    version: str
    archive: Path
    sha256: str
    manifests: dict  # plugin name -> manifest text

    @property
    def manifest_files(self) -> dict:
        return {f"{name}.yaml": text for name, text in self.manifests.items()}


def log(message: str) -> None:
    print(f"build_release: {message}", file=sys.stderr, flush=True)


def parse_lock(text: str = None) -> list:
    entries = []
    for line in (LOCK if text is None else text).splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        requirement, filename, digest = line.split()
        name, _, version = requirement.partition("==")
        entries.append(LockEntry(name, version, filename, digest))
    return entries


def package_version() -> str:
    """``kubectl_py.__version__``, read without importing the package."""
    text = (ROOT / "kubectl_py" / "__init__.py").read_text()
    match = re.search(r'^__version__\s*=\s*["\']([^"\']+)["\']', text, re.M)
    if not match:
        raise BuildError("no __version__ in kubectl_py/__init__.py")
    version = match.group(1)
    if not re.fullmatch(r"\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?", version):
        raise BuildError(f"__version__ {version!r} is not a three-part semantic version (krew needs one)")
    return version


def run(argv, **kwargs) -> subprocess.CompletedProcess:
    argv = [str(a) for a in argv]
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kwargs)
    if proc.returncode != 0:
        raise BuildError(f"command failed ({proc.returncode}): {' '.join(argv)}\n{proc.stdout[-4000:]}")
    return proc


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@contextlib.contextmanager
def file_lock(path: Path):
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def build_env(**extra) -> dict:
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(SOURCE_DATE_EPOCH), PYTHONHASHSEED="0", **extra)
    for name in ("PYTHONPATH", "PIP_REQUIRE_VIRTUALENV", "PIP_TARGET", "PIP_PREFIX", "PIP_USER"):
        env.pop(name, None)
    return env


# -- build tools ---------------------------------------------------------------------------------------------
def tools_python() -> Path:
    """A cached virtualenv holding the pinned build tools."""
    key = hashlib.sha256(repr((TOOLS, sys.version_info[:2])).encode()).hexdigest()[:12]
    venv = CACHE / f"tools-{key}"
    python = venv / "bin" / "python"
    stamp = venv / ".ready"
    with file_lock(CACHE / ".tools.lock"):
        if not (stamp.exists() and python.exists()):  # python.exists(): its base interpreter may be gone
            log(f"creating the build tools virtualenv {venv}")
            shutil.rmtree(venv, ignore_errors=True)
            run([sys.executable, "-m", "venv", venv])
            run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *TOOLS], env=build_env())
            stamp.write_text("\n".join(TOOLS) + "\n")
    return python


def pip(python: Path, *args) -> list:
    return [python, "-m", "pip", "--disable-pip-version-check", *args]


# -- sources -------------------------------------------------------------------------------------------------
def source_files() -> list:
    """The files a build reads from the checkout (relative paths), in a stable order."""
    files = [Path(p) for p in ("pyproject.toml", "LICENSE", "README.md") if (ROOT / p).is_file()]
    for path in sorted((ROOT / "kubectl_py").rglob("*")):
        rel = path.relative_to(ROOT)
        if path.is_file() and "__pycache__" not in rel.parts and path.suffix not in (".pyc", ".pyo"):
            files.append(rel)
    return files


def copy_source(dest: Path) -> Path:
    """A clean copy of the project (no build/ or egg-info leftovers) to build from."""
    for rel in source_files():
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / rel, target)
    return dest


def inputs_digest() -> str:
    """Everything a build depends on: sources, this script (pins included), the interpreter and zlib."""
    digest = hashlib.sha256()
    digest.update(Path(__file__).read_bytes())
    digest.update(f"{sys.version_info[:2]} zlib {zlib.ZLIB_RUNTIME_VERSION}".encode())
    for rel in source_files():
        digest.update(str(rel).encode() + b"\0" + (ROOT / rel).read_bytes() + b"\0")
    return digest.hexdigest()


# -- dependencies ----------------------------------------------------------------------------------------------
PURE_WHEEL_ARGS = (
    "--only-binary=:all:",
    "--platform",
    "any",
    "--implementation",
    "py",
    "--abi",
    "none",
    "--python-version",
    "{py}",
)
SDIST_BUILD_ENV = {"PYYAML_FORCE_LIBYAML": "0", "CHARSET_NORMALIZER_USE_MYPYC": "0"}


def _pure_args() -> list:
    py = ".".join(map(str, MIN_PYTHON))
    return [a.format(py=py) for a in PURE_WHEEL_ARGS]


def fetch(python: Path, entry: LockEntry) -> Path:
    """The locked file, from the download cache or PyPI; its sha256 is checked either way."""
    downloads = CACHE / "downloads"
    path = downloads / entry.filename
    if path.is_file() and sha256_file(path) == entry.sha256:
        return path
    downloads.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        req = Path(tmp, "req.txt")
        req.write_text(entry.requirement + "\n")
        kind = ["--no-binary=:all:"] if entry.is_sdist else _pure_args()
        run(pip(python, "download", "--no-deps", "--require-hashes", "-r", req, "-d", tmp, *kind), env=build_env())
        got = Path(tmp, entry.filename)
        if not got.is_file():
            raise BuildError(f"pip did not download {entry.filename} for {entry.name}=={entry.version}")
        if sha256_file(got) != entry.sha256:
            raise BuildError(f"{entry.filename}: sha256 mismatch")
        shutil.copyfile(got, path)
    return path


def build_wheel(python: Path, source: Path, out: Path) -> Path:
    """A py3-none-any wheel from a source tree or sdist, with the pinned setuptools (no build isolation)."""
    with tempfile.TemporaryDirectory() as tmp:
        run(
            pip(python, "wheel", "--no-deps", "--no-build-isolation", "--no-cache-dir", "-w", tmp, source),
            env=build_env(**SDIST_BUILD_ENV),
        )
        (wheel,) = Path(tmp).glob("*.whl")
        if not wheel.name.endswith("-none-any.whl"):
            raise BuildError(f"{source.name} built a platform wheel ({wheel.name}): it must build pure Python")
        return Path(shutil.copy(wheel, out))


def find_compiled(folder: Path) -> list:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and is_compiled(p.name))


def is_compiled(name: str) -> bool:
    name = name.lower()
    return name.endswith(COMPILED_SUFFIXES) or bool(re.search(r"\.so\.\d", name))


def normalize_site_packages(folder: Path) -> None:
    """Drop what is install-specific (scripts with the build's shebang, RECORD, INSTALLER, direct_url.json,
    bytecode) and give every file and folder the same mode."""
    shutil.rmtree(folder / "bin", ignore_errors=True)
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.is_dir() and path.name == "__pycache__":
            shutil.rmtree(path)
        elif path.is_file() and (
            path.suffix in (".pyc", ".pyo")
            or (
                path.parent.name.endswith(".dist-info")
                and path.name in ("RECORD", "INSTALLER", "REQUESTED", "direct_url.json")
            )
        ):
            path.unlink()
    for path in folder.rglob("*"):
        os.chmod(path, 0o755 if path.is_dir() else 0o644)


def installed_names(folder: Path) -> set:
    names = set()
    for info in folder.glob("*.dist-info"):
        meta = (info / "METADATA").read_text(encoding="utf-8")
        names.add(canonical(re.search(r"^Name: (.+)$", meta, re.M).group(1).strip()))
    return names


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def site_packages(python: Path, work: Path, version: str) -> Path:
    """Every runtime dependency, pure Python, installed from the locked files only."""
    lock = parse_lock()
    if not lock:
        raise BuildError("LOCK is empty: run scripts/build_release.py --lock")
    wheels = work / "wheels"
    wheels.mkdir()
    log("building the kubectl-py wheel")
    build_wheel(python, copy_source(work / "src"), wheels)
    for entry in lock:
        path = fetch(python, entry)
        if entry.is_sdist:
            log(f"building {entry.name} {entry.version} from its sdist, without compiled extensions")
            build_wheel(python, path, wheels)
        else:
            shutil.copy(path, wheels)
    staging = work / "site-packages"
    log("installing the locked closure")
    try:
        run(
            pip(
                python,
                "--isolated",
                "install",
                "--no-index",
                "--find-links",
                wheels,
                "--no-compile",
                "--no-warn-script-location",
                "--target",
                staging,
                f"kubectl-py=={version}",
            ),
            env=build_env(),
        )
    except BuildError as exc:
        raise BuildError(f"{exc}\nthe LOCK does not satisfy pyproject's dependencies: run --lock") from None
    normalize_site_packages(staging)
    compiled = find_compiled(staging)
    if compiled:
        raise BuildError(f"compiled files in the site-packages: {compiled}")
    unused = {canonical(e.name) for e in lock} - installed_names(staging)
    if unused:
        raise BuildError(f"LOCK entries no dependency needs: {sorted(unused)}: run --lock")
    return staging


# -- zipapps and archive -------------------------------------------------------------------------------------
def build_zipapps(python: Path, staging: Path, work: Path) -> dict:
    preamble = work / "kubectl_py_preamble.py"
    preamble.write_text(PREAMBLE.format(min_python=MIN_PYTHON))
    os.chmod(preamble, 0o644)
    out = {}
    for plugin, spec in sorted(PLUGINS.items()):
        target = work / "zipapps" / plugin / ZIPAPP_NAME
        target.parent.mkdir(parents=True)
        log(f"zipapp {plugin}")
        run(
            [
                python,
                "-m",
                "shiv",
                "--site-packages",
                staging,
                "--entry-point",
                spec["entry_point"],
                "--output-file",
                target,
                "--python",
                SHEBANG,
                "--reproducible",
                "--root",
                SHIV_ROOT,
                "--preamble",
                preamble,
            ],
            env=build_env(),
        )
        out[f"{plugin}/{ZIPAPP_NAME}"] = target
    return out


def write_archive(path: Path, files: dict) -> None:
    """A tar.gz with sorted entries, fixed times, owners and modes, and no name or time in the gzip header."""

    def info(name: str, mode: int, size: int = 0, is_dir: bool = False) -> tarfile.TarInfo:
        entry = tarfile.TarInfo(name)
        entry.type = tarfile.DIRTYPE if is_dir else tarfile.REGTYPE
        entry.mode, entry.size, entry.mtime = mode, size, SOURCE_DATE_EPOCH
        entry.uid = entry.gid = 0
        entry.uname = entry.gname = ""
        return entry

    dirs = sorted({name.split("/")[0] for name in files if "/" in name})
    entries = sorted([(d + "/", None) for d in dirs] + list(files.items()))
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as gz:
        with tarfile.open(fileobj=gz, mode="w", format=tarfile.USTAR_FORMAT) as tar:
            for name, source in entries:
                if source is None:
                    tar.addfile(info(name, 0o755, is_dir=True))
                    continue
                data = Path(source).read_bytes()
                mode = 0o755 if name.endswith(ZIPAPP_NAME) else 0o644
                tar.addfile(info(name, mode, len(data)), io.BytesIO(data))
    path.write_bytes(buffer.getvalue())


# -- manifests -------------------------------------------------------------------------------------------------
def _block(text: str, indent: str) -> str:
    return "".join(indent + line if line.strip() else "\n" for line in text.splitlines(True))


def render_manifest(plugin: str, version: str, sha256: str) -> str:
    spec = PLUGINS[plugin]
    caveats = CAVEATS.format(min=".".join(map(str, MIN_PYTHON)))
    return f"""\
# Generated by scripts/build_release.py from kubectl_py.__version__ and the release archive: do not edit.
apiVersion: krew.googlecontainertools.github.com/v1alpha2
kind: Plugin
metadata:
  name: {plugin}
spec:
  version: v{version}
  homepage: {REPO}
  shortDescription: {spec["short"]}
  description: |
{_block(spec["description"], "    ")}  caveats: |
{_block(caveats, "    ")}  platforms:
  - selector:
      matchExpressions:
      - key: os
        operator: In
        values:
        - darwin
        - linux
    uri: {URI.format(version=version)}
    sha256: {sha256}
    files:
    - from: {plugin}/{ZIPAPP_NAME}
      to: .
    - from: LICENSE
      to: .
    bin: {ZIPAPP_NAME}
"""


# -- the build -------------------------------------------------------------------------------------------------
def build(out_dir: Path = None, reuse: bool = False) -> Release:
    """Build the archive into ``out_dir`` (dist/ by default). With ``reuse``, an archive built there from the
    same inputs (sources, this script, interpreter, zlib) is returned as is."""
    out_dir = Path(out_dir or ROOT / "dist")
    version = package_version()
    if not (ROOT / "LICENSE").is_file():
        raise BuildError("LICENSE is missing at the repository root")
    archive = out_dir / ARCHIVE_NAME.format(version=version)
    stamp = out_dir / f".{archive.name}.inputs"
    digest = inputs_digest()
    out_dir.mkdir(parents=True, exist_ok=True)
    with file_lock(out_dir / ".build.lock"):
        if reuse and archive.is_file() and stamp.is_file() and stamp.read_text() == digest:
            sha = sha256_file(archive)
        else:
            python = tools_python()
            with tempfile.TemporaryDirectory(prefix="kubectl-py-release-") as tmp:
                work = Path(tmp)
                old_umask = os.umask(0o022)
                try:
                    staging = site_packages(python, work, version)
                    zipapps = build_zipapps(python, staging, work)
                finally:
                    os.umask(old_umask)
                files = {"LICENSE": ROOT / "LICENSE", **zipapps}
                partial = work / archive.name
                write_archive(partial, files)
                shutil.move(str(partial), str(archive))
            stamp.write_text(digest)
            sha = sha256_file(archive)
            log(f"built {archive} ({archive.stat().st_size / 1e6:.1f} MB) sha256 {sha}")
    manifests = {name: render_manifest(name, version, sha) for name in sorted(PLUGINS)}
    return Release(version, archive, sha, manifests)


def manifest_diff(release: Release, krew_dir: Path = None) -> str:
    """A unified diff between the committed manifests and the ones the build gives ('' when up to date)."""
    krew_dir = Path(krew_dir or ROOT / "krew")
    out = []
    for name, text in release.manifest_files.items():
        path = krew_dir / name
        old = path.read_text() if path.is_file() else ""
        out.extend(
            difflib.unified_diff(old.splitlines(True), text.splitlines(True), f"committed/{name}", f"built/{name}")
        )
    return "".join(out)


def write_manifests(release: Release, krew_dir: Path = None) -> None:
    krew_dir = Path(krew_dir or ROOT / "krew")
    krew_dir.mkdir(exist_ok=True)
    for name, text in release.manifest_files.items():
        (krew_dir / name).write_text(text)


# -- the lock --------------------------------------------------------------------------------------------------
def resolve_lock() -> str:
    """Resolve kubectl-py's dependencies for MIN_PYTHON and pin each one's pure-Python file (a py3-none-any
    wheel, else the sdist) with its sha256."""
    python = tools_python()
    py = ".".join(map(str, MIN_PYTHON))
    with tempfile.TemporaryDirectory(prefix="kubectl-py-lock-") as tmp:
        work = Path(tmp)
        (work / "wheels").mkdir()
        wheel = build_wheel(python, copy_source(work / "src"), work / "wheels")
        report = work / "report.json"
        run(
            pip(
                python,
                "install",
                "--dry-run",
                "--ignore-installed",
                "--quiet",
                "--report",
                report,
                "--python-version",
                py,
                "--only-binary=:all:",
                "--target",
                work / "target",
                wheel,
            ),
            env=build_env(),
        )
        items = json.loads(report.read_text())["install"]
        lines = []
        for item in sorted(items, key=lambda i: canonical(i["metadata"]["name"])):
            name, version = canonical(item["metadata"]["name"]), item["metadata"]["version"]
            if name == "kubectl-py":
                continue
            dest = work / "dl" / name
            dest.mkdir(parents=True)
            pure = subprocess.run(
                [str(a) for a in pip(python, "download", "--no-deps", "-d", dest, *_pure_args(), f"{name}=={version}")],
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                env=build_env(),
            )
            if pure.returncode != 0:  # no pure wheel: the sdist, built without extensions
                run(
                    pip(python, "download", "--no-deps", "--no-binary=:all:", "-d", dest, f"{name}=={version}"),
                    env=build_env(),
                )
            (path,) = dest.iterdir()
            lines.append(f"{name}=={version} {path.name} {sha256_file(path)}")
            log(f"locked {lines[-1]}")
    return "\n".join(lines) + "\n"


def write_lock(text: str) -> None:
    script = Path(__file__).resolve()
    source = script.read_text()
    new = re.sub(
        r'(# --- LOCK BEGIN\nLOCK = """\n).*?(""")',
        lambda m: m.group(1) + text + m.group(2),
        source,
        count=1,
        flags=re.S,
    )
    script.write_text(new)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="build, and exit 1 if krew/*.yaml are not what the build gives (writes nothing there)",
    )
    parser.add_argument("--lock", action="store_true", help="re-resolve the pinned dependencies (needs PyPI)")
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="where the archive goes (default: dist/)")
    parser.add_argument(
        "--reuse", action="store_true", help="keep an archive already built in --out from the same inputs"
    )
    args = parser.parse_args(argv)
    try:
        if args.lock:
            write_lock(resolve_lock())
            log("LOCK updated; now run scripts/build_release.py to rebuild the archive and the manifests")
            return 0
        release = build(args.out, reuse=args.reuse)
        print(f"{release.archive}\nsha256 {release.sha256}")
        if args.check:
            diff = manifest_diff(release)
            if diff:
                sys.stdout.write(diff)
                log("krew/*.yaml are out of date: run python3 scripts/build_release.py")
                return 1
            log("krew/*.yaml are up to date")
            return 0
        write_manifests(release)
        log("wrote " + ", ".join(f"krew/{n}" for n in release.manifest_files))
        return 0
    except BuildError as exc:
        log(f"error: {exc}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
