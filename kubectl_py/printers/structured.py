"""json and yaml, shaped like kubectl's: four-space JSON with sorted keys, block YAML with sorted keys."""

from __future__ import annotations

import json


def to_json(obj) -> str:
    return json.dumps(obj, indent=4, sort_keys=True, ensure_ascii=False) + "\n"


def to_yaml(obj) -> str:
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(
        obj, Dumper=dumper, default_flow_style=False, sort_keys=True, allow_unicode=True, width=2**31 - 1
    )  # no line folding, as kubectl


def dump(obj, fmt: str) -> str:
    return to_json(obj) if fmt == "json" else to_yaml(obj)
