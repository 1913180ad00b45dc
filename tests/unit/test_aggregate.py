"""--group-by and --sum/--avg/--min/--max as pure logic (kubectl_py/aggregate.py).

Expected figures are worked out by hand from the inputs below (and apimachinery's rules: a sum keeps the format
of the first non-zero quantity added, DecimalSI prints the largest exact SI suffix, BinarySI the largest exact
power of 1024)."""

from __future__ import annotations

import pytest

from kubectl_py.errors import BadTemplate, UsageError
from kubectl_py.query.aggregate import BadValue, Groups, Plan, split_keys

CPU = "{.spec.containers[*].resources.requests.cpu}"
MEMORY = "{.spec.containers[*].resources.requests.memory}"


def pod(name, node=None, *requests, namespace="ns", annotations=None):
    spec = {"containers": [{"name": f"c{i}", "resources": {"requests": r}} for i, r in enumerate(requests)]}
    if node:
        spec["nodeName"] = node
    meta = {"name": name, "namespace": namespace}
    if annotations:
        meta["annotations"] = annotations
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}


def test_keys_split_on_commas_outside_templates():
    assert split_keys("context,{.spec.nodeName}") == ["context", "{.spec.nodeName}"]
    assert split_keys("{.metadata.labels['a,b']},namespace") == ["{.metadata.labels['a,b']}", "namespace"]
    assert split_keys('{range .spec.containers[*]}{.name}{","}{end},kind') == [
        '{range .spec.containers[*]}{.name}{","}{end}',
        "kind",
    ]
    with pytest.raises(UsageError):
        split_keys("context,,kind")


def test_plan_headers_and_relaxed_templates():
    plan = Plan.build(["context", ".spec.nodeName"], sums=[CPU], maxs=[MEMORY], count=True)
    assert plan.keys == ("context", "{.spec.nodeName}")
    # a template's column is titled by its last path segment (tests/unit/test_first_hour_groups.py has the rest)
    assert plan.headers() == ["CONTEXT", "NODENAME", "COUNT", f"SUM({CPU[1:-1]})", f"MAX({MEMORY[1:-1]})"]
    assert Plan.build(["namespace"]).count  # grouping alone counts
    assert not Plan.build(["namespace"], sums=[CPU]).count
    with pytest.raises(BadTemplate):
        Plan.build(["{.spec.nodeName"])


def test_sums_of_mixed_units_print_as_kubectl_and_carry_base_units():
    groups = Groups(Plan.build(["{.spec.nodeName}"], sums=[CPU, MEMORY], count=True))
    groups.add(
        [
            pod("a", "n1", {"cpu": "250m", "memory": "128Mi"}, {"cpu": "1", "memory": "1Gi"}),
            pod("b", "n1", {"cpu": "0.5", "memory": "1G"}),
            pod("c", "n2", {"cpu": "2", "memory": "1Gi"}, {"cpu": "1", "memory": "2Gi"}),
        ],
        "ctx",
        "Pod",
    )
    # n1: 0.25 + 1 + 0.5 = 1.75 cores (DecimalSI from 250m); 128Mi + 1Gi + 1G = 2207959552 bytes, not a
    # multiple of 1024 (1e9 = 2^9 * 5^9), so BinarySI prints the plain integer; n2: 3 cores, 3Gi
    assert groups.rows() == [["n1", "2", "1750m", "2207959552"], ["n2", "1", "3", "3Gi"]]
    first = groups.records()[0]
    assert first["group"] == ["n1"] and first["count"] == 2
    assert first["aggregates"][0] == {"function": "sum", "template": CPU, "value": {"value": "1750m", "base": 1.75}}
    assert first["aggregates"][1]["value"] == {"value": "2207959552", "base": 2207959552}


def test_avg_min_max_are_over_the_values():
    plan = Plan.build(["namespace"], avgs=[CPU], mins=[CPU], maxs=[MEMORY])
    groups = Groups(plan)
    groups.add(
        [
            pod("a", "n", {"cpu": "100m", "memory": "1Gi"}, {"cpu": "200m", "memory": "512Mi"}),
            pod("b", "n", {"cpu": "1", "memory": "2G"}),
        ],
        "ctx",
        "Pod",
    )
    # avg (0.1 + 0.2 + 1) / 3 = 0.4333333333... rounded up to nano units; min 100m; max 2G > 1Gi
    assert groups.rows() == [["ns", "433333334n", "100m", "2G"]]
    assert groups.records()[0]["aggregates"][2]["value"] == {"value": "2G", "base": 2000000000}


def test_numbers_stay_numbers():
    template = "{.status.containerStatuses[*].restartCount}"
    groups = Groups(Plan.build(["kind"], sums=[template], avgs=[template]))
    items = [
        {"metadata": {"name": n}, "status": {"containerStatuses": [{"restartCount": r} for r in rs]}}
        for n, rs in (("a", [1, 2]), ("b", [4]))
    ]
    groups.add(items, "ctx", "Pod")
    assert groups.rows() == [["Pod", "7", "2.333333"]]
    values = [a["value"] for a in groups.records()[0]["aggregates"]]
    assert values[0] == 7 and isinstance(values[0], int) and values[1] == pytest.approx(7 / 3)


def test_missing_values_and_keys_are_none():
    groups = Groups(Plan.build(["{.spec.nodeName}", "{.metadata.labels.team}"], sums=[CPU]))
    groups.add([pod("a", None, {}), pod("b", "n1", {"cpu": "1"})], "ctx", "Pod")
    assert groups.rows() == [["n1", "<none>", "1"], ["<none>", "<none>", "<none>"]]
    assert groups.records()[1] == {
        "group": [None, None],
        "aggregates": [{"function": "sum", "template": CPU, "value": None}],
    }


def test_a_value_that_is_no_quantity_names_the_item():
    groups = Groups(Plan.build(["namespace"], sums=["{.metadata.annotations.size}"]))
    with pytest.raises(BadValue) as info:
        groups.add(
            [
                pod("ok", None, annotations={"size": "2Gi"}),
                pod("web-1", None, namespace="shop", annotations={"size": "large"}),
            ],
            "ctx",
            "Pod",
        )
    assert str(info.value) == (
        'pod shop/web-1: cannot sum {.metadata.annotations.size}: "large" is neither a number nor a quantity'
    )
    with pytest.raises(BadValue):
        Groups(Plan.build(["kind"], sums=["{.metadata}"])).add([pod("x")], "ctx", "Pod")
    with pytest.raises(BadValue):
        Groups(Plan.build(["kind"], maxs=["{.flag}"])).add([{"metadata": {"name": "x"}, "flag": True}], "c", "K")


def test_describe_documents_quantity_records():
    template = "{.allocatedResources.cpu.requests}"
    groups = Groups(Plan.build(["context"], sums=[template]))
    documents = [
        {"kind": "Node", "name": n, "allocatedResources": {"cpu": {"requests": {"value": v, "base": b}}}}
        for n, v, b in (("n1", "770m", 0.77), ("n2", "1", 1))
    ]
    groups.add(documents, "kpy-a", "Node")
    assert groups.rows() == [["kpy-a", "1770m"]]


def test_contexts_merge_in_selection_order_and_groups_sort():
    plan = Plan.build(["context", "{.spec.nodeName}"], sums=[CPU])
    merged = Groups(plan)
    for context, pods in (
        ("zeta", [pod("a", "n2", {"cpu": "1"}), pod("b", "n1", {"cpu": "1"})]),
        ("alpha", [pod("c", "n1", {"cpu": "500m"})]),
    ):
        groups = Groups(plan)
        groups.add(pods, context, "Pod")
        merged.merge(groups)
    assert merged.rows() == [["zeta", "n1", "1"], ["zeta", "n2", "1"], ["alpha", "n1", "500m"]]
    # without the context key, the fleet's groups add up
    fleet_plan = Plan.build(["{.spec.nodeName}"], sums=[CPU], mins=[CPU])
    fleet = Groups(fleet_plan)
    for context, pods in (("a", [pod("a", "n1", {"cpu": "1"})]), ("b", [pod("b", "n1", {"cpu": "250m"})])):
        groups = Groups(fleet_plan)
        groups.add(pods, context, "Pod")
        fleet.merge(groups)
    assert fleet.rows() == [["n1", "1250m", "250m"]]


def test_a_secret_value_is_never_shown():
    secret = {"kind": "Secret", "metadata": {"name": "creds", "namespace": "ns"}, "data": {"token": "c2VjcmV0"}}
    with pytest.raises(BadValue) as info:
        Groups(Plan.build(["kind"], sums=["{.data.token}"])).add([secret], "ctx", "Secret")
    assert "c2VjcmV0" not in str(info.value)
    assert str(info.value) == (
        "secret ns/creds: cannot sum {.data.token}: the value (not shown: Secret data) is "
        "neither a number nor a quantity"
    )
