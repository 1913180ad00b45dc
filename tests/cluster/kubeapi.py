"""A minimal Kubernetes API client (stdlib only) for the test control plane: client-certificate auth from a
kubeconfig context, JSON in and out, one keep-alive HTTPS connection per thread so it can be used from a
thread pool for bulk creation."""

import base64
import http.client
import json
import os
import shutil
import ssl
import tempfile
import threading
import time
import urllib.parse
from typing import Any, Callable, Dict, Iterator, Optional, Tuple

try:
    import yaml
except ImportError:  # kubeconfigs written by controlplane.py are JSON, which is YAML too
    yaml = None


class ApiError(Exception):
    def __init__(self, status: int, method: str, path: str, body: Any):
        message = body.get("message") if isinstance(body, dict) else body
        super().__init__(f"{method} {path}: HTTP {status}: {message}")
        self.status = status
        self.body = body


def load_kubeconfig(path: str) -> Dict:
    with open(path) as f:
        text = f.read()
    return yaml.safe_load(text) if yaml else json.loads(text)


def _named(items, name: str, kind: str) -> Dict:
    for item in items or []:
        if item["name"] == name:
            return item[kind]
    raise KeyError(f"no {kind} named {name!r} in kubeconfig")


class Client:
    """Talks to one API server. `Client.from_kubeconfig(path, context)` or `Client(server, ca, cert, key)` with
    PEM file paths."""

    def __init__(self, server: str, ca_file: str, cert_file: str, key_file: str, timeout: float = 30.0):
        url = urllib.parse.urlsplit(server)
        self.host, self.port = url.hostname, url.port or 443
        self.timeout = timeout
        self._ssl = ssl.create_default_context(cafile=ca_file)
        self._ssl.load_cert_chain(cert_file, key_file)
        self._local = threading.local()
        self._tmpdir: Optional[str] = None

    @classmethod
    def from_kubeconfig(cls, path: str, context: Optional[str] = None) -> "Client":
        """Build a client from a kubeconfig context that uses a client certificate (`*-data` or file fields)."""
        config = load_kubeconfig(path)
        ctx = _named(config.get("contexts"), context or config["current-context"], "context")
        cluster = _named(config.get("clusters"), ctx["cluster"], "cluster")
        user = _named(config.get("users"), ctx["user"], "user")
        tmpdir = tempfile.mkdtemp(prefix="kpy-client-")
        base = os.path.dirname(os.path.abspath(path))

        def pem(obj: Dict, field: str) -> str:
            # ssl wants files: decode `*-data` fields into a private temp dir
            if obj.get(field + "-data"):
                out = os.path.join(tmpdir, field)
                with open(out, "wb") as f:
                    f.write(base64.b64decode(obj[field + "-data"]))
                return out
            return os.path.join(base, obj[field])

        try:
            client = cls(
                cluster["server"],
                pem(cluster, "certificate-authority"),
                pem(user, "client-certificate"),
                pem(user, "client-key"),
            )
        finally:
            shutil.rmtree(tmpdir, ignore_errors=True)
        return client

    def _conn(self) -> http.client.HTTPSConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = http.client.HTTPSConnection(self.host, self.port, context=self._ssl, timeout=self.timeout)
            self._local.conn = conn
        return conn

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        content_type: str = "application/json",
        accept: str = "application/json",
    ) -> Tuple[int, Any]:
        """One request; returns (status, decoded JSON or text). Retries once on a dropped keep-alive connection."""
        data = None if body is None else (body if isinstance(body, (bytes, str)) else json.dumps(body))
        headers = {"Accept": accept}
        if data is not None:
            headers["Content-Type"] = content_type
        for attempt in (0, 1):
            conn = self._conn()
            try:
                conn.request(method, path, body=data, headers=headers)
                resp = conn.getresponse()
                raw = resp.read()
                break
            except (http.client.HTTPException, ConnectionError, ssl.SSLError):
                conn.close()
                self._local.conn = None
                if attempt:
                    raise
        text = raw.decode()
        try:
            return resp.status, json.loads(text)
        except ValueError:
            return resp.status, text

    def call(self, method: str, path: str, body: Any = None, ok: Tuple[int, ...] = (), **kw) -> Any:
        """Like `request`, raising ApiError unless the status is 2xx or listed in `ok`."""
        status, data = self.request(method, path, body, **kw)
        if not (200 <= status < 300 or status in ok):
            raise ApiError(status, method, path, data)
        return data

    def get(self, path: str, **kw) -> Any:
        return self.call("GET", path, **kw)

    def create(self, path: str, obj: Dict) -> Any:
        """POST an object; an AlreadyExists conflict (409) counts as success, so seeding can be re-run."""
        return self.call("POST", path, obj, ok=(409,))

    def list_items(self, path: str, limit: int = 500, **query) -> Iterator[Dict]:
        """Iterate a list endpoint page by page."""
        params = dict(query, limit=limit)
        while True:
            page = self.get(path + "?" + urllib.parse.urlencode(params))
            yield from page.get("items") or []
            cont = page.get("metadata", {}).get("continue")
            if not cont:
                return
            params["continue"] = cont

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()


def wait_for(what: str, check: Callable[[], Any], timeout: float, interval: float = 0.2) -> Any:
    """Poll `check` until it returns something truthy; raise TimeoutError naming `what` (and the last error)."""
    deadline = time.monotonic() + timeout
    last_error: Optional[BaseException] = None
    while True:
        try:
            result = check()
            if result:
                return result
        except (OSError, ApiError, http.client.HTTPException) as e:
            last_error = e
        if time.monotonic() > deadline:
            detail = f" (last error: {last_error})" if last_error else ""
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}{detail}")
        time.sleep(interval)
