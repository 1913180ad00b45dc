"""Every flag of every plugin, declared once, and the one reading of a plugin's command line.

A flag is one entry of ``FLAGS``: its names, whether it takes a value, which plugins have it, whether it
changes the connection, its help and how its values complete. Everything else is derived from here: the
typer options (``flags.option``), the connection flags every command gets (``options.connection_flags``),
shell completion (``complete.py``), kubectl's spellings (:func:`read`) and the early connection's plan
(``launch.py``). tests/unit/test_flag_table.py fails if a plugin declares a flag that is not here.

Imported before typer on every command and every TAB: no imports, plain records.
"""

PLUGINS = ("py-nodeports", "py-describe", "py-query", "py-diff", "py-explore", "py-triage")
EVERY = "*"  # every plugin, without declaring it: options.connection_flags adds these (--help is click's own)
# how a plugin's command line begins (else ``kubectl PLUGIN``): the hint given when a flag is asked of a
# plugin that lacks it says where it lives
COMMAND_LINES = {
    "py-describe": "kubectl py-describe TYPE",
    "py-query": "kubectl py-query TYPE",
    "py-diff": "kubectl py-diff TYPE",
    "py-explore": "kubectl py-explore TYPE",
}
# py-query's flags that work on describe documents too: asked of py-describe, the hint adds --describe
ON_DESCRIBE_DOCUMENTS = ("--group-by", "--sum", "--avg", "--min", "--max", "--sort-by", "--count", "--by", "--fields")
# click's (--help) and the runner's (--version): flags of every plugin that are no parameter of a command
_NO_PARAMETER = ("--help", "--version")
# the plugins that print tables (--no-headers; py-explore's --fields)
_WITH_TABLES = ("py-nodeports", "py-query", "py-diff", "py-explore", "py-triage")
_CONNECTION, _SELECTION, _OUTPUT = "Connection", "Selection", "Output"  # help panels

# completion of values, besides a tuple of fixed values
PATH = "path"  # the shell completes file names
CONTEXTS, CLUSTERS, USERS = "contexts", "clusters", "users"  # names from the kubeconfig
NAMESPACES = "namespaces"  # from the cluster
FORMATS = "formats"  # the plugin's -o formats

ADDRESS_TYPES = ("ExternalIP", "InternalIP", "Hostname", "InternalDNS", "ExternalDNS")  # = nodeports.ADDRESS_TYPES
COUNT_BY = ("context", "kind", "namespace")  # = cli.query.COUNT_BY


class Flag:
    """One flag. ``kind``: "bool", "str", "int" or "strs" (repeatable). ``changes_connection``: when given,
    the connection is not simply the kubeconfig context's (no early connection). ``override``: the
    kube.kubeconfig.Overrides field it sets. ``env``: the environment variable it sets for the command.
    ``help`` may be a {plugin: text} dict when plugins give the flag different meanings. ``needs``: the
    flags it goes with, for the hint given when another plugin is asked for it (``--group-by ...``)."""

    __slots__ = (
        "long",
        "short",
        "kind",
        "default",
        "plugins",
        "help",
        "panel",
        "changes_connection",
        "override",
        "values",
        "metavar",
        "show_default",
        "env",
        "param",
        "needs",
    )

    def __init__(
        self,
        long,
        short=None,
        kind="str",
        default=None,
        plugins=EVERY,
        help="",
        panel=None,
        changes_connection=False,
        override=None,
        values=None,
        metavar=None,
        show_default=True,
        env=None,
        param=None,
        needs="",
    ):
        self.long, self.short, self.kind, self.default, self.plugins = long, short, kind, default, plugins
        self.help, self.panel, self.changes_connection, self.override = help, panel, changes_connection, override
        self.values, self.metavar, self.show_default, self.env = values, metavar, show_default, env
        self.needs = needs
        self.param = param or long[2:].replace("-", "_")  # the command's parameter (connection flags)

    @property
    def takes_value(self) -> bool:
        return self.kind != "bool"

    def in_plugin(self, plugin: str) -> bool:
        return self.plugins == EVERY or plugin in self.plugins

    def help_for(self, plugin=None) -> str:
        return self.help[plugin] if isinstance(self.help, dict) else self.help


FLAGS = (
    # -- connection (k8s.io/cli-runtime genericclioptions.ConfigFlags), in --help's order ------------------
    Flag(
        "--kubeconfig",
        help="Path to the kubeconfig file to use for CLI requests.",
        panel=_CONNECTION,
        override="kubeconfig",
        values=PATH,
    ),
    Flag(
        "--context",
        kind="strs",
        help="The name of the kubeconfig context to use. Repeat it or give a "
        "comma-separated list to query several contexts at once; shell globs ('prod-*', '?', '[...]') select "
        "every matching context.",
        panel=_CONNECTION,
        values=CONTEXTS,
    ),
    Flag(
        "--all-contexts",
        kind="bool",
        default=False,
        help="Query every context of the merged kubeconfig.",
        panel=_CONNECTION,
        changes_connection=True,
    ),
    Flag(
        "--exclude-context",
        kind="strs",
        help="Leave out these contexts (names or shell globs; repeat it or give "
        "a comma-separated list) from --all-contexts, --context or the current context.",
        panel=_CONNECTION,
        changes_connection=True,
        values=CONTEXTS,
    ),
    Flag(
        "--parallel",
        kind="int",
        help="How many contexts to read at once (default: every selected context, up to {parallel}).",
        panel=_CONNECTION,
        show_default=False,
    ),
    Flag(
        "--cluster",
        help="The name of the kubeconfig cluster to use",
        panel=_CONNECTION,
        changes_connection=True,
        override="cluster",
        values=CLUSTERS,
    ),
    Flag(
        "--user",
        help="The name of the kubeconfig user to use",
        panel=_CONNECTION,
        changes_connection=True,
        override="user",
        values=USERS,
    ),
    Flag(
        "--server",
        "-s",
        help="The address and port of the Kubernetes API server",
        panel=_CONNECTION,
        changes_connection=True,
        override="server",
    ),
    Flag(
        "--token",
        help="Bearer token for authentication to the API server",
        panel=_CONNECTION,
        changes_connection=True,
        override="token",
    ),
    Flag(
        "--as",
        help="Username to impersonate for the operation. User could be a regular user or a service "
        "account in a namespace.",
        panel=_CONNECTION,
        changes_connection=True,
        override="impersonate",
        param="as_",
    ),
    Flag(
        "--as-group",
        kind="strs",
        help="Group to impersonate for the operation, this flag can be repeated to specify multiple groups.",
        panel=_CONNECTION,
        changes_connection=True,
        override="impersonate_groups",
    ),
    Flag(
        "--as-uid",
        help="UID to impersonate for the operation.",
        panel=_CONNECTION,
        changes_connection=True,
        override="impersonate_uid",
    ),
    Flag(
        "--certificate-authority",
        help="Path to a cert file for the certificate authority",
        panel=_CONNECTION,
        changes_connection=True,
        override="certificate_authority",
        values=PATH,
    ),
    Flag(
        "--client-certificate",
        help="Path to a client certificate file for TLS",
        panel=_CONNECTION,
        changes_connection=True,
        override="client_certificate",
        values=PATH,
    ),
    Flag(
        "--client-key",
        help="Path to a client key file for TLS",
        panel=_CONNECTION,
        changes_connection=True,
        override="client_key",
        values=PATH,
    ),
    Flag(
        "--insecure-skip-tls-verify",
        kind="bool",
        default=False,
        help="If true, the server's certificate will "
        "not be checked for validity. This will make your HTTPS connections insecure",
        panel=_CONNECTION,
        changes_connection=True,
        override="insecure_skip_tls_verify",
    ),
    Flag(
        "--tls-server-name",
        help="Server name to use for server certificate validation. If it is not provided, "
        "the hostname used to contact the server is used",
        panel=_CONNECTION,
        changes_connection=True,
        override="tls_server_name",
    ),
    Flag(
        "--disable-compression",
        kind="bool",
        default=False,
        help="If true, opt-out of response compression for all requests to the server",
        panel=_CONNECTION,
        override="disable_compression",
    ),
    Flag(
        "--request-timeout",
        default="0",
        help="The length of time to wait before giving up on a single server "
        "request (per context). Non-zero values should contain a corresponding time unit (e.g. 1s, 2m, 3h). A "
        "value of zero means don't timeout requests.",
        panel=_CONNECTION,
        changes_connection=True,
        override="request_timeout",
    ),
    Flag(
        "--namespace",
        "-n",
        help="If present, the namespace scope for this CLI request",
        panel=_SELECTION,
        override="namespace",
        values=NAMESPACES,
    ),
    Flag(
        "--chunk-size",
        kind="int",
        default=500,
        help="Return large lists in chunks rather than all at once. Pass 0 to disable.",
        panel=_SELECTION,
    ),
    Flag(
        "--filename",
        "-f",
        kind="strs",
        help="Answer offline from files instead of a server: 'kubectl get -o "
        "json|yaml' output, a 'kubectl cluster-info dump --output-directory' folder, or - for stdin.",
        panel=_SELECTION,
        changes_connection=True,
        values=PATH,
    ),
    Flag(
        "--cache-dir",
        help="Default cache directory (default: $KUBECTL_PY_CACHE_DIR, else ~/.cache/kubectl-py)",
        panel=_CONNECTION,
        values=PATH,
        env="KUBECTL_PY_CACHE_DIR",
    ),
    Flag(
        "--help", "-h", kind="bool", default=False, help="Show this message and exit.", changes_connection=True
    ),  # no connection at all
    Flag(
        "--version",
        kind="bool",
        default=False,
        help="Print the version, the Python that runs it and where it "
        "was installed from (the krew archive's zipapp, or pip), and exit.",
        changes_connection=True,
    ),
    # -- the plugins' own -----------------------------------------------------------------------------------
    Flag("--output", "-o", plugins=PLUGINS, help="Output format. One of: ({formats}).", panel=_OUTPUT, values=FORMATS),
    Flag(
        "--no-headers",
        kind="bool",
        default=False,
        plugins=_WITH_TABLES,
        help="When using the default or custom-column output format, don't print headers (default print headers).",
        panel=_OUTPUT,
    ),
    Flag(
        "--all-namespaces",
        "-A",
        kind="bool",
        default=False,
        plugins=PLUGINS,
        help="If present, list the "
        "requested object(s) across all namespaces. Namespace in current context is ignored even if specified "
        "with --namespace.",
        panel=_SELECTION,
    ),
    Flag(
        "--selector",
        "-l",
        plugins=PLUGINS,
        help="Selector (label query) to filter on, supports '=', '==', "
        "'!=', 'in', 'notin'.(e.g. -l key1=value1,key2=value2,key3 in (value3)).",
        panel=_SELECTION,
    ),
    Flag(
        "--field-selector",
        plugins=("py-query", "py-describe", "py-nodeports", "py-explore", "py-diff"),
        help="Selector "
        "(field query) to filter on, supports '=', '==', and '!='.(e.g. --field-selector key1=value1,key2=value2).",
        panel=_SELECTION,
    ),
    Flag(
        "--show-events",
        plugins=("py-describe", "py-query", "py-explore"),
        help="If true, display events related to the described object.",
        panel=_OUTPUT,
        metavar="true|false",
        values=("true", "false"),
    ),
    Flag(
        "--address-type",
        plugins=("py-nodeports",),
        help="Node address type for URLS: " + ", ".join(ADDRESS_TYPES) + ". Default: ExternalIP, else InternalIP.",
        values=ADDRESS_TYPES,
    ),
    Flag(
        "--all-nodes",
        kind="bool",
        default=False,
        plugins=("py-nodeports",),
        help="Also use nodes that are NotReady or cordoned for URLS.",
    ),
    Flag(
        "--sort-by",
        plugins=("py-query",),
        help="Sort every item of every context by this JSONPath (e.g. '{.metadata.name}').",
    ),
    Flag(
        "--count",
        kind="bool",
        default=False,
        plugins=("py-query",),
        help="Print how many objects match, per context and kind.",
    ),
    Flag(
        "--by",
        default="kind",
        plugins=("py-query",),
        help="With --count: group by context, kind or namespace, or a comma list of them (context,namespace).",
        values=COUNT_BY,
        needs="--count",
    ),
    Flag(
        "--group-by",
        kind="strs",
        plugins=("py-query",),
        help="Group items by a comma list of context, kind, "
        "namespace or JSONPath templates (e.g. context,'{.spec.nodeName}'); prints a count per group unless "
        "--sum/--avg/--min/--max is given (add --count to have both).",
        show_default=False,
    ),
    Flag(
        "--sum",
        kind="strs",
        plugins=("py-query",),
        help="Add up every value this JSONPath yields per item, per "
        "group: numbers, or quantities (250m, 1Gi) in base units. Repeatable.",
        show_default=False,
        needs="--group-by ...",
    ),
    Flag(
        "--avg",
        kind="strs",
        plugins=("py-query",),
        help="Average of the values this JSONPath yields, per group. Repeatable.",
        show_default=False,
        needs="--group-by ...",
    ),
    Flag(
        "--min",
        kind="strs",
        plugins=("py-query",),
        help="Smallest value this JSONPath yields, per group. Repeatable.",
        show_default=False,
        needs="--group-by ...",
    ),
    Flag(
        "--max",
        kind="strs",
        plugins=("py-query",),
        help="Largest value this JSONPath yields, per group. Repeatable.",
        show_default=False,
        needs="--group-by ...",
    ),
    Flag(
        "--describe",
        kind="bool",
        default=False,
        plugins=("py-query", "py-diff", "py-explore"),
        help={
            "py-query": "Replace each item by its py-describe document (describe-only data: endpoints, allocated "
            "resources, ...).",
            "py-explore": "Explore each item's py-describe document instead (describe-only data: endpoints, "
            "allocated resources, ...).",
            "py-diff": "Compare py-describe documents (describe-only data: endpoints, allocated resources, ...) "
            "instead of the objects.",
        },
    ),
    Flag(
        "--show-managed-fields",
        kind="bool",
        default=False,
        plugins=("py-query", "py-explore"),
        help="If true, keep the managedFields when printing objects in JSON, YAML or JSONPath format.",
    ),
    Flag(
        "--fields",
        kind="bool",
        default=False,
        plugins=("py-query", "py-explore"),
        help="List every path present "
        "in the objects instead (e.g. .spec.containers[*].image), per kind over every context: how many objects "
        "have it, the JSON types seen, one example (Secret values as their size). A table, or -o json|yaml|csv|"
        "tsv|markdown; with --describe, the paths of the describe documents.",
        panel=_OUTPUT,
    ),
    Flag(
        "--print-command",
        kind="bool",
        default=False,
        plugins=("py-explore",),
        help="On Enter, print the whole "
        "py-query command (shell-quoted, with this command's selection flags and -o jsonpath=TEMPLATE) instead of "
        "the template alone.",
        panel=_OUTPUT,
    ),
    Flag(
        "--schema",
        kind="bool",
        default=False,
        plugins=("py-describe",),
        help="Print the published JSON Schema "
        "of RESOURCE's documents (a kind as kubectl names it: deploy, deployments, Deployment) instead of "
        "describing objects; -o yaml for YAML.",
        panel=_OUTPUT,
    ),
    Flag(
        "--watch",
        "-w",
        kind="bool",
        default=False,
        plugins=("py-query", "py-triage"),
        help={
            "py-query": "After listing/getting the requested object, watch for changes.",
            "py-triage": "Read again every 2 seconds and redraw the report (in place on a terminal) until Ctrl-C.",
        },
        panel=_OUTPUT,
    ),
    Flag(
        "--watch-only",
        kind="bool",
        default=False,
        plugins=("py-query",),
        help="Watch for changes to the requested object(s), without listing/getting first.",
        panel=_OUTPUT,
    ),
    Flag(
        "--output-watch-events",
        kind="bool",
        default=False,
        plugins=("py-query",),
        help="When watching, output "
        "watch event objects (with the event type). Existing objects are output as initial ADDED events.",
        panel=_OUTPUT,
        needs="--watch",
    ),
    Flag(
        "--over",
        kind="int",
        default=90,
        plugins=("py-triage",),
        help="Report nodes whose pods request more "
        "than this percent of the node's allocatable CPU or memory (as kubectl describe node computes it).",
    ),
    Flag(
        "--since",
        plugins=("py-triage",),
        help="List only Warning events last seen within this duration (e.g. "
        "30m, 1h, 2h30m); the reasons of findings still use the newest event whatever its age.",
        show_default=False,
    ),
    Flag(
        "--include-status",
        kind="bool",
        default=False,
        plugins=("py-diff",),
        help="Compare .status too (but not its timestamps and observedGeneration).",
    ),
    Flag(
        "--ignore",
        kind="strs",
        plugins=("py-diff",),
        help="A path not to compare, with everything under it, "
        "e.g. '.metadata.labels', '.spec.template.spec.containers[*].image', \".metadata.annotations['example.com"
        "/x']\". Repeatable; added to the default noise list (see the README).",
    ),
    Flag(
        "--include-generated",
        kind="bool",
        default=False,
        plugins=("py-diff",),
        help="Compare what each "
        "cluster generates per object too: pod-template and controller-revision hashes, a pod's node, zone "
        "labels and kube-api-access-* token volume and mounts.",
    ),
    Flag(
        "--all",
        kind="bool",
        default=False,
        plugins=("py-diff",),
        help="With -f: compare every object found, not only those a file of manifests (or of one object) holds.",
    ),
)


def flag(name: str) -> Flag:
    """The entry named ``name`` (long or short)."""
    for entry in FLAGS:
        if name in (entry.long, entry.short):
            return entry
    raise KeyError(name)


def for_plugin(plugin: str) -> tuple:
    return tuple(f for f in FLAGS if f.in_plugin(plugin))


def connection_flags() -> tuple:
    """What options.connection_flags adds to every command: the flags of every plugin but --help and --version."""
    return tuple(f for f in FLAGS if f.plugins == EVERY and f.long not in _NO_PARAMETER)


def overrides(value, **given):
    """The kube.kubeconfig.Overrides of the flags: ``value(flag)`` is a flag's value as the command sees it
    (True/False, a string, a list, None when not given); ``given`` replaces fields (request_timeout)."""
    from ..kube.kubeconfig import Overrides

    fields = {}
    for entry in FLAGS:
        if entry.override and entry.override not in given:
            found = value(entry)
            if entry.kind == "bool":
                found = True if found else None  # False cannot undo a kubeconfig's true, as in kubectl
            elif entry.kind == "strs":
                found = tuple(found or ())
            fields[entry.override] = found
    return Overrides(**fields, **given)


# -- reading a command line as kubectl (pflag) reads it --------------------------------------------------------
_TRUE, _FALSE = ("1", "t", "T", "TRUE", "true", "True"), ("0", "f", "F", "FALSE", "false", "False")  # Go ParseBool


class CommandLine:
    """A plugin's command line, read once: ``values`` (long name -> the values given, "true"/"false" for
    booleans), ``positionals``, ``pending`` (a flag still waiting for its value: the last word), ``error``
    (kubectl's words for a bad boolean) and ``argv``, the same line in the spellings click reads."""

    __slots__ = ("plugin", "by_name", "values", "positionals", "pending", "error", "argv")

    def __init__(self, plugin: str):
        self.plugin = plugin
        self.by_name = {}
        for entry in for_plugin(plugin):
            self.by_name[entry.long] = entry
            if entry.short:
                self.by_name[entry.short] = entry
        self.values = {}
        self.positionals = []
        self.pending = None
        self.error = None
        self.argv = []

    def split(self, word: str):
        """(flag or None, inline value or None) for ``--flag``, ``--flag=v``, ``-n``, ``-nv``, ``-n=v``."""
        if word.startswith("--"):
            name, sep, value = word.partition("=")
            return self.by_name.get(name), (value if sep else None)
        entry = self.by_name.get(word[:2])
        if len(word) == 2 or entry is None:
            return entry, None
        rest = word[2:]
        return entry, rest[1:] if rest.startswith("=") else rest

    def last(self, name: str):
        found = self.values.get(name)
        return found[-1] if found else None

    def has(self, name: str) -> bool:
        return self.last(name) in _TRUE

    def typed(self, entry: Flag):
        """The value as the command sees it: True/False, the last string, or every string (repeatable)."""
        if entry.kind == "bool":
            return self.has(entry.long)
        if entry.kind == "strs":
            return self.values.get(entry.long)
        return self.last(entry.long)

    def plan(self):
        """For the early connection: (kubeconfig path or None, context name or None), or None when a flag
        changes how the connection is made, several contexts are asked for, or the line is wrong."""
        if self.error or self.pending:
            return None
        for name in self.values:
            entry = self.by_name[name]
            if entry.changes_connection and (entry.takes_value or self.has(name)):
                return None
        contexts = self.values.get("--context") or [None]
        if len(contexts) > 1 or (contexts[0] and any(c in contexts[0] for c in ",*?[")):
            return None
        return self.last("--kubeconfig"), contexts[0]

    def environment(self) -> dict:
        """The environment variables the flags given set (``env``)."""
        return {self.by_name[name].env: found[-1] for name, found in self.values.items() if self.by_name[name].env}

    def _given(self, entry: Flag, value: str, spelled: str) -> None:
        self.values.setdefault(entry.long, []).append(value)
        if entry.takes_value:
            self.argv += [spelled, value]
        elif value not in _TRUE and value not in _FALSE:
            self.error = self.error or (
                f'invalid argument "{value}" for "{_pflag_name(entry)}" flag: '
                f'strconv.ParseBool: parsing "{value}": invalid syntax'
            )


def _pflag_name(entry: Flag) -> str:
    return f"{entry.short}, {entry.long}" if entry.short else entry.long


def read(plugin: str, argv: list) -> CommandLine:
    """Read ``argv`` as kubectl does: ``--flag=value``, ``--flag value``, ``-o value``, ``-o=value``,
    ``-ovalue``, grouped booleans (``-Aw``), ``--flag=true|false`` and ``-A=false``; ``--`` ends the flags.
    Unknown flags are kept as they are (click names them). In ``argv`` each value follows its flag as a
    word of its own, and each boolean that is finally true comes first, once, by its long name."""
    line = CommandLine(plugin)
    args = list(argv)
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "--":
            line.positionals += args[i:]
            line.argv += [arg] + args[i:]
            break
        if not arg.startswith("-") or arg == "-":
            line.positionals.append(arg)
            line.argv.append(arg)
            continue
        if arg.startswith("--"):
            name, sep, value = arg.partition("=")
            entry = line.by_name.get(name)
            words = [(entry, name, value if sep else None)] if entry else None
        else:
            words = _short_group(line, arg)
        if words is None:
            line.argv.append(arg)  # unknown
            continue
        for entry, spelled, value in words:
            if value is None and entry.takes_value:
                if i == len(args):
                    line.pending = entry
                    line.argv.append(spelled)
                    break
                value = args[i]
                i += 1
            line._given(entry, "true" if value is None else value, spelled)
    booleans = [name for name in line.values if not line.by_name[name].takes_value and line.has(name)]
    line.argv = booleans + line.argv
    return line


def _short_group(line: CommandLine, arg: str):
    """[(flag, as spelled, inline value or None)] for ``-Aw``, ``-ojson``, ``-o=json``, ``-A=false``, or None
    when a letter is unknown (click then names it)."""
    words = []
    position = 1
    while position < len(arg):
        entry = line.by_name.get("-" + arg[position])
        if entry is None:
            return None
        following = arg[position + 1 :]
        if entry.takes_value or following.startswith("="):
            value = following[1:] if following.startswith("=") else following
            words.append((entry, entry.short, value if following else None))
            return words
        words.append((entry, entry.short, None))
        position += 1
    return words
