"""Client-side selectors (offline dumps, describe batch joins). The integration tests compare them with
the server's answers on the same objects."""

import pytest

from kubectl_py.errors import UsageError
from kubectl_py.kube.selectors import filter_items, match_fields, match_labels


@pytest.mark.parametrize(
    "selector,labels,expected",
    [
        ("app=web", {"app": "web"}, True),
        ("app==web", {"app": "db"}, False),
        ("app!=web", {}, True),
        ("app in (web,db),tier", {"app": "db", "tier": "x"}, True),
        ("app notin (web)", {"app": "web"}, False),
        ("!legacy", {"legacy": "1"}, False),
        ("", {"a": "b"}, True),
    ],
)
def test_label_selectors(selector, labels, expected):
    assert match_labels(selector, labels) is expected


def test_bad_label_selector():
    with pytest.raises(UsageError):
        match_labels("app in web", {})


def test_field_selectors_on_nested_fields():
    pod = {"metadata": {"name": "p"}, "spec": {"nodeName": "n1"}, "status": {"phase": "Running"}}
    assert match_fields("spec.nodeName=n1,status.phase!=Succeeded", pod)
    assert not match_fields("spec.nodeName=n2", pod)
    assert match_fields("spec.missing=", pod)


def test_filter_items():
    items = [{"metadata": {"name": "a", "labels": {"x": "1"}}}, {"metadata": {"name": "b"}}]
    assert [i["metadata"]["name"] for i in filter_items(items, "x=1")] == ["a"]
    assert [i["metadata"]["name"] for i in filter_items(items, None, "metadata.name=b")] == ["b"]
