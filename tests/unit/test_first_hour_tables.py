"""Issue 19, the first hour: one behaviour across plugins, in the pure parts. -o csv|tsv|markdown with wide and
custom columns, a user's CONTEXT column kept single, group-by column names, --by as a comma list, --sort-by as
kubectl sorts (and fails), null-safe jsonpath-ng sorting, and why py-nodeports' URLS are empty. The same against
the clusters: tests/integration/test_first_hour.py."""

import pytest

from kubectl_py import nodeports
from kubectl_py.cli import query
from kubectl_py.errors import UsageError
from kubectl_py.printers import OutputFormat, parse_output
from kubectl_py.printers.custom_columns import has_context_column, parse_spec
from kubectl_py.query import extended, sorting
from kubectl_py.query.aggregate import Plan, last_segment, named


# -- -o csv=wide, -o markdown=custom-columns=... ------------------------------------------------------------------
@pytest.mark.parametrize(
    "value, expected",
    [
        ("csv", OutputFormat("csv")),
        ("csv=wide", OutputFormat("wide", "", "csv")),
        ("tsv=custom-columns=NAME:.metadata.name", OutputFormat("custom-columns", "NAME:.metadata.name", "tsv")),
        ("markdown=custom-columns=A:.a,B:.b", OutputFormat("custom-columns", "A:.a,B:.b", "markdown")),
        ("wide", OutputFormat("wide")),
    ],
)
def test_a_spreadsheet_names_the_table_it_prints(value, expected):
    fmt = parse_output(value, query.FORMATS, styled=True)
    assert fmt == expected
    assert fmt.spreadsheet == (value.partition("=")[0] if value != "wide" else "")


def test_a_custom_columns_file_prints_as_csv(tmp_path):
    spec = tmp_path / "cols"
    spec.write_text("NAME NODE\n.metadata.name .spec.nodeName\n")
    fmt = parse_output(f"csv=custom-columns-file={spec}", query.FORMATS, styled=True)
    assert (fmt.name, fmt.style, parse_spec(fmt.argument)) == (
        "custom-columns",
        "csv",
        [("NAME", "{.metadata.name}"), ("NODE", "{.spec.nodeName}")],
    )


@pytest.mark.parametrize("value", ["csv=json", "csv=", "markdown=name", "csv=csv"])
def test_only_tables_print_as_spreadsheets(value):
    with pytest.raises(UsageError, match="takes wide, custom-columns=SPEC"):
        parse_output(value, query.FORMATS, styled=True)


def test_plugins_that_do_not_offer_the_combination_refuse_it():
    with pytest.raises(UsageError):  # py-diff's formats: its own tables
        parse_output("csv=wide", ("wide", "json", "csv"))


def test_the_users_context_column_is_recognised():
    assert has_context_column(parse_spec("CONTEXT:.metadata.name"))
    assert has_context_column(parse_spec("Where:.context,NAME:.metadata.name"))
    assert has_context_column(parse_spec("context:.x"))
    assert not has_context_column(parse_spec("NAME:.metadata.name,CTX:.metadata.labels.context"))


# -- group-by column names, --by lists ------------------------------------------------------------------------------
def test_a_name_before_a_template_titles_its_column():
    assert named("node={.spec.nodeName}") == ("node", "{.spec.nodeName}")
    assert named("{.metadata.labels.a=b}") == (None, "{.metadata.labels.a=b}")
    assert named(".spec.nodeName") == (None, ".spec.nodeName")
    plan = Plan.build(
        ["context,node={.spec.nodeName}", ".metadata.labels.tier"],
        sums=["cpu={.spec.containers[*].resources.requests.cpu}"],
        maxs=["{.status.containerStatuses[*].restartCount}"],
        count=True,
    )
    assert plan.keys == ("context", "{.spec.nodeName}", "{.metadata.labels.tier}")
    assert plan.aggregates == (
        ("sum", "{.spec.containers[*].resources.requests.cpu}"),
        ("max", "{.status.containerStatuses[*].restartCount}"),
    )
    assert plan.headers() == [
        "CONTEXT",
        "node",
        "TIER",
        "COUNT",
        "cpu",
        "MAX(.status.containerStatuses[*].restartCount)",
    ]


@pytest.mark.parametrize(
    "template, segment",
    [
        ("{.spec.nodeName}", "nodeName"),
        ("{.spec.containers[*].image}", "image"),
        ("{.status.podIPs[0].ip}", "ip"),
        ("{.metadata.labels['app.kubernetes.io/name']}", "app.kubernetes.io/name"),
        ('{range .items[*]}{.x}{end}', 'range .items[*]}{.x}{end'),
    ],
)
def test_a_templates_last_segment(template, segment):
    assert last_segment(template) == segment


def test_by_takes_a_comma_list():
    assert query.count_keys("context,namespace") == ("context", "namespace")
    assert query.count_keys("kind, namespace,kind") == ("kind", "namespace")
    for wrong in ("node", "context,", ""):
        with pytest.raises(UsageError, match="a comma list of them"):
            query.count_keys(wrong)


# -- --sort-by, and jsonpath-ng's sorts ---------------------------------------------------------------------------
ITEMS = [{"n": "b", "v": "x"}, {"n": "a"}, {"n": "c", "v": None}, {"n": "d", "v": 2}, {"n": "e", "v": "a"}]


def test_sort_by_puts_missing_and_null_first_then_numbers_then_strings():
    assert [i["n"] for i in sorting.sorted_by("{.v}", ITEMS)] == ["a", "c", "d", "e", "b"]


def test_sort_by_a_field_no_item_has_is_kubectls_error():
    with pytest.raises(UsageError) as info:
        sorting.sorted_by("{.metadata.nme}", ITEMS)
    assert (
        info.value.user_message()
        == 'error: couldn\'t find any field with path "{.metadata.nme}" in the list of objects'
    )
    assert sorting.sorted_by("{.x}", []) == []  # nothing to sort: no error, as kubectl


def test_jsonpath_ng_sorts_with_nulls():
    document = {"items": ITEMS}
    assert extended.jsonpath_ng("$.items[/v][*].n", document).split() == ["a", "c", "d", "e", "b"]
    assert extended.jsonpath_ng("$.items[\\v][*].n", document).split() == ["b", "e", "d", "a", "c"]
    assert extended.jsonpath_ng("$.items[*].v.`sorted`", {"items": [{"v": [3, None, "x", 1]}]}).split() == [
        "[null,",
        "1,",
        "3,",
        '"x"]',
    ]


# -- py-nodeports: why URLS is empty ------------------------------------------------------------------------------
def node(name, ready=True, cordoned=False, ip="10.0.0.1"):
    return {
        "metadata": {"name": name},
        "spec": {"unschedulable": True} if cordoned else {},
        "status": {
            "conditions": [{"type": "Ready", "status": "True" if ready else "False"}],
            "addresses": [{"type": "InternalIP", "address": ip}] if ip else [],
        },
    }


def service(ports, policy="Cluster"):
    return {
        "metadata": {"name": "web", "namespace": "demo"},
        "spec": {
            "type": "NodePort",
            "externalTrafficPolicy": policy,
            "ports": [{"name": f"p{p}", "port": p, "nodePort": n} for p, n in ports],
        },
    }


def reasons(services, nodes, slices=None, **settings):
    records = nodeports.node_port_records(services, nodes, slices, nodeports.NodePortSettings(**settings))
    return [r["noUrlsReason"] for r in records]


def test_why_urls_are_empty():
    svc = service([(80, 30080)])
    assert reasons([svc], [node("a", cordoned=True), node("b", cordoned=True)]) == [
        "2 nodes, 2 cordoned; --all-nodes includes them"
    ]
    assert reasons([svc], [node("a", cordoned=True), node("b", ready=False)]) == [
        "2 nodes, 1 cordoned, 1 NotReady; --all-nodes includes them"
    ]
    assert reasons([svc], [node("a", cordoned=True)], all_nodes=True) == [None]
    assert reasons([svc], []) == ["no nodes"]
    assert reasons([svc], [node("a", ip=None)]) == [
        "no usable node has an ExternalIP or InternalIP address; --address-type picks another"
    ]
    assert reasons([svc], [node("a")], address_type="ExternalIP") == ["no usable node has an ExternalIP address"]
    assert reasons([service([(80, 30080)], "Local")], [node("a")], slices=[]) == [
        "externalTrafficPolicy Local: no ready endpoint on a usable node"
    ]
    assert reasons([svc], None) == [None]  # nodes unreadable: URLS <unknown>, said by a warning


def test_a_services_ports_keep_their_order():
    records = nodeports.node_port_records([service([(81, 32000), (80, 30000), (82, 31000)])], [node("a")], None)
    assert [r["port"] for r in records] == [81, 80, 82]


def test_watching_with_the_users_context_column_does_not_double_it():
    import io
    from types import SimpleNamespace

    from kubectl_py.printers.watch import DocumentPrinter

    out = io.StringIO()
    fmt = parse_output("custom-columns=CONTEXT:.context,NAME:.metadata.name", query.FORMATS)
    printer = DocumentPrinter(fmt, True, False, False, False, None, out=out)
    printer.changes(
        [SimpleNamespace(type="ADDED", context=c, payload={"metadata": {"name": "web"}}) for c in ("kpy-a", "kpy-b")]
    )
    assert [line.split() for line in out.getvalue().splitlines()] == [
        ["CONTEXT", "NAME"],
        ["kpy-a", "web"],
        ["kpy-b", "web"],
    ]
