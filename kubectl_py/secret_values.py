"""The one rule of where Secret values are, shared by py-describe (which shows their sizes) and py-diff (which
compares keyed hashes of them and shows sizes). Kept free of imports: py-diff loads it for every object.

A kind is Secret-like when it is ``Secret`` in any group or its name ends in ``Secret`` (a custom
``VaultSecret``, ``SealedSecret``). In such an object:

- each value of a top-level ``data`` or ``stringData`` map is a Secret value, whatever its shape (a
  string, a number, a nested map or list);
- a ``data`` or ``stringData`` that is not a map (a list of ``{name, value}``, a string, ...) is one Secret
  value as a whole;
- the ``kubectl.kubernetes.io/last-applied-configuration`` annotation, where ``kubectl apply`` keeps the
  whole manifest, may hold them too.
"""

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
SECRET_FIELDS = ("data", "stringData")


def is_secret_like(kind) -> bool:
    return isinstance(kind, str) and kind.endswith("Secret")


def hide_values(holder: dict, hide) -> dict:
    """A copy of ``holder`` (an object, or a describe document's ``content``) in which every Secret value
    is ``hide(value, field)``; ``field`` is ``data`` or ``stringData``."""
    out = dict(holder)
    for field in SECRET_FIELDS:
        values = holder.get(field)
        if values is None:
            continue
        if isinstance(values, dict):
            out[field] = {key: hide(value, field) for key, value in values.items()}
        else:
            out[field] = hide(values, field)
    return out


def hidden(value, note: str = "") -> str:
    """``<hidden: N bytes[, note]>``: the size of ``value`` as stored, never the value."""
    import json

    text = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"), sort_keys=True)
    return f"<hidden: {len(text.encode('utf-8'))} bytes{', ' + note if note else ''}>"
