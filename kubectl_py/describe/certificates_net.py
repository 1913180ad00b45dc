"""CertificateSigningRequest, ServiceCIDR and IPAddress: the data ``kubectl describe`` shows for them.

Extra reads: events, for each of them (kubectl ignores an events list that fails; here ``events`` is
null and a warning says why).

A CSR's request is parsed (``pkcs10``) into its subject and subject alternative names; the PEM itself
and the issued certificate are not copied into the document (``issued`` says whether there is one).
A request that cannot be parsed fails kubectl's whole describe; here ``request`` is null and a
warning carries kubectl's error.
"""

from __future__ import annotations

import base64
import binascii

from . import pkcs10
from .base import Describer, text_renderer
from .sections import condition_records, gather_with_events, metadata_fields, with_events

_STATUS_CONDITIONS = ("Approved", "Denied", "Failed")


def csr_status(condition_types: list, issued: bool) -> str:
    """kubectl ``extractCSRStatus``: Denied over Approved over Pending, then ``,Failed``, ``,Issued``."""
    status = "Denied" if "Denied" in condition_types else "Approved" if "Approved" in condition_types else "Pending"
    if "Failed" in condition_types:
        status += ",Failed"
    return status + (",Issued" if issued else "")


def _request(encoded) -> tuple:
    """``(parsed request, error)`` of a CSR's base64 ``spec.request``."""
    try:
        return pkcs10.parse(base64.b64decode(encoded or "")), None
    except (binascii.Error, ValueError) as exc:
        return None, f"Error parsing CSR: {exc}"


def build_csr(obj: dict, gathered: dict) -> dict:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    conditions = condition_records(status.get("conditions"), "lastUpdateTime")
    issued = bool(status.get("certificate"))
    request, error = _request(spec.get("request"))
    doc = metadata_fields(obj)
    doc.update(
        {
            "creationTimestamp": (obj.get("metadata") or {}).get("creationTimestamp"),
            "requestingUser": spec.get("username") or "",
            "groups": list(spec.get("groups") or []),
            "signerName": spec.get("signerName") or "",
            "expirationSeconds": spec.get("expirationSeconds"),
            "usages": list(spec.get("usages") or []),
            "status": csr_status([c["type"] for c in conditions], issued),
            "conditions": conditions,
            "issued": issued,
            "request": request,
        }
    )
    if error:
        doc["warnings"] = [error]
    return with_events(doc, gathered)


def build_servicecidr(obj: dict, gathered: dict) -> dict:
    doc = metadata_fields(obj)
    doc.update(
        {
            "cidrs": list((obj.get("spec") or {}).get("cidrs") or []),
            "conditions": condition_records((obj.get("status") or {}).get("conditions")),
        }
    )
    return with_events(doc, gathered)


def build_ipaddress(obj: dict, gathered: dict) -> dict:
    ref = (obj.get("spec") or {}).get("parentRef")
    doc = metadata_fields(obj)
    doc["parentRef"] = (
        None if ref is None else {key: ref.get(key) or "" for key in ("group", "resource", "namespace", "name")}
    )
    return with_events(doc, gathered)


def _describer(build, render: str) -> Describer:
    return Describer(gather_with_events, build, text_renderer("certificates_net", render))


CSR = _describer(build_csr, "render_csr")
SERVICECIDR = _describer(build_servicecidr, "render_servicecidr")
IPADDRESS = _describer(build_ipaddress, "render_ipaddress")
