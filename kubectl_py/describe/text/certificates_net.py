"""kubectl's text for CertificateSigningRequest, ServiceCIDR and IPAddress documents (kubectl
``describeCertificateSigningRequest``, ``describeServiceCIDRV1``, ``describeIPAddressV1``)."""

from __future__ import annotations

from .common import format_labels, human_duration, rfc1123z, write_doc_events, write_head_without_namespace

_SUBJECT_LISTS = (
    ("Organization", "organization"),
    ("Organizational Unit", "organizationalUnit"),
    ("Country", "country"),
    ("Locality", "locality"),
    ("Province", "province"),
    ("StreetAddress", "streetAddress"),
    ("PostalCode", "postalCode"),
)
_ALT_NAMES = (
    ("DNS Names", "dnsNames"),
    ("Email Addresses", "emailAddresses"),
    ("URIs", "uris"),
    ("IP Addresses", "ipAddresses"),
)


def _write_list(w, title: str, values: list) -> None:
    """kubectl's ``printListHelper`` with prefix ``\\t``: nothing for no values."""
    if values:
        w.write(0, f"\t{title}:\t" + "\n\t\t".join(values) + "\n")


def render_csr(doc: dict, w, now=None) -> None:
    w.line(0, f"Name:\t{doc.get('name', '')}")
    w.line(0, f"Labels:\t{format_labels(doc.get('labels'))}")
    w.line(0, f"Annotations:\t{format_labels(doc.get('annotations'))}")
    w.line(0, f"CreationTimestamp:\t{rfc1123z(doc.get('creationTimestamp'))}")
    w.line(0, f"Requesting User:\t{doc['requestingUser']}")
    if doc["signerName"]:
        w.line(0, f"Signer:\t{doc['signerName']}")
    if doc.get("expirationSeconds") is not None:
        w.line(0, f"Requested Duration:\t{human_duration(doc['expirationSeconds'])}")
    w.line(0, f"Status:\t{doc['status']}")
    request = doc.get("request")
    if request is not None:  # kubectl fails the describe instead (see describe/certificates_net.py)
        subject, names = request["subject"], request["subjectAlternativeNames"]
        w.line(0, "Subject:")
        w.line(0, f"\tCommon Name:\t{subject['commonName']}")
        w.line(0, f"\tSerial Number:\t{subject['serialNumber']}")
        for title, key in _SUBJECT_LISTS:
            _write_list(w, title, subject[key])
        if any(names[key] for _, key in _ALT_NAMES):
            w.line(0, "Subject Alternative Names:")
            for title, key in _ALT_NAMES:
                _write_list(w, title, names[key])
    write_doc_events(w, doc, now)


def render_servicecidr(doc: dict, w, now=None) -> None:
    write_head_without_namespace(w, doc)
    w.line(0, f"CIDRs:\t{', '.join(doc['cidrs'])}")
    if doc["conditions"]:
        w.line(0, "Status:")
        w.line(0, "Conditions:")
        w.line(1, "Type\tStatus\tLastTransitionTime\tReason\tMessage")
        w.line(1, "----\t------\t------------------\t------\t-------")
        for c in doc["conditions"]:
            w.line(
                1, "\t".join([c["type"], c["status"], rfc1123z(c.get("lastTransitionTime")), c["reason"], c["message"]])
            )
    write_doc_events(w, doc, now)


def render_ipaddress(doc: dict, w, now=None) -> None:
    write_head_without_namespace(w, doc)
    ref = doc.get("parentRef")
    if ref is not None:
        w.line(0, "Parent Reference:")
        for title, key in (("Group", "group"), ("Resource", "resource"), ("Namespace", "namespace"), ("Name", "name")):
            w.line(1, f"{title}:\t{ref[key]}")
    write_doc_events(w, doc, now)
