"""Every kubectl flag the plugins accept, declared once (names, short forms and help as kubectl's).

A plugin picks flags by naming them as parameters (``namespace: NamespaceOpt = None``) and never
re-declares one. Boolean flags also accept kubectl's ``--flag=true|false`` spelling (see runner).
"""

from __future__ import annotations

from typing import Annotated, List, Optional

import typer

from ..kube.fanout import DEFAULT_PARALLEL  # light: the thread pool is imported only when used

_CONN = "Connection"
_SCOPE = "Selection"
_OUT = "Output"

# --- connection (k8s.io/cli-runtime genericclioptions.ConfigFlags) -----------------------------------
KubeconfigOpt = Annotated[Optional[str], typer.Option(
    "--kubeconfig", help="Path to the kubeconfig file to use for CLI requests.", rich_help_panel=_CONN)]
ContextOpt = Annotated[Optional[List[str]], typer.Option(
    "--context", help="The name of the kubeconfig context to use. Repeat it or give a comma-separated "
    "list to query several contexts at once; shell globs ('prod-*', '?', '[...]') select every matching "
    "context.", rich_help_panel=_CONN)]
AllContextsOpt = Annotated[bool, typer.Option(
    "--all-contexts", help="Query every context of the merged kubeconfig.", rich_help_panel=_CONN)]
ExcludeContextOpt = Annotated[Optional[List[str]], typer.Option(
    "--exclude-context", help="Leave out these contexts (names or shell globs; repeat it or give a "
    "comma-separated list) from --all-contexts, --context or the current context.", rich_help_panel=_CONN)]
ParallelOpt = Annotated[Optional[int], typer.Option(
    "--parallel", help="How many contexts to read at once (default: every selected context, up to "
    f"{DEFAULT_PARALLEL}).", show_default=False, rich_help_panel=_CONN)]
ClusterOpt = Annotated[Optional[str], typer.Option(
    "--cluster", help="The name of the kubeconfig cluster to use", rich_help_panel=_CONN)]
UserOpt = Annotated[Optional[str], typer.Option(
    "--user", help="The name of the kubeconfig user to use", rich_help_panel=_CONN)]
ServerOpt = Annotated[Optional[str], typer.Option(
    "--server", "-s", help="The address and port of the Kubernetes API server", rich_help_panel=_CONN)]
TokenOpt = Annotated[Optional[str], typer.Option(
    "--token", help="Bearer token for authentication to the API server", rich_help_panel=_CONN)]
AsOpt = Annotated[Optional[str], typer.Option(
    "--as", help="Username to impersonate for the operation. User could be a regular user or a service "
    "account in a namespace.", rich_help_panel=_CONN)]
AsGroupOpt = Annotated[Optional[List[str]], typer.Option(
    "--as-group", help="Group to impersonate for the operation, this flag can be repeated to specify "
    "multiple groups.", rich_help_panel=_CONN)]
AsUidOpt = Annotated[Optional[str], typer.Option(
    "--as-uid", help="UID to impersonate for the operation.", rich_help_panel=_CONN)]
CertificateAuthorityOpt = Annotated[Optional[str], typer.Option(
    "--certificate-authority", help="Path to a cert file for the certificate authority",
    rich_help_panel=_CONN)]
ClientCertificateOpt = Annotated[Optional[str], typer.Option(
    "--client-certificate", help="Path to a client certificate file for TLS", rich_help_panel=_CONN)]
ClientKeyOpt = Annotated[Optional[str], typer.Option(
    "--client-key", help="Path to a client key file for TLS", rich_help_panel=_CONN)]
InsecureOpt = Annotated[bool, typer.Option(
    "--insecure-skip-tls-verify", help="If true, the server's certificate will not be checked for "
    "validity. This will make your HTTPS connections insecure", rich_help_panel=_CONN)]
TlsServerNameOpt = Annotated[Optional[str], typer.Option(
    "--tls-server-name", help="Server name to use for server certificate validation. If it is not "
    "provided, the hostname used to contact the server is used", rich_help_panel=_CONN)]
DisableCompressionOpt = Annotated[bool, typer.Option(
    "--disable-compression", help="If true, opt-out of response compression for all requests to the server",
    rich_help_panel=_CONN)]
RequestTimeoutOpt = Annotated[str, typer.Option(
    "--request-timeout", help="The length of time to wait before giving up on a single server request "
    "(per context). Non-zero values should contain a corresponding time unit (e.g. 1s, 2m, 3h). A value "
    "of zero means don't timeout requests.", rich_help_panel=_CONN)]

# --- arguments of the plugins that take resource types (py-query, py-diff) ---------------------------
ResourcesArg = Annotated[str, typer.Argument(
    help="Resource types: one, a comma list (pods,svc,deploy), a category (all) or a custom resource.",
    show_default=False)]
NamesArg = Annotated[Optional[List[str]], typer.Argument(help="Object names (optional).", show_default=False)]

# --- selection -------------------------------------------------------------------------------------
NamespaceOpt = Annotated[Optional[str], typer.Option(
    "--namespace", "-n", help="If present, the namespace scope for this CLI request",
    rich_help_panel=_SCOPE)]
AllNamespacesOpt = Annotated[bool, typer.Option(
    "--all-namespaces", "-A", help="If present, list the requested object(s) across all namespaces. "
    "Namespace in current context is ignored even if specified with --namespace.", rich_help_panel=_SCOPE)]
SelectorOpt = Annotated[Optional[str], typer.Option(
    "--selector", "-l", help="Selector (label query) to filter on, supports '=', '==', '!=', 'in', "
    "'notin'.(e.g. -l key1=value1,key2=value2,key3 in (value3)).", rich_help_panel=_SCOPE)]
FieldSelectorOpt = Annotated[Optional[str], typer.Option(
    "--field-selector", help="Selector (field query) to filter on, supports '=', '==', and '!='.(e.g. "
    "--field-selector key1=value1,key2=value2).", rich_help_panel=_SCOPE)]
ChunkSizeOpt = Annotated[int, typer.Option(
    "--chunk-size", help="Return large lists in chunks rather than all at once. Pass 0 to disable.",
    rich_help_panel=_SCOPE)]
FilenameOpt = Annotated[Optional[List[str]], typer.Option(
    "--filename", "-f", help="Answer offline from files instead of a server: 'kubectl get -o json|yaml' "
    "output, a 'kubectl cluster-info dump --output-directory' folder, or - for stdin.",
    rich_help_panel=_SCOPE)]

# --- output ----------------------------------------------------------------------------------------
NoHeadersOpt = Annotated[bool, typer.Option(
    "--no-headers", help="When using the default or custom-column output format, don't print headers "
    "(default print headers).", rich_help_panel=_OUT)]

WatchOpt = Annotated[bool, typer.Option(
    "--watch", "-w", help="After listing/getting the requested object, watch for changes.", rich_help_panel=_OUT)]
WatchOnlyOpt = Annotated[bool, typer.Option(
    "--watch-only", help="Watch for changes to the requested object(s), without listing/getting first.",
    rich_help_panel=_OUT)]
OutputWatchEventsOpt = Annotated[bool, typer.Option(
    "--output-watch-events", help="When watching, output watch event objects (with the event type). Existing "
    "objects are output as initial ADDED events.", rich_help_panel=_OUT)]

DEFAULT_CHUNK_SIZE = 500
DEFAULT_REQUEST_TIMEOUT = "0"

# Boolean flags that kubectl also accepts as --flag=true / --flag=false.
BOOL_FLAGS = ("--all-contexts", "--insecure-skip-tls-verify", "--disable-compression", "--all-namespaces",
              "--no-headers", "--show-managed-fields", "--count", "--describe", "--all-nodes",
              "--include-status", "--watch", "--watch-only", "--output-watch-events")


def output_option(formats: str, default: str = ""):
    """``-o/--output`` with the plugin's own list of formats in its help."""
    return typer.Option("--output", "-o", help=f"Output format. One of: ({formats}).", rich_help_panel=_OUT)
ShowEventsOpt = Annotated[Optional[str], typer.Option(
    "--show-events", help="If true, display events related to the described object.", metavar="true|false",
    rich_help_panel=_OUT)]
