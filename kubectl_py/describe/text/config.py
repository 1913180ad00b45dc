"""kubectl's text for ConfigMap, Secret and ServiceAccount documents (kubectl
``ConfigMapDescriber.Describe``, ``describeSecret``, ``describeServiceAccount``).

Deliberate difference: the ``token`` of a service-account-token Secret prints as ``N bytes`` like
every other key; kubectl prints the token itself.
"""

from __future__ import annotations

from .common import write_doc_events, write_head

_EMPTY_HEADER = " " * len("Image pull secrets:")


def render_configmap(doc: dict, w, now=None) -> None:
    write_head(w, doc)
    w.write(0, "\nData\n====\n")
    data = doc.get("data") or {}
    for key in sorted(data):
        w.write(0, f"{key}:\n----\n")
        w.write(0, f"{data[key]}\n")
        w.write(0, "\n")
    w.write(0, "\nBinaryData\n====\n")
    binary = doc.get("binaryData") or {}
    for key in sorted(binary):
        w.write(0, f"{key}: {binary[key]['bytes']} bytes\n")
    w.write(0, "\n")
    write_doc_events(w, doc, now)


def render_secret(doc: dict, w, now=None) -> None:
    write_head(w, doc)
    w.write(0, f"\nType:\t{doc.get('type') or ''}\n")
    w.write(0, "\nData\n====\n")
    data = doc.get("data") or {}
    for key in sorted(data):
        w.line(0, f"{key}:\t{data[key]['bytes']} bytes")


def render_serviceaccount(doc: dict, w, now=None) -> None:
    write_head(w, doc)
    names = doc.get("imagePullSecrets") or []
    if not names:
        w.line(0, "Image pull secrets:\t<none>")
    else:
        prefix = "Image pull secrets:"
        for name in names:
            w.line(0, f"{prefix}\t{name}")
            prefix = _EMPTY_HEADER
    write_doc_events(w, doc, now)
