"""The krew manifests (krew/py-*.yaml): every rule krew enforces and krew-index's review guidelines
(/work/shared/krew.md §1.2-§1.5, §7), checked in Python and with krew-index's own validator
(validate-krew-manifest -skip-install, built by scripts/build_krew.sh), on the committed manifests and on
freshly generated ones; the committed ones must be what scripts/build_release.py gives today.

The real `krew install --manifest --archive` and running the plugins through kubectl is
tests/integration/test_distribution.py; here an install is simulated the way krew's code does it.
"""

import copy
import fnmatch
import glob
import os
import posixpath
import re
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import build_release  # noqa: E402

PLUGINS = sorted(build_release.PLUGINS)
KREW_DIR = ROOT / "krew"
API_VERSION = "krew.googlecontainertools.github.com/v1alpha2"
WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"COM{i}" for i in range(1, 10)} | {f"LPT{i}" for i in range(1, 10)}
# validate-krew-manifest's allPlatforms()
SUPPORTED = [
    ("windows", "386"),
    ("windows", "amd64"),
    ("windows", "arm64"),
    ("linux", "386"),
    ("linux", "amd64"),
    ("linux", "arm"),
    ("linux", "arm64"),
    ("darwin", "386"),
    ("darwin", "amd64"),
    ("darwin", "arm64"),
]
LICENSE_NAMES = {
    "license",
    "license.txt",
    "license.md",
    "licenses",
    "licenses.txt",
    "licenses.md",
    "copying",
    "copying.txt",
}
# apimachinery's ParseSemantic (semver 2.0), behind krew's "v" prefix
SEMVER = re.compile(
    r"^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)
REDUNDANT_WORDS = re.compile(r"\b(kubectl|kubernetes|k8s|plugin)\b", re.I)


# -- the checker -------------------------------------------------------------------------------------------------
def selector_problems(sel) -> list:
    """krew's validateSelector, plus LabelSelectorAsSelector's own checks."""
    if not isinstance(sel, dict):
        return ["nil selector is not supported"]
    labels, exprs = sel.get("matchLabels"), sel.get("matchExpressions")
    if labels is None and not exprs:
        return ["empty selector is not supported"]
    out = []
    keys = list(labels or {}) + [e.get("key") for e in exprs or []]
    out += [f"selector key {k!r} not supported" for k in keys if k not in ("os", "arch")]
    if labels is not None and not labels:
        out.append("`matchLabels` specified but empty")
    if exprs is not None and not exprs:
        out.append("`matchExpressions` specified but empty")
    for expr in exprs or []:
        op, values = expr.get("operator"), expr.get("values") or []
        if op in ("In", "NotIn") and not values:
            out.append(f"{op} needs values")
        elif op in ("Exists", "DoesNotExist") and values:
            out.append(f"{op} takes no values")
        elif op not in ("In", "NotIn", "Exists", "DoesNotExist"):
            out.append(f"operator {op!r} is not a label selector operator")
    return out


def selector_matches(sel: dict, os_name: str, arch: str) -> bool:
    labels = {"os": os_name, "arch": arch}
    for key, value in (sel.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expr in sel.get("matchExpressions") or []:
        key, op, values = expr["key"], expr["operator"], expr.get("values") or []
        have = key in labels
        if op == "In" and not (have and labels[key] in values):
            return False
        if op == "NotIn" and have and labels[key] in values:
            return False
        if op == "Exists" and not have:
            return False
        if op == "DoesNotExist" and have:
            return False
    return True


def krew_problems(doc, file_name: str) -> list:
    """Everything krew's code refuses (validate.go, validate-krew-manifest, install): a list of messages."""
    out = []
    if not isinstance(doc, dict):
        return ["not a YAML mapping"]
    if doc.get("apiVersion") != API_VERSION:
        out.append(f"apiVersion must be {API_VERSION}")
    if doc.get("kind") != "Plugin":
        out.append("kind must be Plugin")
    if not file_name.endswith(".yaml"):
        out.append("the file must end in .yaml")
    expected = file_name[: -len(".yaml")]
    name = (doc.get("metadata") or {}).get("name")
    if not re.fullmatch(r"[A-Za-z0-9_-]+", expected) or expected.upper() in WINDOWS_RESERVED:
        out.append(f"plugin name {expected!r} is not allowed")
    if name != expected:
        out.append(f"plugin should be named {expected!r}, not {name!r}")
    spec = doc.get("spec") or {}
    short = spec.get("shortDescription")
    if not isinstance(short, str) or not short:
        out.append("should have a short description")
    elif "\r" in short or "\n" in short:
        out.append("should not have line breaks in short description")
    version = spec.get("version")
    if not isinstance(version, str) or not SEMVER.match(version):
        out.append(f"version {version!r} is not v-prefixed semver (vMAJOR.MINOR.PATCH)")
    platforms = spec.get("platforms")
    if not platforms:
        out.append("should have a platform specified")
    for i, p in enumerate(platforms or []):
        where = f"platforms[{i}]"
        if not p.get("uri"):
            out.append(f"{where}: `uri` has to be set")
        sha = p.get("sha256")
        if not sha:
            out.append(f"{where}: `sha256` sum has to be set")
        elif not re.fullmatch(r"[a-f0-9]{64}", str(sha)):
            out.append(f"{where}: `sha256` must be 64 lowercase hex characters")
        bin_ = p.get("bin")
        if not bin_:
            out.append(f"{where}: `bin` has to be set")
        elif posixpath.isabs(bin_) or posixpath.normpath(bin_).startswith(".."):
            out.append(f"{where}: `bin` must stay inside the install folder (krew would link nothing)")
        files = p.get("files", None)
        if files is not None:
            if not files:
                out.append(f"{where}: `files` has to be unspecified or non-empty")
            for op in files:
                if not op.get("from") or not op.get("to"):
                    out.append(f"{where}: each of `files` needs `from` and `to`")
                elif posixpath.normpath(op["to"]) != op["to"]:
                    out.append(f"{where}: the provided path is not clean: {op['to']!r}")
        problems = selector_problems(p.get("selector"))
        out += [f"{where}: {m}" for m in problems]
        if not problems and not any(selector_matches(p["selector"], *pair) for pair in SUPPORTED):
            out.append(f"{where}: the selector matches no supported platform")
    if platforms and not out:
        for pair in SUPPORTED:
            matching = [i for i, p in enumerate(platforms) if selector_matches(p["selector"], *pair)]
            if len(matching) > 1:
                out.append(f"platforms {matching} overlap on {pair[0]}/{pair[1]}")
    return out


def review_problems(doc) -> list:
    """krew-index's review guidelines (§1.5) and this project's choices (§7)."""
    out = []
    spec = doc.get("spec") or {}
    short = spec.get("shortDescription") or ""
    if len(short) > 50:
        out.append(f"shortDescription has {len(short)} characters (krew search cuts at 50)")
    if REDUNDANT_WORDS.search(short):
        out.append("shortDescription: kubectl/kubernetes/plugin words are redundant")
    description = spec.get("description") or ""
    if not description.strip():
        out.append("description is required (krew docs)")
    for line in description.splitlines():
        if len(line) > 80:
            out.append(f"description line over 80 columns: {line!r}")
        if re.match(r"\s*(\$ |kubectl |# )", line):
            out.append(f"description has a usage example: {line!r}")
    if "python3" not in (spec.get("caveats") or ""):
        out.append("caveats must say python3 is needed")
    if not str(spec.get("homepage") or "").startswith("https://"):
        out.append("homepage (https) is expected in krew-index")
    for p in spec.get("platforms") or []:
        sel = p.get("selector") or {}
        if any(selector_matches(sel, "windows", arch) for arch in ("386", "amd64", "arm64")):
            out.append("a zipapp cannot run on Windows through krew (only .exe entry points work there)")
        if not all(selector_matches(sel, o, a) for o, a in SUPPORTED if o != "windows"):
            out.append("every linux and darwin platform should be served (the zipapps are pure Python)")
        if not str(p.get("uri") or "").startswith("https://"):
            out.append("krew downloads over http(s) only")
        ops = p.get("files") or []
        if not any(op.get("from") == "LICENSE" for op in ops):
            out.append("LICENSE must be installed (an explicit files: list must copy it)")
    return out


# -- manifests ------------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def release():
    return build_release.build(reuse=True)


def committed(name: str) -> dict:
    return yaml.safe_load((KREW_DIR / f"{name}.yaml").read_text())


def test_there_is_one_committed_manifest_per_plugin():
    assert sorted(p.name for p in KREW_DIR.glob("*.yaml")) == [f"{p}.yaml" for p in PLUGINS]


@pytest.mark.parametrize("plugin", PLUGINS)
def test_committed_manifest_passes_krew_rules(plugin):
    doc = committed(plugin)
    assert krew_problems(doc, f"{plugin}.yaml") == []
    assert review_problems(doc) == []


@pytest.mark.parametrize("plugin", PLUGINS)
def test_generated_manifest_passes_krew_rules(release, plugin):
    doc = yaml.safe_load(release.manifests[plugin])
    assert krew_problems(doc, f"{plugin}.yaml") == []
    assert review_problems(doc) == []


def test_committed_manifests_are_up_to_date(release):
    diff = build_release.manifest_diff(release)
    assert not diff, (
        "krew/*.yaml differ from what the build gives: run `python3 scripts/build_release.py` and commit krew/\n" + diff
    )


def test_manifests_point_at_the_release_archive(release):
    version = build_release.package_version()
    docs = {p: committed(p) for p in PLUGINS}
    uri = f"https://github.com/kubectl-py/kubectl-py/releases/download/v{version}/kubectl-py-v{version}.tar.gz"
    for plugin, doc in docs.items():
        assert doc["spec"]["version"] == f"v{version}"
        (platform,) = doc["spec"]["platforms"]
        assert platform["uri"] == uri
        assert platform["sha256"] == release.sha256
        assert platform["bin"] == build_release.ZIPAPP_NAME
        assert {"from": f"{plugin}/{build_release.ZIPAPP_NAME}", "to": "."} in platform["files"]


# -- simulated install (krew's install.go, move.go) --------------------------------------------------------------
def krew_extract(archive: Path, dest: Path) -> None:
    data = archive.read_bytes()
    assert data[:2] == b"\x1f\x8b", "krew accepts gzip (tar) and zip, sniffed from the bytes"
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar.getmembers():
            assert ".." not in member.name and not member.name.startswith(("/", "\\")), member.name
            assert member.isfile() or member.isdir(), f"{member.name}: krew aborts on links and special files"
            target = dest / member.name
            if member.isdir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(tar.extractfile(member).read())
            os.chmod(target, member.mode)


def krew_move(src: Path, dest: Path, op: dict) -> None:
    frm, to = op["from"], op["to"]
    assert posixpath.normpath(to) == to
    direct = src / frm
    if direct.exists():
        target = dest / (direct.name if to == "." else to)
        moves = [(direct, target)]
    else:
        matches = glob.glob(str(src / frm))
        assert matches, f"no files in the plugin archive matched the glob pattern={frm}"
        moves = [(Path(m), dest / to / Path(m).name) for m in matches]
    for a, b in moves:
        assert str(b.resolve()).startswith(str(dest.resolve())), f"{b} escapes the install folder"
        b.parent.mkdir(parents=True, exist_ok=True)
        a.rename(b)


@pytest.mark.parametrize("plugin", PLUGINS)
def test_simulated_krew_install(release, tmp_path, plugin):
    doc = yaml.safe_load(release.manifests[plugin])
    (platform,) = [p for p in doc["spec"]["platforms"] if selector_matches(p["selector"], "linux", "amd64")]
    assert build_release.sha256_file(release.archive) == platform["sha256"]
    extracted, install, bin_dir = tmp_path / "x", tmp_path / "store" / plugin / doc["spec"]["version"], tmp_path / "bin"
    krew_extract(release.archive, extracted)
    install.mkdir(parents=True)
    for op in platform.get("files") or [{"from": "*", "to": "."}]:
        krew_move(extracted, install, op)
    binary = install / platform["bin"]
    assert binary.is_file() and os.access(binary, os.X_OK)
    assert str(binary.resolve()).startswith(str(install.resolve()))
    assert {p.name.lower() for p in install.rglob("*") if p.is_file()} & LICENSE_NAMES, "no license installed"
    bin_dir.mkdir()
    link = bin_dir / ("kubectl-" + plugin.replace("-", "_"))
    link.symlink_to(binary)
    env = dict(os.environ, SHIV_ROOT=str(tmp_path / "shiv"), PATH=f"{bin_dir}:{os.environ['PATH']}")
    proc = subprocess.run(
        [link.name, "--help"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert f"Usage: kubectl {plugin} " in proc.stdout


# -- krew-index's validator ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def validator():
    proc = subprocess.run(
        [str(ROOT / "scripts" / "build_krew.sh")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        timeout=1200,
    )
    assert proc.returncode == 0, f"scripts/build_krew.sh failed:\n{proc.stderr[-3000:]}"
    path = Path(proc.stdout.strip().splitlines()[-1]) / "validate-krew-manifest"
    assert os.access(path, os.X_OK)
    return path


def validate(validator: Path, path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(validator), "-manifest", str(path), "-skip-install"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("plugin", PLUGINS)
def test_validate_krew_manifest_accepts_committed(validator, plugin):
    proc = validate(validator, KREW_DIR / f"{plugin}.yaml")
    assert proc.returncode == 0, proc.stdout
    assert "structural validation OK" in proc.stdout and "no overlapping spec.platform[].selector" in proc.stdout


@pytest.mark.parametrize("plugin", PLUGINS)
def test_validate_krew_manifest_accepts_generated(validator, release, tmp_path, plugin):
    path = tmp_path / f"{plugin}.yaml"
    path.write_text(release.manifests[plugin])
    proc = validate(validator, path)
    assert proc.returncode == 0, proc.stdout


# -- the checker agrees with krew on broken manifests ----------------------------------------------------------
def _mutate(doc, path, value):
    target = doc
    for key in path[:-1]:
        target = target[key]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value


_DELETE = object()
_P = ("spec", "platforms", 0)
BROKEN = {
    "uppercase-sha": (_P + ("sha256",), "ABCDEF" + "0" * 58),
    "short-sha": (_P + ("sha256",), "abc"),
    "two-part-version": (("spec", "version"), "v1.2"),
    "no-v-version": (("spec", "version"), "1.2.3"),
    "wrong-api-version": (("apiVersion",), "krew.googlecontainertools.github.com/v1alpha1"),
    "wrong-name": (("metadata", "name"), "py-other"),
    "multiline-short-description": (("spec", "shortDescription"), "two\nlines"),
    "unclean-to": (_P + ("files", 0, "to"), "./kubectl-py.pyz"),
    "empty-files": (_P + ("files",), []),
    "no-bin": (_P + ("bin",), _DELETE),
    "bad-selector-key": (_P + ("selector",), {"matchLabels": {"distro": "debian"}}),
    "empty-match-labels": (_P + ("selector",), {"matchLabels": {}}),
    "selector-matching-nothing": (_P + ("selector",), {"matchLabels": {"os": "plan9"}}),
    "no-platforms": (("spec", "platforms"), []),
}


# krew checks these at install time, not in validate-krew-manifest's structural validation
CAUGHT_AT_INSTALL = {"unclean-to"}


def krew_install(validator: Path, manifest: Path, archive: Path, root: Path) -> subprocess.CompletedProcess:
    env = dict(
        os.environ,
        KREW_ROOT=str(root),
        KREW_NO_UPGRADE_CHECK="1",
        KREW_OS="linux",
        KREW_ARCH="amd64",
        PATH=f"{root}/bin:{os.environ['PATH']}",
    )
    return subprocess.run(
        [str(validator.parent / "krew"), "install", f"--manifest={manifest}", f"--archive={archive}"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_checker_and_krew_refuse_broken_manifests(validator, release, tmp_path, case):
    doc = committed("py-query")
    doc["spec"]["platforms"][0]["sha256"] = release.sha256
    path, value = BROKEN[case]
    _mutate(doc, path, value)
    assert krew_problems(doc, "py-query.yaml"), f"the Python checker accepted {case}"
    file = tmp_path / "py-query.yaml"
    file.write_text(yaml.safe_dump(doc))
    if case in CAUGHT_AT_INSTALL:
        proc = krew_install(validator, file, release.archive, tmp_path / "krew")
        assert proc.returncode != 0 and "not clean" in proc.stdout, f"krew installed {case}:\n{proc.stdout}"
    else:
        assert validate(validator, file).returncode != 0, f"validate-krew-manifest accepted {case}"


def test_overlapping_platforms_are_refused(validator, tmp_path):
    doc = committed("py-query")
    extra = copy.deepcopy(doc["spec"]["platforms"][0])
    extra["selector"] = {"matchLabels": {"os": "linux", "arch": "amd64"}}
    doc["spec"]["platforms"].append(extra)
    assert any("overlap" in p for p in krew_problems(doc, "py-query.yaml"))
    file = tmp_path / "py-query.yaml"
    file.write_text(yaml.safe_dump(doc))
    assert validate(validator, file).returncode != 0


def test_review_rules_catch_bad_texts():
    doc = committed("py-query")
    doc["spec"]["shortDescription"] = "A kubectl plugin to query Kubernetes objects in many many contexts"
    doc["spec"]["caveats"] = "none"
    doc["spec"]["platforms"][0]["selector"] = {"matchExpressions": [{"key": "os", "operator": "Exists"}]}
    problems = " ".join(review_problems(doc))
    for words in ("characters", "redundant", "python3", "Windows"):
        assert words in problems


def test_glob_semantics_of_files():
    assert fnmatch.fnmatch("py-query/kubectl-py.pyz", "*/kubectl-py.pyz")
