"""Issue 19: ``--version`` says where a plugin runs from. The krew archive's zipapps (scripts/build_release.py,
built once into dist/ and reused, as tests/unit/test_release_archive.py builds it) say so; a pip install is
tests/integration/test_first_hour.py::test_version."""

import os
import platform
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

import kubectl_py

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import build_release  # noqa: E402


@pytest.fixture(scope="module")
def zipapps(tmp_path_factory):
    release = build_release.build(reuse=True)
    folder = tmp_path_factory.mktemp("archive")
    with tarfile.open(release.archive, "r:gz") as tar:
        for member in tar.getmembers():
            if member.isfile() and member.name.endswith(build_release.ZIPAPP_NAME):
                target = folder / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(tar.extractfile(member).read())
                os.chmod(target, member.mode)
    return folder


@pytest.mark.parametrize("plugin", sorted(build_release.PLUGINS))
def test_a_zipapp_says_it_is_the_krew_archives(zipapps, tmp_path, plugin):
    zipapp = zipapps / plugin / build_release.ZIPAPP_NAME
    environ = dict(os.environ, SHIV_ROOT=str(tmp_path))
    environ.pop("SHIV_INTERPRETER", None)
    proc = subprocess.run(
        [sys.executable, str(zipapp), "--version"], env=environ, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    (unpacked,) = [p for p in tmp_path.iterdir() if p.is_dir()]
    assert proc.stdout.splitlines() == [
        f"kubectl {plugin} {kubectl_py.__version__}",
        f"Python {platform.python_version()} ({sys.executable})",
        f"installed from: the krew archive's zipapp {zipapp.resolve()} (unpacked in {unpacked})",
    ]
