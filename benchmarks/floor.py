#!/usr/bin/env python3
"""The floor for a Python tool: plain http.client over one TLS connection, json.loads of each page, print
fields. No plugin code. Used by the benchmarks as the "how fast can Python go" line.

    python3 benchmarks/floor.py --kubeconfig K --context C --path /api/v1/pods --fields metadata.name,spec.nodeName
"""

import argparse
import base64
import http.client
import json
import os
import ssl
import sys
import tempfile
from urllib.parse import parse_qsl, urlencode, urlsplit

import yaml


def connection(kubeconfig: str, context: str):
    config = yaml.safe_load(open(kubeconfig))
    ctx = next(c["context"] for c in config["contexts"] if c["name"] == context)
    cluster = next(c["cluster"] for c in config["clusters"] if c["name"] == ctx["cluster"])
    user = next(u["user"] for u in config["users"] if u["name"] == ctx["user"])
    tls = ssl.create_default_context(cadata=base64.b64decode(cluster["certificate-authority-data"]).decode())
    with tempfile.NamedTemporaryFile("wb", delete=False) as pem:
        pem.write(base64.b64decode(user["client-certificate-data"]) + b"\n" + base64.b64decode(user["client-key-data"]))
    tls.load_cert_chain(pem.name)
    os.unlink(pem.name)
    url = urlsplit(cluster["server"])
    return http.client.HTTPSConnection(url.hostname, url.port, context=tls)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kubeconfig", required=True)
    parser.add_argument("--context", required=True)
    parser.add_argument("--path", action="append", required=True)
    parser.add_argument("--fields", default="metadata.name")
    parser.add_argument("--chunk", type=int, default=500)
    args = parser.parse_args()
    fields = [f.split(".") for f in args.fields.split(",")]
    conn = connection(args.kubeconfig, args.context)
    out = sys.stdout
    for path in args.path:
        path, _, extra = path.partition("?")  # a path may carry its own query (a field selector)
        query = {"limit": args.chunk, **dict(parse_qsl(extra))}
        while True:
            conn.request("GET", f"{path}?{urlencode(query)}", headers={"Accept": "application/json"})
            page = json.loads(conn.getresponse().read())
            for item in page["items"] if "items" in page else [page]:  # a list, or one object
                values = []
                for field in fields:
                    value = item
                    for key in field:
                        value = value.get(key, "") if isinstance(value, dict) else ""
                    values.append(str(value))
                out.write(" ".join(values) + "\n")
            token = (page.get("metadata") or {}).get("continue") if "items" in page else None
            if not token:
                break
            query["continue"] = token


if __name__ == "__main__":
    main()
