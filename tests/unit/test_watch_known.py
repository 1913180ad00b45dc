"""The reflector's bookkeeping of py-query -w (kubectl_py/watch.py Known) and the growing-width table lines
(kubectl_py/printers/watch.py Tabs): pure functions, no server."""

import io

from kubectl_py.printers.watch import Tabs
from kubectl_py.query.watch import Known


def meta(uid, version, name=None):
    return {"uid": uid, "resourceVersion": version, "name": name or uid, "namespace": "ns"}


def test_relist_after_expiry_prints_only_the_differences():
    known = Known()
    assert known.replace([(meta("a", "1"), "a1"), (meta("b", "1"), "b1")]) == [("ADDED", "a1"), ("ADDED", "b1")]
    assert known.event("MODIFIED", meta("a", "2"), "a2")
    # while the watch was gone: b deleted, a unchanged, c created, and a re-created under the same name
    changes = known.replace([(meta("a", "2"), "a2"), (meta("c", "5"), "c5"), (meta("a2", "6", "a"), "a6")])
    assert changes == [("DELETED", "b1"), ("ADDED", "c5"), ("ADDED", "a6")]
    assert known.replace([(meta("a", "2"), "a2"), (meta("c", "5"), "c5"), (meta("a2", "6", "a"), "a6")]) == []
    assert known.replace([(meta("a", "7"), "a7")]) == [("DELETED", "c5"), ("DELETED", "a6"), ("MODIFIED", "a7")]


def test_an_event_already_printed_is_not_printed_again():
    known = Known()
    known.replace([(meta("a", "1"), "a1")])
    assert not known.event("MODIFIED", meta("a", "1"), "a1")
    assert not known.event("ADDED", meta("a", "1"), "a1")
    assert known.event("MODIFIED", meta("a", "3"), "a3")
    assert known.event("DELETED", meta("a", "4"), "a3")
    assert known.replace([]) == []


def test_columns_only_grow_as_kubectl_tabwriter_remembers_widths():
    out = io.StringIO()
    tabs = Tabs(out)
    tabs.block([["NAME", "DATA", "AGE"], ["kube-root-ca.crt", "1", "0s"]])
    tabs.block([["averyveryverylongname-config", "1", "0s"]])
    tabs.block([["x", "2", "0s"]])
    # the v1.37.2 kubectl's `get cm -w` printed these lines for the same cells
    assert out.getvalue().splitlines() == [
        "NAME               DATA   AGE",
        "kube-root-ca.crt   1      0s",
        "averyveryverylongname-config   1      0s",
        "x                              2      0s",
    ]
