"""-o csv, tsv and markdown print every table of every plugin: read back with independent readers (Python's csv
module, a pipe-table reader), they give the same rows as the default table printed by the same command."""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.integration.harness import kubectl_plugin

# AGE moves on between two runs: it is left out of the comparison
MOVING = {"AGE"}


def plain_blocks(text: str) -> list:
    """kubectl's table(s) as rows of cells: columns start where their header starts (left-aligned);
    several tables (one per type) are separated by an empty line."""
    blocks = []
    for block in text.strip("\n").split("\n\n"):
        lines = block.splitlines()
        starts = [m.start() for m in re.finditer(r"(?:^|(?<=   ))\S", lines[0])]
        bounds = list(zip(starts, starts[1:] + [None]))
        blocks.append([[line[a:b].strip() for a, b in bounds] for line in lines])
    return [_without_moving(rows) for rows in blocks]


def delimited_blocks(text: str, delimiter: str, headers: bool = True) -> list:
    return [
        _without_moving(list(csv.reader(io.StringIO(block + "\n", newline=""), delimiter=delimiter)), headers)
        for block in text.strip("\n").split("\n\n")
    ]


def markdown_blocks(text: str, headers: bool = True) -> list:
    blocks = []
    for block in text.strip("\n").split("\n\n"):
        lines = block.splitlines()
        if headers:
            assert re.fullmatch(r"\|(---\|)+", lines[1]), lines[1]
            lines = lines[:1] + lines[2:]
        rows = []
        for line in lines:
            assert line.startswith("| ") and line.endswith(" |"), line
            cells = re.split(r"(?<!\\) \| ", line[2:-2] + " ")  # a cell ends at an unescaped pipe
            cells[-1] = cells[-1][:-1]
            rows.append([re.sub(r"\\(.)", r"\1", c).replace("<br>", "\n") for c in cells])
        blocks.append(_without_moving(rows, headers))
    return blocks


def _without_moving(rows: list, headers: bool = True) -> list:
    if not headers:
        return rows
    keep = [i for i, title in enumerate(rows[0]) if title not in MOVING]
    return [[row[i] for i in keep] for row in rows]


READERS = {
    "csv": lambda text, headers=True: delimited_blocks(text, ",", headers),
    "tsv": lambda text, headers=True: delimited_blocks(text, "\t", headers),
    "markdown": markdown_blocks,
}

TABLES = {
    "server tables, two types": ("py-query", "pods,svc", "-n", "demo"),
    # (-A would see other tests' objects come and go between two runs)
    "server table, two contexts": ("py-query", "svc,cm", "-n", "default", "--context", "kpy-a,kpy-b"),
    "count table": ("py-query", "pods,svc,deploy", "-n", "demo", "--context", "kpy-a,kpy-b", "--count"),
    "group table": (
        "py-query",
        "pods",
        "-n",
        "demo",
        "--group-by",
        "{.spec.nodeName},{.status.phase}",
        "--count",
        "--sum",
        "{.spec.containers[*].resources.requests.cpu}",
    ),
    "nodeports": ("py-nodeports", "--context", "kpy-a,kpy-b"),
}


def run_ok(cluster, *args):
    run = kubectl_plugin(cluster, *args)
    assert run.code == 0, run.err
    assert run.out, "an empty table proves nothing"
    return run.out


@pytest.mark.parametrize("style", sorted(READERS))
@pytest.mark.parametrize("table", list(TABLES))
def test_formats_read_back_to_the_table(cluster, table, style):
    args = TABLES[table]
    table_text = run_ok(cluster, *args)
    expected = plain_blocks(table_text)
    assert sum(len(rows) - 1 for rows in expected) > 0
    assert READERS[style](run_ok(cluster, *args, "-o", style)) == expected
    if not any(title in MOVING for title in table_text.split()):
        # --no-headers: the same rows without their titles
        bare = READERS[style](run_ok(cluster, *args, "-o", style, "--no-headers"), headers=False)
        assert bare == [rows[1:] for rows in expected]


def test_csv_quotes_cells_with_commas(cluster, kubectl):
    # a Service with several ports prints PORT(S) as "80/TCP,443/TCP"
    text = run_ok(cluster, "py-query", "svc", "api", "-n", "demo", "-o", "csv")
    ports = kubectl(["get", "svc", "api", "-n", "demo", "-o", "jsonpath={.spec.ports[*].port}"]).stdout.split()
    assert len(ports) > 1
    assert re.search(r',"' + re.escape(",".join(f"{p}/TCP" for p in ports)) + '",', text), text


def test_formats_are_refused_where_they_mean_nothing(cluster):
    run = kubectl_plugin(cluster, "py-describe", "svc", "-n", "demo", "-o", "csv")
    assert run.code == 1 and run.err.startswith("error: unable to match a printer") and "Traceback" not in run.err
