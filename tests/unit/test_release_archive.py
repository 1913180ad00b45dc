"""The krew release archive (scripts/build_release.py): layout, pure Python only, reproducible, and each zipapp runs.

The archive is built once into dist/ (reused while its inputs are unchanged; the first build downloads the pinned
dependencies from PyPI into ~/.cache/kubectl-py/release). Running the plugins against a cluster through krew and
kubectl is tests/integration/test_distribution.py.
"""

import io
import json
import os
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import build_release  # noqa: E402

PLUGINS = sorted(build_release.PLUGINS)
ZIPAPPS = [f"{p}/{build_release.ZIPAPP_NAME}" for p in PLUGINS]


@pytest.fixture(scope="module")
def release():
    return build_release.build(reuse=True)


@pytest.fixture(scope="module")
def members(release):
    with tarfile.open(release.archive, "r:gz") as tar:
        return {m.name: (m, tar.extractfile(m).read() if m.isfile() else None) for m in tar.getmembers()}


@pytest.fixture(scope="module")
def unpacked(release, tmp_path_factory):
    """The archive extracted as krew does (modes kept)."""
    folder = tmp_path_factory.mktemp("archive")
    with tarfile.open(release.archive, "r:gz") as tar:
        for member in tar.getmembers():
            target = folder / member.name
            if member.isdir():
                target.mkdir(parents=True, exist_ok=True)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(tar.extractfile(member).read())
                os.chmod(target, member.mode)
    return folder


def zip_names(data: bytes) -> list:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.namelist()


def zip_read(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read(name)


# -- layout ----------------------------------------------------------------------------------------------------
def test_archive_layout(release, members):
    raw = release.archive.read_bytes()
    assert raw[:2] == b"\x1f\x8b", "krew sniffs the type: it must be gzip"
    flags, mtime = raw[3], int.from_bytes(raw[4:8], "little")
    assert mtime == 0 and not flags & 0x08, "no time and no file name in the gzip header (reproducible)"
    assert list(members) == sorted(members), "entries in sorted order"
    assert set(members) == {"LICENSE"} | set(ZIPAPPS) | set(PLUGINS)  # folders (tarfile drops their "/")


def test_archive_members_are_what_krew_accepts(members):
    for name, (member, _) in members.items():
        assert member.isfile() or member.isdir(), f"{name}: krew refuses links and special files"
        assert ".." not in name and not name.startswith(("/", "\\")), name
        assert member.mtime == build_release.SOURCE_DATE_EPOCH and member.uid == member.gid == 0, name
        assert member.uname == member.gname == "", name
        if member.isfile():
            expected = 0o755 if name in ZIPAPPS else 0o644
            assert member.mode == expected, f"{name}: mode {oct(member.mode)} (krew keeps tar modes, never chmods)"


def test_license_is_the_apache_license(members):
    text = members["LICENSE"][1].decode()
    assert text == (ROOT / "LICENSE").read_text()
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text


# -- pure Python -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ZIPAPPS)
def test_no_compiled_files_inside(members, name):
    data = members[name][1]
    compiled = [n for n in zip_names(data) if build_release.is_compiled(n.rsplit("/", 1)[-1])]
    assert not compiled, f"compiled files would tie the archive to one platform: {compiled}"
    assert not [n for n in zip_names(data) if n.endswith((".pyc", ".pyo"))], "bytecode is version-specific"


def test_compiled_file_detection():
    for name in (
        "_yaml.cpython-311-x86_64-linux-gnu.so",
        "md.cpython-312-darwin.so",
        "x.pyd",
        "libyaml.dylib",
        "libfoo.so.1",
        "a.DLL",
    ):
        assert build_release.is_compiled(name), name
    for name in ("yaml.py", "social.json", "sonnet.txt", "so.py"):
        assert not build_release.is_compiled(name), name


@pytest.mark.parametrize("name", ZIPAPPS)
def test_pure_python_forms_of_pyyaml_and_charset_normalizer(members, name):
    files = set(zip_names(members[name][1]))
    assert "site-packages/yaml/__init__.py" in files and "site-packages/yaml/cyaml.py" in files
    assert not [f for f in files if re.search(r"/_yaml/.*\.(so|pyd)$|/_yaml\.", f)]
    assert "site-packages/charset_normalizer/md.py" in files


def test_pyyaml_loads_without_its_c_extension(unpacked, tmp_path):
    env = dict(os.environ, SHIV_ROOT=str(tmp_path), SHIV_INTERPRETER="1")
    code = "import yaml; print(yaml.__with_libyaml__, yaml.__file__)"
    proc = subprocess.run(
        [sys.executable, str(unpacked / ZIPAPPS[0]), "-c", code],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    with_libyaml, path = proc.stdout.split()
    assert with_libyaml == "False" and path.startswith(str(tmp_path))


# -- zipapps -----------------------------------------------------------------------------------------------------
def environment(data: bytes) -> dict:
    return json.loads(zip_read(data, "environment.json"))


def test_zipapps_differ_only_in_their_entry_point(members):
    envs = {name: environment(members[name][1]) for name in ZIPAPPS}
    assert {e["entry_point"] for e in envs.values()} == {s["entry_point"] for s in build_release.PLUGINS.values()}
    for plugin in PLUGINS:
        assert (
            envs[f"{plugin}/{build_release.ZIPAPP_NAME}"]["entry_point"] == build_release.PLUGINS[plugin]["entry_point"]
        )
    assert len({e["build_id"] for e in envs.values()}) == 1, "one build id: the three share one unpacked copy"
    for env in envs.values():
        assert env["root"] == build_release.SHIV_ROOT and env["preamble"] == "kubectl_py_preamble.py"
        assert env["reproducible"] and not env["compile_pyc"]
    listings = {tuple(n for n in zip_names(members[name][1]) if n.startswith("site-packages/")) for name in ZIPAPPS}
    assert len(listings) == 1


@pytest.mark.parametrize("name", ZIPAPPS)
def test_zipapp_shebang(members, name):
    assert members[name][1].startswith(b"#!/usr/bin/env python3\n")


def run_zipapp(path: Path, args, shiv_root: Path, **env):
    environ = dict(os.environ, SHIV_ROOT=str(shiv_root), **env)
    environ.pop("SHIV_INTERPRETER", None)
    return subprocess.run(
        [str(path), *args], env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=120
    )


@pytest.mark.parametrize("plugin", PLUGINS)
def test_each_zipapp_runs_help(unpacked, tmp_path, plugin):
    proc = run_zipapp(unpacked / plugin / build_release.ZIPAPP_NAME, ["--help"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert f"Usage: kubectl {plugin} " in proc.stdout
    assert "--kubeconfig" in proc.stdout and "--context" in proc.stdout


def test_one_unpacked_copy_compiled_once_per_python(unpacked, tmp_path):
    for plugin in PLUGINS:
        proc = run_zipapp(
            unpacked / plugin / build_release.ZIPAPP_NAME, ["--help"], tmp_path, PYTHONDONTWRITEBYTECODE="1"
        )
        assert proc.returncode == 0, proc.stderr
    (copy,) = [p for p in tmp_path.iterdir() if p.is_dir()]
    assert copy.name.startswith(build_release.ZIPAPP_NAME + "_"), "one copy, shared by the three plugins"
    site = copy / "site-packages"
    tag = sys.implementation.cache_tag
    # Python wrote no bytecode (PYTHONDONTWRITEBYTECODE): the preamble did, for the modules the runs imported
    for module in (
        "kubectl_py/cli/runner.py",
        "kubectl_py/cli/nodeports.py",
        "kubectl_py/cli/describe.py",
        "kubectl_py/cli/query.py",
        "typer/main.py",
    ):
        source = site / module
        assert (source.parent / "__pycache__" / f"{source.stem}.{tag}.pyc").is_file(), module
    assert not list((site / "kubernetes" / "client" / "models").glob("__pycache__/*.pyc")), (
        "modules no run imported stay uncompiled"
    )
    # only the running Python's tag: another python3 compiles its own on its first run
    tags = {p.name.split(".")[-2] for p in site.rglob("__pycache__/*.pyc")}
    assert tags == {tag}


def test_preamble_refuses_an_old_python(tmp_path):
    preamble = tmp_path / "preamble.py"
    preamble.write_text(build_release.PREAMBLE.format(min_python=build_release.MIN_PYTHON))
    code = (
        "import runpy, sys; sys.version_info = (3, 9, 6, 'final', 0); "
        f"runpy.run_path({str(preamble)!r}, init_globals={{'site_packages': {str(tmp_path)!r}}}, "
        "run_name='__main__')"
    )
    proc = subprocess.run([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.returncode == 1
    assert "kubectl-py needs python3 3.10 or newer" in proc.stderr


# -- dependencies ----------------------------------------------------------------------------------------------
def bundled_distributions(data: bytes) -> dict:
    """canonical name -> (version, Requires-Python, [Requires-Dist]) of every dist-info in a zipapp."""
    from email.parser import HeaderParser

    out = {}
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            if re.fullmatch(r"site-packages/[^/]+\.dist-info/METADATA", name):
                meta = HeaderParser().parsestr(zf.read(name).decode("utf-8"))
                out[build_release.canonical(meta["Name"])] = (
                    meta["Version"],
                    meta.get("Requires-Python") or "",
                    meta.get_all("Requires-Dist") or [],
                )
    return out


@pytest.mark.parametrize("minor", range(build_release.MIN_PYTHON[1], build_release.MAX_CHECKED_PYTHON[1] + 1))
def test_bundled_dependencies_serve_every_supported_python(members, minor):
    """What pip would install for each python3 from MIN_PYTHON on is in the archive, at allowed versions."""
    from packaging.markers import default_environment
    from packaging.requirements import Requirement
    from packaging.specifiers import SpecifierSet

    python = f"3.{minor}"
    environment = dict(default_environment(), python_version=python, python_full_version=f"{python}.0", extra="")
    dists = bundled_distributions(members[ZIPAPPS[0]][1])
    assert "kubectl-py" in dists
    needed, todo = set(), ["kubectl-py"]
    while todo:
        name = todo.pop()
        if name in needed:
            continue
        needed.add(name)
        version, requires_python, requires = dists[name]
        assert SpecifierSet(requires_python).contains(f"{python}.0"), f"{name} {version} needs Python {requires_python}"
        for text in requires:
            req = Requirement(text)
            if req.marker and not req.marker.evaluate(environment):
                continue
            dep = build_release.canonical(req.name)
            assert dep in dists, f"{name} needs {req} on Python {python}: not in the archive"
            assert req.specifier.contains(dists[dep][0], prereleases=True), f"{name} needs {req}: {dists[dep][0]}"
            todo.append(dep)


def test_lock_pins_pure_files_only():
    for entry in build_release.parse_lock():
        assert entry.filename.endswith(("-none-any.whl", ".tar.gz")), entry.filename
        assert re.fullmatch(r"[0-9a-f]{64}", entry.sha256)


# -- reproducible --------------------------------------------------------------------------------------------------
def test_a_clean_build_gives_the_same_archive(release, tmp_path):
    fresh = build_release.build(tmp_path / "dist", reuse=False)
    assert fresh.sha256 == release.sha256, "the build is not reproducible"
    assert fresh.manifests == release.manifests
