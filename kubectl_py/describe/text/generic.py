"""kubectl's text for the generic describer: ``printUnstructuredContent`` and ``smartLabelFor``."""

from __future__ import annotations

import math

from .common import write_annotations, write_doc_events, write_labels

ACRONYMS = ("API", "URL", "UID", "GUID")


def _char_class(ch: str) -> int:
    if ch.islower():
        return 1
    if ch.isupper():
        return 2
    if ch.isdigit():
        return 3
    return 4


def camel_split(text: str) -> list:
    """fatih/camelcase ``Split``."""
    runs: list = []
    last = 0
    for ch in text:
        cls = _char_class(ch)
        if runs and cls == last:
            runs[-1].append(ch)
        else:
            runs.append([ch])
        last = cls
    for i in range(len(runs) - 1):
        if runs[i] and runs[i + 1] and runs[i][0].isupper() and runs[i + 1][0].islower():
            runs[i + 1].insert(0, runs[i].pop())
    return ["".join(r) for r in runs if r]


def smart_label(field: str) -> str:
    """kubectl ``smartLabelFor``."""
    if any(not (ch.isalpha() or ch == "-") for ch in field):
        return field
    parts = camel_split(field)
    merged = []
    i = 0
    while i < len(parts):
        part = parts[i]
        if i < len(parts) - 1:
            nxt = parts[i + 1]
            all_upper = all(not ch.isalpha() or ch.isupper() for ch in part)
            if len(part.encode()) >= 2 and all_upper and nxt and nxt[0].isupper():
                merged.append(part + nxt)
                i += 2
                continue
        merged.append(part)
        i += 1
    out = []
    for part in merged:
        if part == "_":
            continue
        if part.upper() in ACRONYMS:
            part = part.upper()
        elif part.lower() == part:
            part = part[:1].upper() + part[1:]
        out.append(part)
    return " ".join(out)


def go_float(value: float) -> str:
    """Go ``%v`` of a float64: shortest digits, exponent form when the exponent is < -4 or >= 6."""
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if math.isnan(value):
        return "NaN"
    if value == 0:
        return "-0" if math.copysign(1, value) < 0 else "0"
    text = repr(value)
    mantissa, _, exp_text = text.lower().partition("e")
    sign = "-" if mantissa.startswith("-") else ""
    mantissa = mantissa.lstrip("-")
    int_part, _, frac_part = mantissa.partition(".")
    if frac_part == "0":
        frac_part = ""
    digits = (int_part + frac_part).lstrip("0")
    point = len(int_part) + (int(exp_text) if exp_text else 0)
    if int_part.strip("0") == "":
        lead = len(frac_part) - len(frac_part.lstrip("0"))
        point = -lead + (int(exp_text) if exp_text else 0)
    digits = digits.rstrip("0") or "0"
    exp = point - 1
    if exp < -4 or exp >= 6:  # strconv shortest %g: precision 6 decides
        body = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{body}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return f"{sign}{digits}{'0' * (point - len(digits))}"
    return f"{sign}{digits[:point]}.{digits[point:]}"


def go_value(value) -> str:
    """``%v`` of an unstructured JSON value."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return go_float(value)
    return str(value)


def write_content(w, level: int, content: dict) -> None:
    for field in sorted(content):
        value = content[field]
        if isinstance(value, dict):
            w.line(level, f"{smart_label(field)}:")
            write_content(w, level + 1, value)
        elif isinstance(value, list):
            w.line(level, f"{smart_label(field)}:")
            for child in value:
                if isinstance(child, dict):
                    write_content(w, level + 1, child)
                else:
                    w.line(level + 1, go_value(child))
        else:
            w.line(level, f"{smart_label(field)}:\t{go_value(value)}")


def render_generic(doc: dict, w, now=None) -> None:
    w.line(0, f"Name:\t{doc.get('name', '')}")
    w.line(0, f"Namespace:\t{doc.get('namespace', '')}")
    write_labels(w, 0, "Labels", doc.get("labels"))
    write_annotations(w, 0, "Annotations", doc.get("annotations"))
    write_content(w, 0, doc.get("content") or {})
    write_doc_events(w, doc, now)
