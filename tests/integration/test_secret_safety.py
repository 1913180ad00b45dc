"""No Secret value in any output of py-describe or `py-query --describe`, whatever the format.

Against the real server: Secrets made by `kubectl apply` (stringData, and data), by `kubectl create secret
generic --from-literal`, a service-account token Secret (filled by the token controller), and a custom
resource of a Secret-like CRD (kind VaultSecret) made by `kubectl apply`. `kubectl apply` copies the whole
manifest, values included, into the last-applied-configuration annotation: that is the leak guarded here.

Every output is searched for every value in every form it could take: as is, its distinctive core, its
JSON-escaped forms, and its base64 at every alignment. Sizes are checked against the oracle kubectl's
`get -o json` of the same objects.
"""

from __future__ import annotations

import base64
import json
import re
import uuid

import pytest
import yaml
from harness import kubectl_plugin
from incident import wait_for

from tests.cluster.manifests import crd

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
CRD_GROUP = "secretsafety.kpy.io"
CRD_NAME = f"vaultsecrets.{CRD_GROUP}"
SA_TOKEN_TYPE = "kubernetes.io/service-account-token"


# -- the forms a value could leak in -----------------------------------------------------------------------


def base64_cores(text: str) -> list:
    """Substrings found in the base64 of any string that contains ``text``, at each of the 3 alignments."""
    cores = []
    for pad in range(3):
        encoded = base64.b64encode(b"\0" * pad + text.encode()).decode()
        cores.append(encoded[4 if pad else 0 : -4])
    return [c for c in cores if len(c) >= 8]


def leak_forms(value: str, core: str) -> set:
    """``value`` as is, JSON-escaped (plain and Go's HTML-safe escaping), base64 (padded or not), and its
    distinctive ``core`` and the base64 of the core at every alignment."""
    escaped = json.dumps(value)[1:-1]
    go_escaped = escaped.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    encoded = base64.b64encode(value.encode()).decode()
    return {value, escaped, go_escaped, encoded, encoded.rstrip("="), core, *base64_cores(core)}


def assert_no_leak(forms: set, *texts: str, where: str = "") -> None:
    for text in texts:
        for form in forms:
            assert form not in text, f"{where}: a secret value leaked ({form[:6]}...)"


# -- the objects ---------------------------------------------------------------------------------------------


def _applied(kubectl, obj: dict) -> None:
    proc = kubectl(["apply", "-f", "-"], input=json.dumps(obj))
    assert proc.returncode == 0, proc.stderr


class World:
    """What the module's tests share: a namespace, the Secrets and the VaultSecret, the values to look for
    (``forms``) and the oracle's view of every object (``oracle``)."""

    def __init__(self, cluster, kubectl):
        self.cluster, self.kubectl = cluster, kubectl
        self.ns = f"t-secret-safety-{uuid.uuid4().hex[:6]}"
        self.forms: set = set()
        self.oracle: dict = {}

    def value(self, label: str) -> str:
        """A fresh secret value, with characters that JSON and YAML escape."""
        core = uuid.uuid4().hex
        value = f'{label}-{core}"<&>\\/'
        self.forms |= leak_forms(value, core)
        return value

    def create(self) -> None:
        kubectl = self.kubectl
        assert kubectl(["create", "namespace", self.ns]).returncode == 0
        _applied(
            kubectl,
            {
                "apiVersion": "v1",
                "kind": "Secret",
                "type": "Opaque",
                "metadata": {"name": "applied-stringdata", "namespace": self.ns},
                "stringData": {"password": self.value("pw"), "user": self.value("user")},
            },
        )
        _applied(
            kubectl,
            {
                "apiVersion": "v1",
                "kind": "Secret",
                "type": "Opaque",
                "metadata": {"name": "applied-data", "namespace": self.ns},
                "data": {"apikey": base64.b64encode(self.value("key").encode()).decode()},
            },
        )
        created = kubectl(
            [
                "create",
                "secret",
                "generic",
                "created-literal",
                "-n",
                self.ns,
                f"--from-literal=pin={self.value('pin')}",
                f"--from-literal=otp={self.value('otp')}",
            ]
        )
        assert created.returncode == 0, created.stderr
        wait_for(
            f"default ServiceAccount in {self.ns}",
            lambda: kubectl(["get", "serviceaccount", "default", "-n", self.ns]).returncode == 0,
        )
        _applied(
            kubectl,
            {
                "apiVersion": "v1",
                "kind": "Secret",
                "type": SA_TOKEN_TYPE,
                "metadata": {
                    "name": "sa-token",
                    "namespace": self.ns,
                    "annotations": {"kubernetes.io/service-account.name": "default"},
                },
            },
        )
        token = wait_for(
            "the token controller to fill sa-token",
            lambda: (self.get("secret", "sa-token").get("data") or {}).get("token"),
        )
        clear = base64.b64decode(token).decode()
        self.forms |= leak_forms(clear, clear.rsplit(".", 1)[-1])  # the JWT's signature is its own
        _applied(
            kubectl,
            {
                "apiVersion": f"{CRD_GROUP}/v1",
                "kind": "VaultSecret",
                "metadata": {"name": "vault", "namespace": self.ns},
                "spec": {"path": "kv/app"},
                "data": {"dbpass": self.value("db")},
                "stringData": {"note": self.value("note")},
            },
        )
        for kind in ("secrets", "vaultsecrets"):
            for obj in json.loads(kubectl(["get", kind, "-n", self.ns, "-o", "json"], check=True).stdout)["items"]:
                self.oracle[(obj["kind"], obj["metadata"]["name"])] = obj
        # the oracle's view holds the values: the forms are real, so not finding them means something
        everything = json.dumps(list(self.oracle.values()))
        assert any(form in everything for form in self.forms)

    def get(self, kind: str, name: str) -> dict:
        proc = self.kubectl(["get", kind, name, "-n", self.ns, "-o", "json"])
        return json.loads(proc.stdout) if proc.returncode == 0 else {}

    def plugin(self, *args: str):
        run = kubectl_plugin(self.cluster, *args)
        assert run.code == 0, f"{' '.join(args)}: {run.err}"
        assert run.out.strip(), f"{' '.join(args)} printed nothing"
        assert_no_leak(self.forms, run.out, run.err, where=" ".join(args))
        return run


def _crd() -> dict:
    secret_map = {"type": "object", "additionalProperties": {"type": "string"}}
    spec = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
    return crd(CRD_GROUP, "vaultsecrets", "VaultSecret", {"spec": spec, "data": secret_map, "stringData": secret_map})


@pytest.fixture(scope="module")
def world(cluster, kubectl):
    _applied(kubectl, _crd())
    wait_for("the VaultSecret CRD to be served", lambda: kubectl(["get", "vaultsecrets", "-A"]).returncode == 0)
    world = World(cluster, kubectl)
    world.create()
    yield world
    kubectl(["delete", "namespace", world.ns, "--wait=false"])


SECRETS = ["applied-stringdata", "applied-data", "created-literal", "sa-token"]


def _docs(text: str, fmt: str) -> list:
    doc = json.loads(text) if fmt == "json" else yaml.safe_load(text)
    return doc["items"] if doc.get("kind") == "List" else [doc]


def assert_sizes(world: World, doc: dict) -> None:
    """Sizes, from the oracle's view of the same object: decoded data sizes, and the hidden annotation's."""
    theirs = world.oracle[(doc["kind"], doc["name"])]
    annotation = theirs["metadata"].get("annotations", {}).get(LAST_APPLIED)
    if annotation is not None:
        assert doc["annotations"][LAST_APPLIED] == f"<hidden: {len(annotation.encode())} bytes, may hold Secret values>"
    if doc["kind"] == "Secret":
        assert doc["data"] == {k: {"bytes": len(base64.b64decode(v))} for k, v in theirs["data"].items()}
    else:
        for field in ("data", "stringData"):
            assert doc["content"][field] == {k: f"<hidden: {len(v.encode())} bytes>" for k, v in theirs[field].items()}
            assert theirs[field]  # the object really holds values there


def test_every_secret_was_applied_with_its_values(world):
    """The leak is real: kubectl apply put the values in the annotation, which we must hide."""
    for name in ("applied-stringdata", "applied-data"):
        annotation = world.oracle[("Secret", name)]["metadata"]["annotations"][LAST_APPLIED]
        assert any(form in annotation for form in world.forms)


@pytest.mark.parametrize("name", SECRETS)
def test_describe_secret_every_format(world, tmp_path, name):
    ns = world.ns
    for fmt in ("json", "yaml"):
        (doc,) = _docs(world.plugin("py-describe", "secret", name, "-n", ns, "-o", fmt).out, fmt)
        assert_sizes(world, doc)
    template = tmp_path / "everything.jsonpath"
    template.write_text("{@}")
    for output in (
        "jsonpath={@}",
        "jsonpath={..}",
        "jsonpath={..annotations}",
        "jsonpath={..data}",
        f"jsonpath-file={template}",
    ):
        run = world.plugin("py-describe", "secret", name, "-n", ns, "-o", output)
        if output != "jsonpath={..data}":
            hidden_or_none = LAST_APPLIED not in world.oracle[("Secret", name)]["metadata"].get("annotations", {})
            assert hidden_or_none or "may hold Secret values" in run.out
    text = world.plugin("py-describe", "secret", name, "-n", ns).out
    assert text == _oracle_text(world, "secret", name)


def _oracle_text(world: World, kind: str, name: str | None = None) -> str:
    """kubectl describe's text, the service-account token printed as its size (our one difference)."""
    theirs = world.kubectl(["describe", kind] + ([name] if name else []) + ["-n", world.ns], check=True).stdout
    token = base64.b64decode(world.oracle[("Secret", "sa-token")]["data"]["token"]).decode()
    return theirs.replace(token, f"{len(token.encode())} bytes")


def test_describe_secrets_list(world):
    for fmt in ("json", "yaml"):
        docs = _docs(world.plugin("py-describe", "secrets", "-n", world.ns, "-o", fmt).out, fmt)
        assert sorted(d["name"] for d in docs) == sorted(SECRETS)
        for doc in docs:
            assert_sizes(world, doc)
    assert world.plugin("py-describe", "secrets", "-n", world.ns).out == _oracle_text(world, "secrets")


def test_query_describe(world):
    for fmt in ("json", "yaml"):
        for kind, names in (("secrets", SECRETS), ("vaultsecrets", ["vault"])):
            docs = _docs(world.plugin("py-query", kind, "-n", world.ns, "--describe", "-o", fmt).out, fmt)
            assert sorted(d["name"] for d in docs) == sorted(names)
            for doc in docs:
                assert_sizes(world, doc)
    for template in ("{@}", "{..annotations}", "{range .items[*]}{.name}{'\\t'}{.annotations}{'\\n'}{end}"):
        world.plugin("py-query", "secrets,vaultsecrets", "-n", world.ns, "--describe", "-o", f"jsonpath={template}")


def test_generic_describe_of_a_secret_like_kind(world):
    ns = world.ns
    for fmt in ("json", "yaml"):
        (doc,) = _docs(world.plugin("py-describe", "vaultsecret", "vault", "-n", ns, "-o", fmt).out, fmt)
        assert doc["content"]["spec"] == {"path": "kv/app"}  # the rest of the object is still there
        assert_sizes(world, doc)
    for output in ("jsonpath={@}", "jsonpath={..content}"):
        world.plugin("py-describe", "vaultsecret", "vault", "-n", ns, "-o", output)
    text = world.plugin("py-describe", "vaultsecret", "vault", "-n", ns).out
    theirs = world.kubectl(["describe", "vaultsecret", "vault", "-n", ns], check=True).stdout
    assert any(form in theirs for form in world.forms)  # kubectl prints the values; we print sizes
    vault = world.oracle[("VaultSecret", "vault")]
    assert re.search(rf"\n +Dbpass: +<hidden: {len(vault['data']['dbpass'].encode())} bytes>\n", text), text


def test_offline_dump(world, tmp_path):
    dump = tmp_path / "secrets.json"
    dump.write_text(world.kubectl(["get", "secrets,vaultsecrets", "-n", world.ns, "-o", "json"], check=True).stdout)
    assert any(form in dump.read_text() for form in world.forms)
    offline = ("-n", world.ns, "-f", str(dump))
    for fmt in ("json", "yaml"):
        docs = _docs(world.plugin("py-describe", "secrets", *offline, "-o", fmt).out, fmt)
        docs += _docs(world.plugin("py-describe", "vaultsecrets", *offline, "-o", fmt).out, fmt)
        docs += _docs(world.plugin("py-query", "secrets,vaultsecrets", *offline, "--describe", "-o", fmt).out, fmt)
        assert len(docs) == 2 * (len(SECRETS) + 1)
        for doc in docs:
            assert_sizes(world, doc)
    world.plugin("py-describe", "secret", "applied-stringdata", *offline, "-o", "jsonpath={..}")
    world.plugin("py-describe", "vaultsecrets", *offline)
    assert world.plugin("py-describe", "secrets", *offline).out == _oracle_text(world, "secrets")
