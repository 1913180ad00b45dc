"""The examples each plugin's ``--help`` ends with: the README's recipes, one list per plugin, kept here only.

Each example is (what it answers, the command line). tests/integration/test_first_hour.py runs every command
of every ``--help`` against two live clusters whose contexts are named as here (prod-eu, prod-us), so an
example cannot drift from what the plugin does. Plain strings: imported on ``--help`` only.
"""

QUERY = (
    ("How many pods and services each cluster has", "kubectl py-query pods,svc -A --context prod-eu,prod-us --count"),
    ("Counts per context and namespace", "kubectl py-query pods -A --all-contexts --count --by context,namespace"),
    (
        "kubectl's own templates over every context, oldest first; {.context} says where an item came from",
        "kubectl py-query pods -A --all-contexts --sort-by .metadata.creationTimestamp "
        r"""-o jsonpath='{range .items[*]}{.context}{"\t"}{.metadata.name}{"\n"}{end}'""",
    ),
    (
        "CPU and memory requested per node in each cluster (sums, averages, min and max live here)",
        "kubectl py-query pods -A --all-contexts --group-by context,node='{.spec.nodeName}' "
        "--sum cpu='{.spec.containers[*].resources.requests.cpu}' "
        "--sum memory='{.spec.containers[*].resources.requests.memory}'",
    ),
    (
        "Describe-only data in a template: how much of each node's CPU is requested",
        "kubectl py-query nodes --all-contexts --describe "
        r"""-o jsonpath='{range .items[*]}{.context}{"\t"}{.name}{"\t"}{.allocatedResources.cpu.requestsPercent}{"\n"}{end}'""",
    ),
    (
        "Your own columns as csv (tsv and markdown too; -o csv=wide for the wide table)",
        "kubectl py-query deploy -A -o csv=custom-columns=NAME:.metadata.name,READY:.status.readyReplicas",
    ),
    (
        "From a saved snapshot instead of a server",
        "kubectl get pods -A -o json > pods.json && kubectl py-query pods -A -f pods.json -o name",
    ),
)

DESCRIBE = (
    (
        "kubectl describe in two clusters at once (each object after a Context: line)",
        "kubectl py-describe svc kubernetes -n default --context prod-eu,prod-us",
    ),
    ("The same as data: every section kubectl computes (-o yaml too)", "kubectl py-describe nodes -o json"),
    (
        "One field of each document: how much of each node's CPU is requested",
        r"""kubectl py-describe nodes -o jsonpath='{range .items[*]}{.name}{"\t"}{.allocatedResources.cpu.requestsPercent}{"\n"}{end}'""",
    ),
    (
        "Objects chosen by a field selector (names, name prefixes and -l as in kubectl describe)",
        "kubectl py-describe pods -A --field-selector status.phase!=Running --show-events=false",
    ),
    (
        "Offline, from a cluster-info dump",
        "kubectl cluster-info dump --namespaces demo --output-directory dump && kubectl py-describe pods -n demo -f dump",
    ),
    (
        "Totals over describe documents are py-query's (--describe --group-by ... --sum ...)",
        "kubectl py-query nodes --all-contexts --describe --group-by context --sum '{.allocatedResources.cpu.requests}'",
    ),
)

NODEPORTS = (
    ("Every Service reachable on a node port, in every namespace, with the URLs to use", "kubectl py-nodeports"),
    ("The same in every context", "kubectl py-nodeports --all-contexts"),
    ("Target ports, selectors, traffic policy and ready endpoints", "kubectl py-nodeports -n demo -o wide"),
    (
        "Cordoned and NotReady nodes too, by their internal addresses",
        "kubectl py-nodeports --all-nodes --address-type InternalIP",
    ),
    (
        "One URL per Service, for scripts",
        r"""kubectl py-nodeports --all-contexts -o jsonpath='{range .items[*]}{.context}{"\t"}{.name}{"\t"}{.urls[0]}{"\n"}{end}'""",
    ),
    (
        "The wide table as csv, from a snapshot",
        "kubectl get svc,nodes -A -o json > snapshot.json && kubectl py-nodeports -f snapshot.json -o csv=wide",
    ),
)

DIFF = (
    (
        "Is it the same in both clusters? One row per differing field, one column per context",
        "kubectl py-diff deploy,cm,secret -n default --context prod-eu,prod-us",
    ),
    ("Every Deployment of every context, as csv", "kubectl py-diff deploy -A --all-contexts -o csv"),
    (
        "A live namespace against a snapshot saved earlier",
        "kubectl get deploy,cm -n default -o json > snapshot.json && kubectl py-diff deploy,cm -n default -f snapshot.json",
    ),
    (
        "Leave fields out of the comparison",
        "kubectl py-diff deploy -A --all-contexts --ignore '.spec.template.spec.containers[*].image'",
    ),
    (
        "Describe-only facts (allocated resources, endpoints) compared too",
        "kubectl py-diff svc -n default --describe --context prod-eu,prod-us",
    ),
    (
        "Only the paths that differ, for scripts",
        "kubectl py-diff deploy -A --all-contexts "
        r"""-o jsonpath='{range .items[*].differences[*]}{.path}{"\n"}{end}'""",
    ),
)

BY_PLUGIN = {"py-query": QUERY, "py-describe": DESCRIBE, "py-nodeports": NODEPORTS, "py-diff": DIFF}


def epilog(plugin: str) -> str | None:
    """The Examples section of ``plugin``'s --help (None for a plugin without examples). Each example is
    its own ``\\b`` paragraph, which click prints as it is, unwrapped."""
    examples = BY_PLUGIN.get(plugin)
    if not examples:
        return None
    return "Examples:\n\n" + "\n\n".join(f"\b\n# {what}\n{command}" for what, command in examples)
