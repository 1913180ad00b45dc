"""kubectl's text for LimitRange, ResourceQuota, PodDisruptionBudget and NetworkPolicy documents (kubectl
``describeLimitRange``, ``describeQuota``, ``describePodDisruptionBudgetV1``, ``describeNetworkPolicy``).

Deliberate difference: a LimitRange item with several resources prints them sorted by name; kubectl
prints them in Go map order, which changes from run to run.
"""

from __future__ import annotations

from decimal import Decimal

from ... import quantity
from .common import parse_time, quantity_str, write_annotations, write_doc_events, write_labels
from .namespaces import write_limit_rows, write_quota_scopes

_HEADER = "Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio"


def _name_namespace(w, doc: dict) -> None:
    w.line(0, f"Name:\t{doc.get('name', '')}")
    w.line(0, f"Namespace:\t{doc.get('namespace') or ''}")


# -- LimitRange and ResourceQuota ------------------------------------------------------------------


def render_limitrange(doc: dict, w, now=None) -> None:
    _name_namespace(w, doc)
    w.line(0, _HEADER)
    w.line(0, "----\t--------\t---\t---\t---------------\t-------------\t-----------------------")
    write_limit_rows(w, doc.get("limits") or [], "")


def quota_used_str(used, hard) -> str:
    """``describeQuota``'s Used cell: when its number format differs from Hard's, Used is printed as
    ``resource.NewQuantity(used.Value(), hard.Format)``, so ``64Mi`` under a ``1G`` hard reads ``67108864``."""
    if used is None:
        return "0"
    try:
        _, used_format = quantity.parse(used["value"])
        _, hard_format = quantity.parse(hard["value"])
        if used_format == hard_format:
            return quantity_str(used)
        return quantity.format_value(Decimal(quantity.value(used["value"])), hard_format)
    except quantity.QuantityError:
        return quantity_str(used)


def render_resourcequota(doc: dict, w, now=None) -> None:
    _name_namespace(w, doc)
    if doc.get("scopes"):
        write_quota_scopes(w, 0, doc["scopes"], " * ")
    w.line(0, "Resource\tUsed\tHard")
    w.line(0, "--------\t----\t----")
    for name, values in (doc.get("resources") or {}).items():
        w.line(0, f"{name}\t{quota_used_str(values.get('used'), values['hard'])}\t{quantity_str(values['hard'])}")


# -- PodDisruptionBudget ---------------------------------------------------------------------------


def render_poddisruptionbudget(doc: dict, w, now=None) -> None:
    _name_namespace(w, doc)
    if doc.get("minAvailable") is not None:
        w.line(0, f"Min available:\t{doc['minAvailable']}")
    elif doc.get("maxUnavailable") is not None:
        w.line(0, f"Max unavailable:\t{doc['maxUnavailable']}")
    selector = doc.get("selector")
    w.line(0, f"Selector:\t{'<unset>' if selector is None else (selector or '<none>')}")
    status = doc.get("status") or {}
    w.line(0, "Status:")
    w.line(2, f"Allowed disruptions:\t{status.get('disruptionsAllowed', 0)}")
    w.line(2, f"Current:\t{status.get('currentHealthy', 0)}")
    w.line(2, f"Desired:\t{status.get('desiredHealthy', 0)}")
    w.line(2, f"Total:\t{status.get('expectedPods', 0)}")
    write_doc_events(w, doc, now)


# -- NetworkPolicy ---------------------------------------------------------------------------------


def go_time_string(timestamp) -> str:
    """Go ``time.Time.String()`` in the local zone (``2006-01-02 15:04:05 -0700 MST``), as kubectl prints
    a ``metav1.Time`` with ``%s``."""
    when = parse_time(timestamp)
    if when is None:
        return "0001-01-01 00:00:00 +0000 UTC"
    local = when.astimezone()
    offset = int(local.utcoffset().total_seconds())
    sign, offset = ("-" if offset < 0 else "+"), abs(offset)
    fraction = f".{local.microsecond:06d}".rstrip("0") if local.microsecond else ""
    return f"{local:%Y-%m-%d %H:%M:%S}{fraction} {sign}{offset // 3600:02d}{offset % 3600 // 60:02d} {local.tzname()}"


def _selector(text) -> str:
    return text or "<none>"


def _port_lines(w, ports: list, indent: str) -> None:
    if not ports:
        w.write(0, f"{indent}To Port: <any> (traffic allowed to all ports)\n")
        return
    for port in ports:
        number = "<nil>" if port.get("port") is None else port["port"]
        if port.get("endPort") is None:
            w.write(0, f"{indent}To Port: {number}/{port['protocol']}\n")
        else:
            w.write(0, f"{indent}To Port Range: {number}-{port['endPort']}/{port['protocol']}\n")


def _peer_lines(w, peers: list, indent: str, title: str, anything: str) -> None:
    if not peers:
        w.write(0, f"{indent}{title}: <any> ({anything})\n")
        return
    for peer in peers:
        w.write(0, f"{indent}{title}:\n")
        pods, namespaces, block = peer.get("podSelector"), peer.get("namespaceSelector"), peer.get("ipBlock")
        if namespaces is not None:
            w.write(1, f"{indent}NamespaceSelector: {_selector(namespaces)}\n")
        if pods is not None:
            w.write(1, f"{indent}PodSelector: {_selector(pods)}\n")
        if pods is None and namespaces is None and block is not None:
            w.write(1, f"{indent}IPBlock:\n")
            w.write(2, f"{indent}CIDR: {block['cidr']}\n")
            w.write(2, f"{indent}Except: {', '.join(block.get('except') or [])}\n")


def _rules(w, rules: list, peers_key: str, direction: str, title: str, anything: str) -> None:
    indent = "    "
    if not rules:
        w.write(0, f"{indent}<none> (Selected pods are isolated for {direction} connectivity)\n")
        return
    for i, rule in enumerate(rules):
        _port_lines(w, rule.get("ports") or [], indent)
        _peer_lines(w, rule.get(peers_key) or [], indent, title, anything)
        if i != len(rules) - 1:
            w.write(0, f"{indent}----------\n")


def render_networkpolicy(doc: dict, w, now=None) -> None:
    _name_namespace(w, doc)
    w.line(0, f"Created on:\t{go_time_string(doc.get('creationTimestamp'))}")
    write_labels(w, 0, "Labels", doc.get("labels"))
    write_annotations(w, 0, "Annotations", doc.get("annotations"))
    w.write(0, "Spec:\n")
    w.write(1, "PodSelector: ")
    selector = doc.get("podSelector")
    w.write(
        2, f"{selector}\n" if selector else "<none> (Allowing the specific traffic to all pods in this namespace)\n"
    )
    types = doc.get("policyTypes") or []
    if "Ingress" in types:
        w.write(1, "Allowing ingress traffic:\n")
        _rules(w, doc.get("ingress") or [], "from", "ingress", "From", "traffic not restricted by source")
    else:
        w.write(1, "Not affecting ingress traffic\n")
    if "Egress" in types:
        w.write(1, "Allowing egress traffic:\n")
        _rules(w, doc.get("egress") or [], "to", "egress", "To", "traffic not restricted by destination")
    else:
        w.write(1, "Not affecting egress traffic\n")
    w.write(1, f"Policy Types: {', '.join(types) or '<none>'}\n")


# -- EndpointSlice ---------------------------------------------------------------------------------
