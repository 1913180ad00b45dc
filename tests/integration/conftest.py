"""Tests under tests/integration run against the real control plane (fixtures in tests/conftest.py); they
are all marked `integration`, so `pytest -m "not integration"` skips the cluster start-up."""
import pathlib

import pytest

HERE = pathlib.Path(__file__).parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.integration)
