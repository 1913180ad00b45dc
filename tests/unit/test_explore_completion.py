"""py-explore's completion: where the cursor is in a template, and what the loaded items offer there."""

from collections import Counter

from kubectl_py import jsonpath
from kubectl_py.explore.completion import INDEX, KEY, VALUE, Source, candidates, find_spot, tree_lines
from kubectl_py.query.fields import FieldIndex

LABEL = "app.kubernetes.io/name"


def _items():
    items = []
    for i in range(12):
        phase = "Running" if i % 3 else "Pending"
        items.append(
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "context": "kpy-a" if i % 2 else "kpy-b",
                "metadata": {"name": f"web-{i}", "namespace": "shop", "labels": {LABEL: f"web{i % 2}"}},
                "spec": {
                    "containers": [{"name": "app", "image": f"nginx:1.{i % 4}"}, {"name": "sidecar", "image": "envoy"}][
                        : 1 + i % 2
                    ]
                },
                "status": {"phase": phase, "conditions": [{"type": "Ready", "status": str(i % 3 != 0)}]},
            }
        )
    items.append(
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "context": "kpy-a",
            "metadata": {"name": "db", "namespace": "shop"},
            "type": "Opaque",
            "data": {"password": "aHVudGVyMg=="},
        }
    )
    return items


def _document(items):
    return {
        "apiVersion": "v1",
        "kind": "List",
        "items": items,
        "metadata": {"resourceVersion": ""},
        "contexts": [
            {"context": "kpy-a", "status": "ok", "elapsedMs": 3},
            {"context": "kpy-b", "status": "ok", "elapsedMs": 4},
        ],
    }


def _source(items):
    document = _document(items)
    return Source(
        FieldIndex.build(items),
        True,
        len(items),
        FieldIndex.build([{k: v for k, v in document.items() if k != "items"}]),
    )


def _offered(template, source):
    return candidates(find_spot(template, len(template)), source)


def test_spots_say_what_is_being_typed():
    cases = [
        ("{.items[*].metadata.na", KEY, ".items[*].metadata", "na"),
        ("{.items[*].spec.containers[", INDEX, ".items[*].spec.containers", ""),
        ("{range .items[*]}{.status.ph", KEY, ".items[*].status", "ph"),
        ("{range .items[*]}{range .spec.containers[*]}{.im", KEY, ".items[*].spec.containers[*]", "im"),
        ("{range .items[*]}{range .spec.containers[*]}{end}{.sp", KEY, ".items[*]", "sp"),
        ("{.items[?(@.status.ph", KEY, ".items[*].status", "ph"),
        ('{.items[?(@.status.phase=="R', VALUE, ".items[*].status.phase", '"R'),
        ("{.items[*].metadata.labels.app\\.kub", KEY, ".items[*].metadata.labels", "app\\.kub"),
    ]
    for template, kind, path, partial in cases:
        spot = find_spot(template, len(template))
        assert (spot.kind, spot.path, spot.partial) == (kind, path, partial), template
        # the replaced text: ".partial", "[partial" or the value typed so far
        assert template[spot.start :] == {KEY: ".", INDEX: "[", VALUE: ""}[kind] + partial, template
    # outside an action, or in quoted text, nothing is completed
    assert find_spot("{.kind} text", len("{.kind} text")) is None
    assert find_spot('{"a', 3) is None
    # the cursor in the middle: only what is before it counts
    template = "{.items[*].metadata.name}"
    assert find_spot(template, template.index("name")).path == ".items[*].metadata"


def test_keys_are_those_the_items_have_with_counts():
    items = _items()
    source = _source(items)
    offered = _offered("{.items[*].", source)
    expected = Counter(key for item in items for key in item)
    assert {c.text for c in offered} == {"." + key for key in expected}
    for candidate in offered:
        assert candidate.meta.startswith(f"{expected[candidate.text[1:]]:,} ")
    # prefix matches come first, then substring matches
    names = [c.text for c in _offered("{.items[*].metadata.na", source)]
    assert names[0] == ".name" and ".namespace" in names


def test_a_list_offers_its_elements_keys_through_star():
    source = _source(_items())
    offered = _offered("{.items[*].spec.containers.", source)
    assert {c.text for c in offered} == {"[*].name", "[*].image"}


def test_brackets_offer_elements_and_filters_from_frequent_values():
    items = _items()
    source = _source(items)
    offered = [c.text for c in _offered("{.items[*].status.conditions[", source)]
    assert offered[:3] == ["[*]", "[0]", "[-1:]"]
    # the key kubectl filters usually test (.name, .type, .kind, .key), by its most frequent values
    types = Counter(c["type"] for item in items for c in item.get("status", {}).get("conditions", []))
    assert [text for text in offered if text.startswith("[?(")] == [
        f'[?(@.type=="{value}")]' for value, _count in types.most_common()
    ]
    kinds = Counter(item["kind"] for item in items)
    assert [c.text for c in _offered("{.items[", source) if c.text.startswith("[?(")] == [
        f'[?(@.kind=="{value}")]' for value, _count in kinds.most_common()
    ]
    for text in offered:  # every candidate makes a template kubectl's dialect reads
        jsonpath.render("{.items[*].status.conditions" + text + "}", _document(items))


def test_values_inside_a_filter_close_it():
    items = _items()
    source = _source(items)
    offered = _offered('{.items[?(@.status.phase=="', source)
    phases = Counter(item["status"]["phase"] for item in items if "status" in item)
    assert [c.text for c in offered] == [f'"{phase}")]' for phase, _ in phases.most_common()]
    template = '{.items[?(@.status.phase==' + offered[0].text + ".metadata.name}"
    names = [i["metadata"]["name"] for i in items if i.get("status", {}).get("phase") == phases.most_common()[0][0]]
    assert jsonpath.render(template, _document(items)) == " ".join(names)


def test_keys_with_dots_are_escaped_and_work_in_kubectl_templates():
    items = _items()
    source = _source(items)
    (label,) = _offered("{.items[*].metadata.labels.", source)
    assert label.text == "." + LABEL.replace(".", "\\.")
    template = "{.items[*].metadata.labels" + label.text + "}"
    assert jsonpath.render(template, _document(items)).split() == [
        i["metadata"]["labels"][LABEL] for i in items if "labels" in i["metadata"]
    ]


def test_the_list_root_offers_items_and_the_context_records():
    items = _items()
    source = _source(items)
    root = {c.text for c in _offered("{", source)}
    assert {".items", ".kind", ".apiVersion", ".contexts", "range .items[*]"} <= root
    assert {c.text for c in _offered("{.contexts[*].", source)} == {".context", ".status", ".elapsedMs"}
    assert "end" in {c.text for c in _offered("{range .items[*]}{", source)}


def test_secret_values_are_never_offered_nor_shown():
    items = _items()
    source = _source(items)
    secret_value = items[-1]["data"]["password"]
    everything = []
    for template in (
        "{.items[*].data.",
        '{.items[?(@.data.password=="',
        "{.items[*].data.password",
        "{.items[",
        "{.items[*].",
    ):
        everything += _offered(template, source)
    assert everything and not any(secret_value in c.text + c.meta + c.display for c in everything)
    lines = tree_lines(source, ".items[*]", depth=3)
    assert lines and not any(secret_value in str(line) for line in lines)


def test_the_tree_lists_fields_under_the_path_with_counts():
    items = _items()
    source = _source(items)
    lines = tree_lines(source, ".items[*].spec")
    assert lines[0][:3] == (0, ".containers[*]", len([i for i in items if "spec" in i]))
    element_keys = {key for level, key, *_ in lines if level == 1}
    assert element_keys == {".name", ".image"}


def test_the_printed_command_never_holds_a_token():
    from kubectl_py.cli.explore import command_line

    printed = command_line(
        ["pods", "-A", "--token", "s3cr3t-token", "--context", "prod-*"], "{.metadata.name}", "jsonpath"
    )
    assert "s3cr3t-token" not in printed and "--token" not in printed
    assert printed == "kubectl py-query pods -A --context 'prod-*' -o jsonpath='{.metadata.name}'"
