"""prompt_toolkit is py-explore's alone: the other plugins, and py-explore's --help, never import it."""

import subprocess
import sys

PLUGIN_MODULES = ("nodeports", "describe", "query", "diff", "explore")


def test_no_plugin_imports_prompt_toolkit_at_start_up():
    for module in PLUGIN_MODULES:
        code = (
            f"import sys, kubectl_py.cli.{module}, kubectl_py.query.fields, kubectl_py.explore.completion, "
            "kubectl_py.explore.evaluation; "
            "print(sorted(m for m in sys.modules if m.startswith('prompt_toolkit')))"
        )
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.strip() == "[]", module


def test_the_ui_module_is_where_prompt_toolkit_comes_in():
    code = "import sys, kubectl_py.explore.app; print('prompt_toolkit' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "True"
