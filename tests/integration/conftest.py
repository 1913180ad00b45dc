"""Tests under tests/integration run against the real control plane (fixtures in tests/conftest.py); they
are all marked `integration`, so `pytest -m "not integration"` skips the cluster start-up."""

import pathlib

import pytest

HERE = pathlib.Path(__file__).parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.integration)


@pytest.fixture
def seeded(kubectl):
    """The seeded namespaces of kpy-a: whole-cluster (-A) answers are compared there only, as other tests
    create and delete objects elsewhere at any moment."""
    proc = kubectl(["get", "ns", "-l", "kpy.io/seeded=true", "-o", "name"], context="kpy-a")
    assert proc.returncode == 0, proc.stderr
    return {line.split("/", 1)[1] for line in proc.stdout.splitlines()}
