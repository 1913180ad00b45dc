"""kubectl's tabwriter rules (Go text/tabwriter, minwidth 0, tabwidth 8, padding 2, spaces, no flags).

The expected strings were produced once by Go's text/tabwriter with those settings, fed the same
writes (``("w", text)``) and flushes (``("flush", None)``); Go itself is not needed to run these tests.
"""

from __future__ import annotations

import pytest

from kubectl_py.describe.text import common, layout

CASES = [
    ([('w', 'Name:\tfoo\n'), ('w', 'Namespace:\tdefault\n'), ('w', 'Labels:\tapp=web\n'), ('w', '\ttier=front\n'), ('w', 'Annotations:\t<none>\n'), ('w', 'Status:\t\n')],
     'Name:         foo\nNamespace:    default\nLabels:       app=web\n              tier=front\nAnnotations:  <none>\nStatus:       \n'),
    ([('w', 'Name:\tx\n'), ('w', 'Containers:\n'), ('w', '  nginx:\n'), ('w', '    Image:\tnginx\n'), ('w', '    Port:\t80/TCP\n'), ('w', 'Events:\t<none>\n')],
     'Name:  x\nContainers:\n  nginx:\n    Image:  nginx\n    Port:   80/TCP\nEvents:     <none>\n'),
    ([('w', 'Name:\tsvc\n'), ('w', 'Port:\thttp\t80/TCP\n'), ('w', 'TargetPort:\t8080/TCP\n'), ('w', 'NodePort:\thttp\t30080/TCP\n'), ('w', 'Endpoints:\t10.0.0.1:8080\n')],
     'Name:        svc\nPort:        http  80/TCP\nTargetPort:  8080/TCP\nNodePort:    http  30080/TCP\nEndpoints:   10.0.0.1:8080\n'),
    ([('w', 'Name:\ta\n'), ('flush', None), ('w', 'Events:\n  Type\tReason\tAge\tFrom\tMessage\n'), ('w', '  ----\t------\t----\t----\t-------\n'), ('w', '  Normal\tScheduled\t5m\tdefault-scheduler\tSuccessfully assigned x\n'), ('w', '  Warning\tBackOff\t3m2s (x4 over 10m)\tkubelet\tBack-off\n')],
     'Name:  a\nEvents:\n  Type     Reason     Age                 From               Message\n  ----     ------     ----                ----               -------\n  Normal   Scheduled  5m                  default-scheduler  Successfully assigned x\n  Warning  BackOff    3m2s (x4 over 10m)  kubelet            Back-off\n'),
    ([('w', 'Non-terminated Pods:\t(2 in total)\n'), ('w', '  Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n'), ('w', '  ---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n'), ('w', '  kube-system\tcoredns\t\t100m (5%)\t0 (0%)\t70Mi (1%)\t170Mi (4%)\t10d\n'), ('w', 'Allocated resources:\n')],
     'Non-terminated Pods:  (2 in total)\n  Namespace           Name       CPU Requests  CPU Limits  Memory Requests  Memory Limits  Age\n  ---------           ----       ------------  ----------  ---------------  -------------  ---\n  kube-system         coredns    100m (5%)     0 (0%)      70Mi (1%)        170Mi (4%)     10d\nAllocated resources:\n'),
    ([('w', 'a\tb\tc\n'), ('w', 'aaaa\tb\n'), ('w', 'a\tbbbbbbb\tc\n'), ('w', 'x\n'), ('w', 'q\tr\n')],
     'a     b  c\naaaa  b\na     bbbbbbb  c\nx\nq  r\n'),
    ([('w', 'Conditions:\n  Type\tStatus\n'), ('w', '  Ready \tTrue \n'), ('w', '  PodScheduled \tTrue \n')],
     'Conditions:\n  Type           Status\n  Ready          True \n  PodScheduled   True \n'),
    ([('w', 'héllo\twörld\tz\n'), ('w', 'h\tw\n')],
     'héllo  wörld  z\nh      w\n'),
    ([('w', 'partial\tline')],
     'partial  line'),
    ([('w', 'a\t\t\tb\n'), ('w', '\t\tc\n')],
     'a      b\n     c\n'),
]


@pytest.mark.parametrize("ops,expected", CASES)
def test_matches_go_tabwriter(ops, expected):
    w = layout.Writer()
    for op, text in ops:
        if op == "w":
            w.write(0, text)
        else:
            w.flush()
    assert w.text() == expected


def test_line_adds_two_spaces_per_level():
    w = layout.Writer()
    w.line(0, "Containers:")
    w.line(1, "nginx:")
    w.line(2, "Image:\tnginx")
    w.line(2, "Ready:\tTrue")
    assert w.text() == "Containers:\n  nginx:\n    Image:  nginx\n    Ready:  True\n"


def test_escapes_terminal_control_characters():
    w = layout.Writer()
    w.line(0, "Message:\tbad\x1b[31mred\rback")
    assert w.text() == "Message:  bad^[[31mred\\rback\n"


def test_text_flushes_and_can_be_called_twice():
    w = layout.Writer()
    w.line(0, "A:\tb")
    assert w.text() == "A:  b\n"
    assert w.text() == "A:  b\n"


def test_events_none_is_aligned_with_block_above():
    w = layout.Writer()
    w.line(0, "Session Affinity:\tNone")
    common.write_events(w, [], 0)
    assert w.text() == "Session Affinity:  None\nEvents:            <none>\n"


def test_events_table_flushes_first():
    events = [
        {"type": "Normal", "reason": "Pulled", "from": "kubelet", "message": " done ",
         "firstTimestamp": "2024-01-01T00:09:00Z", "lastTimestamp": "2024-01-01T00:09:00Z", "count": 1},
        {"type": "Warning", "reason": "BackOff", "from": "kubelet", "message": "Back-off",
         "firstTimestamp": "2024-01-01T00:00:00Z", "lastTimestamp": "2024-01-01T00:07:00Z", "count": 4,
         "fieldPath": "spec.containers{app}"},
    ]
    w = layout.Writer()
    w.line(0, "Very long label here:\tx")
    common.write_events(w, events, "2024-01-01T00:10:02Z")
    assert w.text() == (
        "Very long label here:  x\n"
        "Events:\n"
        "  Type     Reason   Age                 From     Message\n"
        "  ----     ------   ----                ----     -------\n"
        "  Warning  BackOff  3m2s (x4 over 10m)  kubelet  spec.containers{app}: Back-off\n"
        "  Normal   Pulled   62s                 kubelet  done\n"
    )


# sort.Sort (pdqsort, not stable) over (key, id) pairs by key, as Go 1.26 orders them: kubectl sorts
# events this way, so equal lastTimestamps come out in this order
GO_SORT_CASES = [
    ([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
     [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]),
    ([0, 1, 1, 0, 2, 0, 2, 2, 1, 1, 2, 1, 2, 1, 2, 1, 0, 0, 1, 1],
     [5, 17, 16, 3, 0, 15, 2, 19, 8, 9, 18, 11, 1, 13, 12, 4, 14, 6, 10, 7]),
    ([1, 0, 4, 9, 7, 4, 6, 5, 0, 7, 5, 2, 9, 1, 7, 0, 3, 4, 2, 3],
     [1, 15, 8, 0, 13, 11, 18, 19, 16, 5, 17, 2, 10, 7, 6, 9, 14, 4, 12, 3]),
    ([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
     [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32]),
    ([1, 2, 2, 1, 1, 1, 1, 0, 1, 2, 1, 0, 0, 0, 0, 1, 0, 0, 1, 2, 0, 0, 0, 2, 0, 2, 0, 1, 2, 0, 0, 0, 2],
     [24, 13, 31, 22, 21, 20, 29, 7, 16, 17, 30, 11, 12, 26, 14, 15, 10, 18, 8, 6, 5, 4, 3, 27, 0, 9, 25, 23, 28, 19, 1, 2, 32]),
    ([6, 2, 4, 5, 9, 5, 7, 1, 1, 7, 7, 7, 7, 4, 1, 2, 1, 5, 4, 7, 2, 8, 0, 3, 8, 5, 2, 8, 0, 8, 4, 1, 4],
     [22, 28, 16, 7, 14, 8, 31, 1, 26, 20, 15, 23, 32, 13, 2, 18, 30, 5, 3, 25, 17, 0, 10, 19, 12, 11, 9, 6, 21, 24, 27, 29, 4]),
    ([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
     [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59]),
    ([0, 2, 2, 0, 2, 2, 0, 1, 0, 0, 0, 1, 0, 1, 2, 0, 2, 1, 1, 2, 1, 0, 0, 2, 1, 1, 2, 2, 2, 1, 2, 0, 2, 0, 2, 2, 0, 1, 0, 2, 0, 0, 0, 0, 1, 2, 2, 0, 2, 0, 1, 2, 2, 2, 2, 1, 0, 2, 0, 0],
     [43, 59, 58, 3, 56, 38, 6, 33, 8, 9, 10, 40, 12, 31, 0, 15, 41, 36, 42, 49, 47, 21, 22, 55, 24, 25, 44, 50, 17, 18, 20, 13, 11, 7, 29, 37, 14, 35, 34, 39, 32, 30, 28, 27, 26, 45, 46, 23, 48, 19, 16, 51, 52, 53, 54, 5, 4, 57, 2, 1]),
    ([3, 4, 0, 1, 8, 7, 8, 0, 1, 7, 5, 9, 8, 9, 8, 3, 4, 7, 8, 8, 7, 8, 3, 8, 4, 8, 3, 7, 2, 6, 1, 6, 7, 5, 1, 3, 6, 1, 3, 4, 1, 2, 5, 2, 4, 2, 7, 3, 1, 6, 7, 2, 3, 2, 6, 8, 6, 5, 6, 3],
     [2, 7, 48, 30, 3, 34, 37, 40, 8, 51, 53, 45, 28, 43, 41, 26, 47, 38, 52, 35, 15, 59, 22, 0, 44, 24, 1, 16, 39, 33, 57, 10, 42, 49, 31, 58, 36, 56, 54, 29, 46, 9, 27, 17, 5, 50, 20, 32, 4, 25, 6, 12, 14, 55, 18, 23, 19, 21, 11, 13]),
    ([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
     [75, 92, 99, 98, 97, 96, 95, 94, 93, 50, 91, 90, 89, 88, 87, 86, 85, 84, 83, 82, 81, 80, 79, 78, 77, 76, 74, 73, 72, 71, 70, 69, 68, 67, 66, 65, 64, 63, 62, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 25, 0, 36, 47, 46, 45, 44, 43, 42, 41, 40, 39, 38, 37, 48, 35, 34, 33, 32, 31, 30, 29, 28, 27, 26, 19, 1, 24, 23, 22, 21, 20, 49, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2]),
]


@pytest.mark.parametrize("keys,expected", GO_SORT_CASES)
def test_go_sort_matches_go(keys, expected):
    got = common.go_sort([(k, i) for i, k in enumerate(keys)], lambda a, b: a[0] < b[0])
    assert [i for _, i in got] == expected


def test_events_with_equal_times_sort_like_go():
    keys, expected = GO_SORT_CASES[-1]
    events = [{"type": "Normal", "reason": f"R{i}", "message": "", "from": "x", "count": 1,
               "lastTimestamp": f"2024-01-01T00:00:0{k}Z", "firstTimestamp": f"2024-01-01T00:00:0{k}Z"}
              for i, k in enumerate(keys)]
    assert [e["reason"] for e in common.sort_events(events)] == [f"R{i}" for i in expected]
