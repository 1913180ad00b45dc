"""Which contexts a command reads: --context (names, comma lists, shell globs), --all-contexts, --exclude-context,
and the current context; plus --parallel's bound and ordering in the fan-out. Kubeconfigs are built here as
dicts and merged by kubeconfig.merge, as a loaded file is."""

import threading
import time

import pytest

from kubectl_py.cli import options
from kubectl_py.errors import ConfigError, UsageError
from kubectl_py.kube import kubeconfig
from kubectl_py.kube.fanout import run_per_context

# kubeconfig order on purpose not sorted: selection must follow it
NAMES = ["prod-b", "staging-a", "prod-a", "prod-[1]", "prod-1", "Prod-c", "dev"]


def fleet(names=NAMES, current="dev"):
    doc = {
        "clusters": [{"name": "c", "cluster": {"server": "https://127.0.0.1:1"}}],
        "users": [{"name": "u", "user": {"token": "t"}}],
        "contexts": [{"name": n, "context": {"cluster": "c", "user": "u"}} for n in names],
        "current-context": current,
    }
    return kubeconfig.merge([("/nowhere/config", doc)])


def select(requested=(), all_contexts=False, excluded=(), config=None):
    return kubeconfig.select_contexts(config or fleet(), list(requested), all_contexts, list(excluded))


def test_plain_names_keep_the_order_given_and_are_deduplicated():
    assert select(["staging-a,prod-b", "staging-a", " dev "]) == ["staging-a", "prod-b", "dev"]


def test_a_glob_selects_the_matching_contexts_in_kubeconfig_order():
    assert select(["prod-*"]) == ["prod-b", "prod-a", "prod-[1]", "prod-1"]
    assert select(["prod-?"]) == ["prod-b", "prod-a", "prod-1"]
    assert select(["prod-[ab]"]) == ["prod-b", "prod-a"]
    assert select(["prod-[!a]"]) == ["prod-b", "prod-1"]
    assert select(["*-a"]) == ["staging-a", "prod-a"]


def test_globs_are_case_sensitive():
    assert select(["Prod-*"]) == ["Prod-c"]
    assert "Prod-c" not in select(["prod-*"])


def test_an_exact_name_wins_over_its_glob_reading():
    # "prod-[1]" is a context's own name; read as a glob it would be "prod-1"
    assert select(["prod-[1]"]) == ["prod-[1]"]


def test_names_and_globs_mix_in_order_without_duplicates():
    assert select(["prod-a,prod-*", "dev,*-a"]) == ["prod-a", "prod-b", "prod-[1]", "prod-1", "dev", "staging-a"]


def test_unknown_name_and_unmatched_glob_are_kubectl_style_errors():
    with pytest.raises(ConfigError) as info:
        select(["prod-a,nope"])
    assert info.value.user_message() == 'error: context "nope" does not exist'
    with pytest.raises(ConfigError) as info:
        select(["qa-*"])
    assert info.value.user_message() == 'error: no context matches "qa-*"'


def test_current_context_by_default():
    assert select() == ["dev"]
    assert select(config=fleet(current="")) == [""]  # --server alone still works
    with pytest.raises(ConfigError, match='context "gone" does not exist'):
        select(config=fleet(current="gone"))


def test_exclusion_narrows_all_contexts():
    assert select(all_contexts=True, excluded=["staging-*,dev", "Prod-c"]) == ["prod-b", "prod-a", "prod-[1]", "prod-1"]


def test_exclusion_narrows_a_context_selection():
    assert select(["prod-*"], excluded=["prod-?"]) == ["prod-[1]"]
    # an exact name is excluded as a name: "prod-[1]" does not also drop "prod-1"
    assert select(["prod-*"], excluded=["prod-[1]"]) == ["prod-b", "prod-a", "prod-1"]


def test_excluding_what_is_not_selected_or_does_not_exist_is_harmless():
    assert select(["prod-a"], excluded=["staging-a", "qa-*", "nope"]) == ["prod-a"]


def test_exclusion_alone_narrows_the_current_context():
    assert select(excluded=["prod-*"]) == ["dev"]
    with pytest.raises(ConfigError) as info:
        select(excluded=["d*"])
    assert info.value.user_message() == 'error: --exclude-context "d*" excludes every selected context'


def test_excluding_everything_is_an_error():
    with pytest.raises(ConfigError, match="excludes every selected context"):
        select(all_contexts=True, excluded=["*"])
    with pytest.raises(ConfigError, match='"prod-\\*,staging-a" excludes every selected context'):
        select(["prod-a,staging-a"], excluded=["prod-*", "staging-a"])


# -- flags -------------------------------------------------------------------------------------------------------
def connection(**given):
    values = {name: default for name, _, default in options._CONNECTION_PARAMS}
    values.update(given)
    return options._connection_from(values)


def test_flag_values_reach_the_options():
    opts = connection(context=["prod-*"], exclude_context=["prod-1", "dev"], parallel=3, disable_compression=True)
    assert (opts.contexts, opts.exclude_contexts, opts.parallel) == (("prod-*",), ("prod-1", "dev"), 3)
    assert opts.overrides.disable_compression is True
    defaults = connection()
    assert (defaults.exclude_contexts, defaults.parallel, defaults.overrides.disable_compression) == ((), None, None)


@pytest.mark.parametrize("value", [0, -1])
def test_parallel_must_be_positive(value):
    with pytest.raises(UsageError, match="--parallel must be 1 or greater"):
        connection(parallel=value)


def test_disable_compression_from_flag_or_kubeconfig():
    config = fleet()
    assert kubeconfig.connection_for(config, "dev").disable_compression is False
    flagged = kubeconfig.Overrides(disable_compression=True)
    assert kubeconfig.connection_for(config, "dev", flagged).disable_compression is True
    config.clusters["c"]["disable-compression"] = True
    # as in kubectl, --disable-compression=false does not undo the kubeconfig's true
    assert kubeconfig.connection_for(config, "dev", kubeconfig.Overrides()).disable_compression is True


# -- fan-out -----------------------------------------------------------------------------------------------------
class Source:
    """Enough of kube/source.py's Source for the fan-out: a name, and close() once its work is done."""

    def __init__(self, name, delay):
        self.name, self.delay = name, delay

    def close(self):
        pass


def test_parallel_bounds_concurrency_and_results_keep_the_sources_order():
    sources = [Source(f"c{i}", 0.05 * (6 - i)) for i in range(6)]  # the first ones finish last
    for parallel, expected_peak in ((1, 1), (2, 2), (None, 6)):
        lock, running, peak = threading.Lock(), [0], [0]

        def work(source):
            with lock:
                running[0] += 1
                peak[0] = max(peak[0], running[0])
            time.sleep(source.delay)
            with lock:
                running[0] -= 1
            return source.name

        results = run_per_context(sources, work, parallel)
        assert [r.context for r in results] == [r.value for r in results] == [s.name for s in sources]
        assert peak[0] == expected_peak
