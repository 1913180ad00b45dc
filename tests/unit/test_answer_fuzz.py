"""The HTTP answer reader fed random and mutated byte streams (seeded, a few thousand cases): whatever a
server sends, only our typed outcomes come out (an answer, BadAnswer, or the connection's Lost/Stalled),
never a ValueError, zlib.error or IndexError that would end a command as an internal error."""

import gzip
import json
import random
import socket

import pytest

from kubectl_py.errors import BadAnswer
from kubectl_py.kube import answer as answers
from kubectl_py.kube.client import _object
from kubectl_py.kube.wire import Endpoint, Wire

SEED = 20261206
CASES = 5000

BODY = json.dumps(
    {
        "kind": "PodList",
        "apiVersion": "v1",
        "metadata": {"continue": "abc", "resourceVersion": "7"},
        "items": [{"metadata": {"name": f"pod-{i}", "namespace": "demo"}} for i in range(20)],
    }
).encode()


def _chunked(data: bytes, size: int = 97) -> bytes:
    pieces = [b"%x\r\n%s\r\n" % (len(data[i : i + size]), data[i : i + size]) for i in range(0, len(data), size)]
    return b"".join(pieces) + b"0\r\n\r\n"


BASES = [
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(BODY), BODY),
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + _chunked(BODY),
    b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n" + _chunked(gzip.compress(BODY)),
    b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n%s"
    % (len(gzip.compress(BODY)), gzip.compress(BODY)),
    b"HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
    b"HTTP/1.0 200 OK\r\n\r\n" + BODY,
]


def _mutate(rng: random.Random, data: bytes) -> bytes:
    data = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        choice = rng.random()
        position = rng.randrange(len(data) + 1)
        if choice < 0.35 and data:
            data[min(position, len(data) - 1)] = rng.randrange(256)
        elif choice < 0.55:
            data[position:position] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 12)))
        elif choice < 0.75:
            del data[position : position + rng.randint(1, 40)]
        elif choice < 0.85:
            data = data[:position]
        else:
            data[position:position] = rng.choice([b"\r\n", b"\n", b"\r\n\r\n", b"ffffffff\r\n", b"-1\r\n", b";x"])
    return bytes(data)


def _case(rng: random.Random) -> bytes:
    if rng.random() < 0.1:
        return bytes(rng.randrange(256) for _ in range(rng.randint(0, 400)))
    return _mutate(rng, rng.choice(BASES))


def _read(data: bytes):
    ours, theirs = socket.socketpair()
    try:
        theirs.sendall(data)
        theirs.shutdown(socket.SHUT_WR)
        wire = Wire(ours)
        reader = answers.AnswerReader(wire, window=5.0, deadline=None)
        status, headers = reader.head()
        body = reader.body(status, headers)
        if 200 <= status < 300:
            _object(body, Endpoint("https", "fuzz", 443, ""))
        return status
    finally:
        theirs.close()
        ours.close()


@pytest.mark.parametrize("base", range(len(BASES)))
def test_the_unmutated_answers_are_read(base):
    assert _read(BASES[base]) in (200, 404)


def test_random_and_mutated_answers_only_give_typed_outcomes():
    rng = random.Random(SEED)
    outcomes = {}
    for _ in range(CASES):
        data = _case(rng)
        try:
            outcome = f"status {_read(data)}"
        except (BadAnswer, answers.Lost, answers.Stalled) as exc:
            outcome = type(exc).__name__
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    print(outcomes)
    # the corpus exercises every kind of outcome, so the test is not passing by never reaching the parser
    assert outcomes.get("BadAnswer", 0) > CASES // 10 and outcomes.get("Lost", 0) > 0
    assert sum(n for k, n in outcomes.items() if k.startswith("status")) > CASES // 50
