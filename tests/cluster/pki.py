"""Certificates for a test control plane, made with the openssl command line (stdlib only).

Every key is ECDSA P-256: generating one takes ~15 ms where RSA-2048 takes ~350 ms, and the apiserver accepts
ECDSA for serving, client and service-account signing keys alike.
"""

import base64
import os
import subprocess
from dataclasses import dataclass
from typing import Iterable, Optional

_EXTENSIONS = {
    "ca": ["basicConstraints = critical,CA:TRUE", "keyUsage = critical,keyCertSign,cRLSign,digitalSignature"],
    "client": [
        "basicConstraints = critical,CA:FALSE",
        "keyUsage = critical,digitalSignature,keyEncipherment",
        "extendedKeyUsage = clientAuth",
    ],
    "server": [
        "basicConstraints = critical,CA:FALSE",
        "keyUsage = critical,digitalSignature,keyEncipherment",
        "extendedKeyUsage = serverAuth",
    ],
}


@dataclass(frozen=True)
class KeyPair:
    """A certificate and its private key, as PEM files."""

    cert: str
    key: str

    def cert_data(self) -> str:
        """The certificate base64-encoded, as kubeconfig `*-data` fields want it."""
        return _b64_file(self.cert)

    def key_data(self) -> str:
        return _b64_file(self.key)


def _b64_file(path: str) -> str:
    with open(path, "rb") as f:
        return base64.b64encode(f.read()).decode()


def _openssl(*args: str) -> None:
    proc = subprocess.run(["openssl", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"openssl {args[0]} failed: {proc.stderr.strip()}")


def _subject(cn: str, org: Optional[str]) -> str:
    return (f"/O={org}" if org else "") + f"/CN={cn}"


def issue(
    directory: str,
    name: str,
    cn: str,
    usage: str,
    ca: Optional[KeyPair] = None,
    org: Optional[str] = None,
    san: Iterable[str] = (),
) -> KeyPair:
    """Write `<name>.crt` and `<name>.key` in `directory`: self-signed if `ca` is None, else signed by it.

    `usage` is "ca", "client" or "server"; `san` holds subjectAltName entries such as "DNS:localhost".
    """
    pair = KeyPair(os.path.join(directory, f"{name}.crt"), os.path.join(directory, f"{name}.key"))
    ext_lines = list(_EXTENSIONS[usage])
    if san:
        ext_lines.append("subjectAltName = " + ",".join(san))
    config = os.path.join(directory, f"{name}.cnf")
    with open(config, "w") as f:
        f.write("[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = unused\n[ext]\n" + "\n".join(ext_lines) + "\n")
    args = [
        "req",
        "-x509",
        "-config",
        config,
        "-extensions",
        "ext",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        pair.key,
        "-out",
        pair.cert,
        "-subj",
        _subject(cn, org),
        "-days",
        "3650",
    ]
    if ca is not None:
        args += ["-CA", ca.cert, "-CAkey", ca.key]
    _openssl(*args)
    os.remove(config)
    return pair


def signing_key(directory: str, name: str) -> KeyPair:
    """An ECDSA key pair for service-account tokens; `cert` holds the public key (PEM), `key` the private one."""
    pair = KeyPair(os.path.join(directory, f"{name}.pub"), os.path.join(directory, f"{name}.key"))
    _openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", pair.key)
    _openssl("pkey", "-in", pair.key, "-pubout", "-out", pair.cert)
    return pair
