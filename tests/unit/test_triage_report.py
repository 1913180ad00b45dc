"""py-triage's report on an offline dump (kubectl_py.kube.offline.Dump, the same read interface as a
cluster): what each TYPE checks, warnings for kinds that cannot be read, -l, the order and the tables,
the published JSON Schemas, completion."""

import json
from datetime import datetime, timezone

import jsonschema
import pytest
from referencing import Registry, Resource

from kubectl_py import triage
from kubectl_py.cli import complete
from kubectl_py.errors import UsageError
from kubectl_py.kube.fanout import ContextResult
from kubectl_py.kube.offline import Dump
from kubectl_py.triage import render

NOW = datetime(2026, 5, 1, 12, 0, 0, tzinfo=timezone.utc)
SCHEMAS = [json.loads(p.read_text()) for p in sorted(triage.SCHEMA_DIR.glob("*.json"))]
REGISTRY = Registry().with_resources([(s["$id"], Resource.from_contents(s)) for s in SCHEMAS])


def validate(document: dict) -> None:
    schema = next(s for s in SCHEMAS if s["$id"] == "findinglist.json")
    jsonschema.Draft202012Validator(schema, registry=REGISTRY).validate(document)


def obj(api, kind, name, ns="demo", labels=None, **fields):
    meta = {"name": name, "uid": f"uid-{name}", "creationTimestamp": "2026-05-01T10:00:00Z", "labels": labels or {}}
    if ns:
        meta["namespace"] = ns
    return {"apiVersion": api, "kind": kind, "metadata": meta, **fields}


def crashing(name, labels):
    return obj(
        "v1",
        "Pod",
        name,
        labels=labels,
        spec={"nodeName": "n1", "containers": [{"name": "app", "resources": {"requests": {"cpu": "1900m"}}}]},
        status={
            "phase": "Running",
            "conditions": [{"type": "Ready", "status": "False"}],
            "containerStatuses": [
                {
                    "name": "app",
                    "restartCount": 3,
                    "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                    "lastState": {"terminated": {"exitCode": 1}},
                }
            ],
        },
    )


def dump_objects():
    return [
        crashing("api-1", {"app": "api"}),
        crashing("web-1", {"app": "web"}),
        obj("v1", "Service", "api", spec={"selector": {"app": "api"}}, labels={"app": "api"}),
        obj(
            "discovery.k8s.io/v1",
            "EndpointSlice",
            "api-x",
            labels={"kubernetes.io/service-name": "api"},
            endpoints=[{"addresses": ["10.0.0.1"], "conditions": {"ready": False}}],
        ),
        obj(
            "v1",
            "Node",
            "n1",
            ns=None,
            spec={},
            status={"allocatable": {"cpu": "2", "memory": "4Gi"}, "conditions": [{"type": "Ready", "status": "True"}]},
        ),
        obj(
            "v1",
            "Event",
            "e1",
            type="Warning",
            reason="BackOff",
            message="restarting",
            count=2,
            firstTimestamp="2026-05-01T11:00:00Z",
            lastTimestamp="2026-05-01T11:58:00Z",
            involvedObject={"kind": "Pod", "name": "api-1", "namespace": "demo", "uid": "uid-api-1"},
        ),
        obj(
            "v1",
            "Event",
            "e2",
            type="Warning",
            reason="Unhealthy",
            message="probe failed",
            eventTime="2026-05-01T11:59:00.000000Z",
            involvedObject={"kind": "Pod", "name": "web-1", "namespace": "demo", "uid": "uid-web-1"},
        ),
    ]


def report(spec, objects=None, name=""):
    return triage.triage_context(Dump(objects or dump_objects(), name=name, namespace="demo"), spec, NOW)


def test_types_as_kubectl_names_them():
    assert triage.checks_for(("po", "svc", "deploy"), False) == ("pods", "deployments.apps", "services")
    assert triage.checks_for(("pvc", "pv", "no", "ev", "cj"), False) == (
        "cronjobs.batch",
        "nodes",
        "persistentvolumeclaims",
        "persistentvolumes",
        "events",
    )
    assert "nodes" not in triage.checks_for((), False) and "nodes" in triage.checks_for((), True)
    with pytest.raises(UsageError, match='py-triage does not check "configmaps"'):
        triage.checks_for(("configmaps",), False)


def test_a_dump_report_with_one_warning_per_kind_it_lacks():
    found = report(triage.TriageSpec(checks=triage.checks_for((), True), all_namespaces=True))
    assert [(x["kind"], x["name"], x["problem"]) for x in render.report_order(found.findings, [""])] == [
        ("Pod", "api-1", "NotReady"),
        ("Pod", "web-1", "NotReady"),
        ("Service", "api", "NoReadyEndpoints"),
        ("Node", "n1", "HighRequests"),
        ("Pod", "web-1", "WarningEvent"),
        ("Pod", "api-1", "WarningEvent"),
    ]
    assert found.warnings == [
        f"the input files hold no {kind}"
        for kind in (
            "deployments.apps",
            "replicasets.apps",
            "statefulsets.apps",
            "daemonsets.apps",
            "jobs.batch",
            "cronjobs.batch",
            "persistentvolumeclaims",
            "persistentvolumes",
        )
    ]
    api = next(
        x for x in found.findings if x["name"] == "api-1" and x["kind"] == "Pod" and x["problem"] != "WarningEvent"
    )
    assert api["details"]["event"]["reason"] == "BackOff"  # the reason stays the container's; the event rides along
    result = triage.TriageResult([ContextResult("", found)], found.findings)
    validate(result.document())
    assert result.exit_code() == 1


def test_label_selector_picks_the_objects_and_their_events():
    found = report(
        triage.TriageSpec(checks=("pods", "services", "nodes", "events"), all_namespaces=True, label_selector="app=api")
    )
    assert sorted((x["kind"], x["name"], x["problem"]) for x in found.findings) == [
        ("Pod", "api-1", "NotReady"),
        ("Pod", "api-1", "WarningEvent"),
        ("Service", "api", "NoReadyEndpoints"),
    ]
    # the node's sums still count every pod (web-1 too): --over 90 of 2 CPUs needs both pods' 1900m
    nodes = report(triage.TriageSpec(checks=("nodes",), all_namespaces=True, label_selector="app=api"))
    assert nodes.findings == []  # the node carries no app=api label
    every = report(triage.TriageSpec(checks=("nodes",), all_namespaces=True))
    assert every.findings[0]["details"]["cpu"]["requests"]["value"] == "3800m"


def test_nothing_readable_is_the_contexts_failure():
    from kubectl_py.errors import NotInDump

    with pytest.raises(NotInDump):
        report(triage.TriageSpec(checks=("persistentvolumes",)))


def test_sections_and_context_column():
    found = report(triage.TriageSpec(checks=("pods", "events"), all_namespaces=True), name="kpy-a").findings
    other = report(triage.TriageSpec(checks=("pods", "events"), all_namespaces=True), name="kpy-b").findings
    ordered = render.report_order(found + other, ["kpy-a", "kpy-b"])
    sections = render.sections(ordered, NOW, with_context=True)
    assert [title for title, _, _ in sections] == ["Pods not ready", "Warning events"]
    (_, headers, rows), (_, event_headers, event_rows) = sections
    assert headers == ["CONTEXT", "NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "REASON", "SINCE"]
    assert [r[:3] for r in rows] == [
        ["kpy-a", "demo", "api-1"],
        ["kpy-a", "demo", "web-1"],
        ["kpy-b", "demo", "api-1"],
        ["kpy-b", "demo", "web-1"],
    ]
    assert rows[0][3:7] == ["0/1", "NotReady", 3, "CrashLoopBackOff (exit code 1)"]
    assert event_headers == ["CONTEXT", "NAMESPACE", "LAST SEEN", "REASON", "OBJECT", "MESSAGE"]
    assert [r[:4] for r in event_rows] == [
        ["kpy-a", "demo", "60s", "Unhealthy"],
        ["kpy-b", "demo", "60s", "Unhealthy"],
        ["kpy-a", "demo", "2m (x2 over 60m)", "BackOff"],
        ["kpy-b", "demo", "2m (x2 over 60m)", "BackOff"],
    ]
    headers, flat = render.flat(ordered, with_context=False)
    assert headers == ["KIND", "NAMESPACE", "NAME", "PROBLEM", "REASON", "SINCE"]
    assert flat[0] == ["Pod", "demo", "api-1", "NotReady", "CrashLoopBackOff (exit code 1)", "2026-05-01T10:00:00Z"]


def test_a_failed_context_is_exit_2_and_its_status_record():
    from kubectl_py.errors import Unreachable

    found = report(triage.TriageSpec(checks=("pods",), all_namespaces=True), name="kpy-a")
    result = triage.TriageResult(
        [ContextResult("kpy-a", found), ContextResult("down", None, Unreachable("refused"))], found.findings
    )
    document = result.document()
    validate(document)
    assert result.exit_code() == 2
    assert document["contexts"][1] == {"context": "down", "status": "unreachable", "elapsedMs": 0, "message": "refused"}
    empty = triage.TriageResult([ContextResult("kpy-a", triage.ContextReport([], []))], [])
    assert empty.exit_code() == 0


def test_the_finding_schema_rejects_what_the_engine_never_writes():
    found = report(triage.TriageSpec(checks=("pods",), all_namespaces=True)).findings[0]
    document = {"apiVersion": "kubectl-py/v1", "kind": "FindingList", "items": [found], "contexts": []}
    validate(document)
    for broken in (
        dict(found, problem="Broken"),
        dict(found, details=dict(found["details"], ready=1)),
        dict(found, details=dict(found["details"], surprise=True)),
    ):
        with pytest.raises(jsonschema.ValidationError):
            validate(dict(document, items=[broken]))


def test_completion_offers_the_kinds_it_checks():
    assert complete.complete("py-triage", ["dep"]) == (["deployments"], complete.NO_FILE)
    assert complete.complete("py-triage", ["pods,no"]) == (["pods,nodes"], complete.NO_FILE)
    assert complete.complete("py-triage", ["-o", "ma"]) == (["markdown"], complete.NO_FILE)
    assert "--over" in complete.complete("py-triage", ["--o"])[0]
    names = complete.PLUGINS["py-triage"]["positionals"]
    assert [triage.checks_for((n,), False)[0] for n in names] == list(triage.CHECKS)
