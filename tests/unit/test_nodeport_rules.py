"""The URL selection rules of py-nodeports, on hand-built objects."""

from kubectl_py.nodeports import NodePortSettings, host_port, node_port_records
from tests.builders import endpoint_slice, node, service


def urls(records):
    return [r["urls"] for r in records]


def test_prefers_external_ip_then_internal():
    nodes = [
        node("a", [("InternalIP", "10.0.0.1"), ("ExternalIP", "1.2.3.4")]),
        node("b", [("InternalIP", "10.0.0.2")]),
    ]
    assert urls(node_port_records([service("web")], nodes, [])) == [["1.2.3.4:30080", "10.0.0.2:30080"]]


def test_address_type_flag_picks_one_type():
    nodes = [node("a", [("InternalIP", "10.0.0.1"), ("ExternalIP", "1.2.3.4")])]
    records = node_port_records([service("web")], nodes, [], NodePortSettings(address_type="InternalIP"))
    assert urls(records) == [["10.0.0.1:30080"]]


def test_not_ready_and_cordoned_nodes_left_out_unless_all_nodes():
    nodes = [
        node("ok"),
        node("down", [("InternalIP", "10.0.0.9")], ready=False),
        node("cordoned", [("InternalIP", "10.0.0.8")], unschedulable=True),
    ]
    assert urls(node_port_records([service("web")], nodes, [])) == [["10.0.0.1:30080"]]
    everything = node_port_records([service("web")], nodes, [], NodePortSettings(all_nodes=True))
    assert sorted(everything[0]["urls"]) == ["10.0.0.1:30080", "10.0.0.8:30080", "10.0.0.9:30080"]


def test_ipv6_in_brackets():
    assert host_port("fd00::1", 30001) == "[fd00::1]:30001"
    assert urls(node_port_records([service("web")], [node("v6", [("InternalIP", "fd00::1")])], [])) == [
        ["[fd00::1]:30080"]
    ]


def test_local_policy_only_nodes_with_ready_endpoints():
    nodes = [
        node("a", [("InternalIP", "10.0.0.1")]),
        node("b", [("InternalIP", "10.0.0.2")]),
        node("c", [("InternalIP", "10.0.0.3")]),
    ]
    slices = [endpoint_slice("web", [("10.244.0.1", "a", True), ("10.244.0.2", "c", False)])]
    records = node_port_records([service("web", policy="Local")], nodes, slices)
    assert urls(records) == [["10.0.0.1:30080"]]
    assert records[0]["readyEndpoints"] == 1


def test_only_node_port_and_load_balancer_ports_with_a_node_port():
    services = [
        service("a", type_="ClusterIP", ports=((80, None),)),
        service("b", type_="LoadBalancer", ports=((80, 30001), (443, 30002))),
        service("c", ports=((80, None),)),
    ]
    records = node_port_records(services, [node("n")], [])
    assert [(r["name"], r["port"], r["nodePort"]) for r in records] == [("b", 80, 30001), ("b", 443, 30002)]


def test_unknown_slices_give_unknown_counts():
    records = node_port_records([service("web", policy="Local")], [node("a")], None)
    assert records[0]["readyEndpoints"] is None and records[0]["urls"] == []
