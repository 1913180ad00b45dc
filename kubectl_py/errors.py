"""The error tree. Every failure a user can cause or meet is one of these; the CLI runner
prints ``str(error)`` on one line of stderr and exits with ``exit_code``.

Messages follow kubectl's wording where kubectl has one. They never contain credentials.
"""

from __future__ import annotations


class KubectlPyError(Exception):
    """Base of every error the plugins report to the user."""

    exit_code = 1
    #: short machine-readable reason, used in per-context status records
    reason = "error"
    #: what precedes the message on stderr; server and connection errors carry kubectl's own wording
    prefix = "error: "

    def user_message(self) -> str:
        return self.prefix + str(self)


class UsageError(KubectlPyError):
    reason = "usage"


class ConfigError(KubectlPyError):
    """Missing or invalid kubeconfig, unknown context, bad credentials setup."""

    reason = "config"


class UnknownResource(KubectlPyError):
    """kubectl's words, then a did-you-mean (``hint``); offline, the files are what lacks the type."""

    reason = "unknownResource"

    def __init__(self, name: str, hint: str = "", offline: bool = False):
        if offline:
            head = f'unknown resource type "{name}": not a built-in type, nor a kind the input files hold'
        else:
            head = f'the server doesn\'t have a resource type "{name}"'
        super().__init__(head + hint)
        self.name = name


class ApiError(KubectlPyError):
    """An error answer from the API server; ``status`` is the HTTP status code."""

    reason = "error"
    prefix = ""

    def __init__(self, message: str, status: int = 0):
        super().__init__(message)
        self.status = status


class NotFound(ApiError):
    reason = "notFound"


class Forbidden(ApiError):
    reason = "forbidden"


class Unauthorized(ApiError):
    reason = "authFailed"
    prefix = "error: "


class BadRequest(ApiError):
    reason = "badRequest"


class Unreachable(KubectlPyError):
    """The server could not be reached at all (refused, DNS, TLS handshake)."""

    reason = "unreachable"
    prefix = ""


class BadAnswer(KubectlPyError):
    """The server's answer broke HTTP or was not what the API sends: a malformed status line or chunk,
    corrupt gzip, a body that is not JSON (a proxy's HTML page), an answer over the memory bounds."""

    reason = "badAnswer"
    prefix = "error: "


class Timeout(KubectlPyError):
    reason = "timeout"
    prefix = ""


class BadTemplate(KubectlPyError):
    reason = "badTemplate"


class NotInDump(KubectlPyError):
    """Offline input holds no object of the type asked for, so nothing can be said about it."""

    reason = "notInDump"
