"""Cache files (kubectl_py/kube/cache.py and its users: discovery, the dial memory) on real files: private
modes, no predictable temporary names, planted symlinks never followed, untrusted folders ignored."""

import json
import os
import stat
import threading
import time

import pytest

from kubectl_py.kube import cache, discovery, preconnect

GIZMOS = discovery.ResourceInfo(group="example.com", version="v1", resource="gizmos", kind="Gizmo", namespaced=True)


@pytest.fixture
def cache_root(tmp_path, monkeypatch):
    root = tmp_path / "cache"
    monkeypatch.setenv("KUBECTL_PY_CACHE_DIR", str(root))
    return root


def mode(path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def victim(tmp_path, text="precious\n"):
    path = tmp_path / "victim"
    path.write_text(text)
    return path


def someone_elses_folder(tmp_path):
    """A folder that is not ours, and not writable by others either: only its owner makes it untrusted."""
    if os.getuid() != 0:
        return "/usr"  # root's
    folder = tmp_path / "theirs"
    folder.mkdir(mode=0o755)
    os.chown(folder, 65534, 65534)
    return str(folder)


def test_files_are_0600_in_0700_folders(cache_root):
    preconnect._remember("files-key", ("api.example", 6443))
    path = discovery._cache_path("https://api.example:6443")
    discovery._write_cache(path, discovery.Discovery(resources=[], fetched_at=time.time()))
    assert mode(cache_root) == 0o700 and mode(cache_root / "discovery") == 0o700
    assert mode(cache_root / "dial.json") == 0o600 and mode(path) == 0o600
    assert sorted(os.listdir(cache_root)) == ["dial.json", "discovery"]  # no temporary left behind
    assert preconnect._remembered("files-key") == ("api.example", 6443)
    assert discovery._read_cache(path).from_cache


def test_an_existing_folder_of_ours_is_narrowed_to_0700(cache_root):
    cache_root.mkdir(mode=0o755)
    os.chmod(cache_root, 0o755)
    assert cache.write_file(str(cache_root / "dial.json"), "{}")
    assert mode(cache_root) == 0o700


def test_a_symlink_planted_at_the_file_is_replaced_not_followed(cache_root, tmp_path):
    target = victim(tmp_path, json.dumps({"files-key": ["attacker.example", 443]}))
    cache_root.mkdir(mode=0o700)
    (cache_root / "dial.json").symlink_to(target)
    assert preconnect._remembered("files-key") is None  # not read through the link
    preconnect._remember("files-key", ("api.example", 6443))
    assert target.read_text() == json.dumps({"files-key": ["attacker.example", 443]})
    assert not (cache_root / "dial.json").is_symlink()
    assert preconnect._remembered("files-key") == ("api.example", 6443)


def test_symlinks_at_the_old_predictable_temporary_names_are_not_followed(cache_root, tmp_path):
    """Before: ``dial.json.<pid>`` and discovery's ``<hash>.<pid>.tmp`` were opened for writing, links and all."""
    target = victim(tmp_path)
    (cache_root / "discovery").mkdir(parents=True, mode=0o700)
    path = discovery._cache_path("https://api.example:6443")
    planted = [
        cache_root / f"dial.json.{os.getpid()}",
        cache_root / "discovery" / f"{os.path.basename(path)[: -len('.json')]}.{os.getpid()}.tmp",
    ]
    for link in planted:
        link.symlink_to(target)
    preconnect._remember("files-key", ("api.example", 6443))
    discovery._write_cache(path, discovery.Discovery(resources=[], fetched_at=time.time()))
    assert target.read_text() == "precious\n"
    assert preconnect._remembered("files-key") == ("api.example", 6443) and discovery._read_cache(path) is not None


def test_a_planted_discovery_file_behind_a_symlink_is_not_read(cache_root, tmp_path):
    path = discovery._cache_path("https://api.example:6443")
    discovery._write_cache(path, discovery.Discovery(resources=[GIZMOS], fetched_at=time.time()))
    assert discovery._read_cache(path).resources == [GIZMOS]  # a good cache file is read
    planted = open(path).read()
    target = victim(tmp_path, planted)
    os.unlink(path)
    os.symlink(target, path)
    assert discovery._read_cache(path) is None  # the same content behind a link is not
    discovery._write_cache(path, discovery.Discovery(resources=[], fetched_at=time.time()))
    assert target.read_text() == planted and not os.path.islink(path)


def test_a_folder_others_can_write_to_is_ignored(cache_root):
    cache_root.mkdir()
    (cache_root / "dial.json").write_text(json.dumps({"files-key": ["api.example", 6443]}))
    os.chmod(cache_root, 0o777)
    assert preconnect._remembered("files-key") is None
    assert not cache.write_file(str(cache_root / "other.json"), "{}")
    preconnect._remember("files-key", ("elsewhere.example", 6443))  # no error, and nothing written
    assert sorted(os.listdir(cache_root)) == ["dial.json"] and mode(cache_root) == 0o777


def test_a_symlinked_cache_folder_is_used_only_when_it_leads_to_a_private_folder_of_ours(tmp_path, monkeypatch):
    root = tmp_path / "link"
    monkeypatch.setenv("KUBECTL_PY_CACHE_DIR", str(root))
    ours = tmp_path / "ours"
    ours.mkdir(mode=0o700)
    root.symlink_to(ours)
    assert cache.write_file(str(root / "dial.json"), "{}") and (ours / "dial.json").read_text() == "{}"
    for untrusted in (tmp_path / "shared", someone_elses_folder(tmp_path)):
        if untrusted == tmp_path / "shared":
            untrusted.mkdir()
            os.chmod(untrusted, 0o1777)  # like /tmp
        root.unlink()
        root.symlink_to(untrusted)
        assert cache.read_file(str(root / "dial.json")) is None
        assert not cache.write_file(str(root / "dial.json"), "{}")
        assert not os.path.exists(os.path.join(untrusted, "dial.json"))


def test_a_fifo_or_a_folder_at_the_file_is_ignored_without_blocking(cache_root):
    cache_root.mkdir(mode=0o700)
    os.mkfifo(cache_root / "dial.json")
    answer = []
    reader = threading.Thread(target=lambda: answer.append(preconnect._remembered("files-key")), daemon=True)
    reader.start()
    reader.join(30)
    assert answer == [None]
    (cache_root / "discovery").mkdir(mode=0o700)
    path = discovery._cache_path("https://api.example:6443")
    os.mkdir(path)
    assert discovery._read_cache(path) is None


def test_a_path_outside_the_cache_folder_is_never_written(cache_root, tmp_path):
    assert not cache.write_file(str(tmp_path / "elsewhere.json"), "{}")
    assert not (tmp_path / "elsewhere.json").exists()
