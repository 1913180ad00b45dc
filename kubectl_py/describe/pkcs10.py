"""Just enough of a PKCS #10 certificate request (a CSR's ``spec.request``) to describe it as kubectl
does: the subject and the subject alternative names, read from DER with a tiny ASN.1 reader, as Go's
``x509.ParseCertificateRequest`` and ``pkix.Name.FillFromRDNSequence`` read them. No signature check
(the API server checked it when the CSR was created) and no crypto dependency.
"""

from __future__ import annotations

import base64
import ipaddress
import re


class RequestError(ValueError):
    """The bytes are not a PEM certificate request kubectl could parse."""


_PEM = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----\r?\n(.*?)-----END \1-----", re.S)
_SUBJECT_FIELDS = {
    3: "commonName",
    5: "serialNumber",
    6: "country",
    7: "locality",
    8: "province",
    9: "streetAddress",
    10: "organization",
    11: "organizationalUnit",
    17: "postalCode",
}
_LIST_FIELDS = ("organization", "organizationalUnit", "country", "locality", "province", "streetAddress", "postalCode")
_STRING_TAGS = {0x0C: "utf-8", 0x13: "ascii", 0x16: "ascii", 0x14: "latin-1", 0x12: "ascii", 0x1E: "utf-16-be"}
_EXTENSION_REQUEST = "1.2.840.113549.1.9.14"
_SUBJECT_ALT_NAME = "2.5.29.17"


def _read(data: bytes, pos: int) -> tuple:
    """One DER element at ``pos``: ``(tag, content, next position)``."""
    if pos + 2 > len(data):
        raise RequestError("asn1: truncated element")
    tag, length = data[pos], data[pos + 1]
    pos += 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4 or pos + count > len(data):
            raise RequestError("asn1: bad length")
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    if pos + length > len(data):
        raise RequestError("asn1: truncated element")
    return tag, data[pos : pos + length], pos + length


def _children(content: bytes) -> list:
    out, pos = [], 0
    while pos < len(content):
        tag, value, pos = _read(content, pos)
        out.append((tag, value))
    return out


def _oid(content: bytes) -> str:
    parts, value = [], 0
    for byte in content:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            parts.append(value)
            value = 0
    if not parts:
        raise RequestError("asn1: empty object identifier")
    first = min(parts[0] // 40, 2)
    return ".".join(str(p) for p in [first, parts[0] - 40 * first] + parts[1:])


def _subject(name: bytes) -> dict:
    subject = {"commonName": "", "serialNumber": ""}
    subject.update({field: [] for field in _LIST_FIELDS})
    for _, rdn in _children(name):
        for _, attribute in _children(rdn):
            parts = _children(attribute)
            if len(parts) != 2 or parts[0][0] != 0x06:
                raise RequestError("x509: invalid RDNSequence")
            oid, (tag, raw) = _oid(parts[0][1]), parts[1]
            if tag not in _STRING_TAGS:
                continue  # Go keeps only string values
            field = _SUBJECT_FIELDS.get(int(oid[len("2.5.4.") :])) if re.fullmatch(r"2\.5\.4\.\d+", oid) else None
            if field is None:
                continue
            value = raw.decode(_STRING_TAGS[tag], errors="replace")
            if field in _LIST_FIELDS:
                subject[field].append(value)
            else:
                subject[field] = value
    return subject


def _ip(raw: bytes) -> str:
    if len(raw) == 4:
        return str(ipaddress.IPv4Address(raw))
    if len(raw) == 16:
        address = ipaddress.IPv6Address(raw)
        return str(address.ipv4_mapped) if address.ipv4_mapped else str(address)  # Go prints v4-in-v6 as v4
    raise RequestError(f"x509: cannot parse IP address of length {len(raw)}")


def _alt_names(extension_value: bytes, names: dict) -> None:
    ((_, general_names),) = _children(extension_value)
    for tag, raw in _children(general_names):
        kind = tag & 0x1F
        if kind == 1:
            names["emailAddresses"].append(raw.decode("ascii", errors="replace"))
        elif kind == 2:
            names["dnsNames"].append(raw.decode("ascii", errors="replace"))
        elif kind == 6:
            names["uris"].append(raw.decode("ascii", errors="replace"))
        elif kind == 7:
            names["ipAddresses"].append(_ip(raw))


def _no_alt_names() -> dict:
    return {"dnsNames": [], "emailAddresses": [], "uris": [], "ipAddresses": []}


def _requested_extensions(elements: list) -> list:
    """The extensions of the request's ``extensionRequest`` attributes (the first value of each, as Go
    reads them); attributes that do not parse are skipped, as Go skips them."""
    out = []
    for tag, attributes in elements:
        if tag != 0xA0:
            continue
        for _, attribute in _children(attributes):
            try:
                (_, oid), (_, values) = _children(attribute)
                if _oid(oid) != _EXTENSION_REQUEST or not _children(values):
                    continue
            except ValueError:
                continue
            out.extend(value for _, value in _children(_children(values)[0][1]))
    return out


def parse(pem: bytes) -> dict:
    """``{"subject": {...}, "subjectAlternativeNames": {...}}`` of a PEM ``CERTIFICATE REQUEST``."""
    match = _PEM.search(pem or b"")
    if match is None or match.group(1) != b"CERTIFICATE REQUEST":
        raise RequestError("PEM block type must be CERTIFICATE REQUEST")
    try:
        der = base64.b64decode(b"".join(match.group(2).split()), validate=True)
    except ValueError as exc:
        raise RequestError("PEM block type must be CERTIFICATE REQUEST") from exc
    try:
        ((_, request),) = _children(der)
        info = _children(_children(request)[0][1])
        subject = _subject(info[1][1])
        names = _no_alt_names()
        for extension in _requested_extensions(info[3:]):
            fields = _children(extension)
            if _oid(fields[0][1]) == _SUBJECT_ALT_NAME:
                names = _no_alt_names()  # as in Go, the last SAN extension wins
                _alt_names(fields[-1][1], names)
    except (IndexError, ValueError) as exc:
        raise RequestError(str(exc) if isinstance(exc, RequestError) else "asn1: structure error") from exc
    return {"subject": subject, "subjectAlternativeNames": names}
