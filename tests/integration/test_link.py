"""The link simulator (tests/cluster/link.py) in front of the real kube-apiserver: it adds its delay once per
direction, carries bytes back to back, caps the bandwidth shared by its connections, passes TLS through, and
stops without leaving a thread or a socket behind."""

import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "cluster"))
import link  # noqa: E402

BIG_LIST_OBJECTS, OBJECT_BYTES = 24, 100_000  # a ~2.4 MB list


def _target(cluster):
    url = urllib.parse.urlsplit(cluster.clusters[0].server)
    return url.hostname, url.port


def _client(cluster, through=None):
    """The kpy-a admin client, straight to the server or through a link (the same certificates: the link passes
    TLS through, and the server's certificate names 127.0.0.1)."""
    client = cluster.client("kpy-a")
    if through is not None:
        client.host, client.port = "127.0.0.1", through.port
    return client


def _get_seconds(client, path):
    t0 = time.perf_counter()
    status, _ = client.request("GET", path)
    elapsed = time.perf_counter() - t0
    assert status == 200
    return elapsed


def _median_get(client, path, runs=9):
    _get_seconds(client, path)  # the connection (TCP, TLS) is made outside the timed requests
    return statistics.median(_get_seconds(client, path) for _ in range(runs))


def _extra_seconds(direct, linked, path, runs=5):
    """Median of what the link adds to one request: direct and linked requests alternate, so that the machine's
    load disturbs both alike."""
    _get_seconds(direct, path)
    _get_seconds(linked, path)
    return statistics.median(_get_seconds(linked, path) - _get_seconds(direct, path) for _ in range(runs))


def _link_threads():
    return [t.name for t in threading.enumerate() if t.name.startswith("link-")]


@pytest.fixture
def big_list(cluster, namespace):
    """Path of a list of ~2.4 MB: ConfigMaps of 100 KB each in a fresh namespace."""
    client = cluster.client("kpy-a")
    for i in range(BIG_LIST_OBJECTS):
        client.create(
            f"/api/v1/namespaces/{namespace}/configmaps",
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": f"big-{i:02d}"},
                "data": {"blob": "".join(f"{i:02d}-{j:07d};" for j in range(OBJECT_BYTES // 11))},
            },
        )
    client.close()
    return f"/api/v1/namespaces/{namespace}/configmaps"


def test_round_trip_grows_by_twice_the_delay(cluster):
    delay = 0.05
    with link.LinkForwarder(*_target(cluster), delay) as forwarder:
        extra = _extra_seconds(_client(cluster), _client(cluster, forwarder), "/version", 9)
    assert 2 * delay * 0.85 <= extra <= 2 * delay * 1.25, f"the link added {extra:.4f} s"
    assert not _link_threads()


def test_a_new_connection_pays_the_tcp_and_tls_round_trips(cluster):
    """A fresh connection's first answer costs three round trips: TCP's handshake, TLS 1.3's, the request."""
    delay = 0.05

    def first_answer(through=None):
        client = _client(cluster, through)
        try:
            return _get_seconds(client, "/version")
        finally:
            client.close()

    with link.LinkForwarder(*_target(cluster), delay) as forwarder:
        direct = statistics.median(first_answer() for _ in range(5))
        linked = statistics.median(first_answer(forwarder) for _ in range(5))
        connections = forwarder.counters()[2]
    assert connections == 5
    extra = linked - direct
    assert 3 * 2 * delay * 0.9 <= extra <= 3 * 2 * delay * 1.2, f"{direct:.4f} s direct, {linked:.4f} s linked"


def test_bytes_sent_back_to_back_arrive_back_to_back(cluster, big_list):
    """A delay line, not a sleep per chunk: a ~2.4 MB answer (~150 chunks) pays the delay once."""
    delay = 0.05
    with link.LinkForwarder(*_target(cluster), delay) as forwarder:
        extra = _extra_seconds(_client(cluster), _client(cluster, forwarder), big_list)
        down = forwarder.counters()[1]
    assert down > 6 * BIG_LIST_OBJECTS * OBJECT_BYTES  # six answers went through
    # a sleep per 16 KiB chunk would add ~150 x 50 ms; load on the machine may add a little
    assert 2 * delay * 0.7 <= extra <= 2 * delay + 0.25, f"the link added {extra:.3f} s"


def test_a_large_list_takes_its_size_over_the_bandwidth(cluster, big_list):
    delay, bits_per_s = 0.005, 16e6
    direct = _median_get(_client(cluster), big_list, 3)
    with link.LinkForwarder(*_target(cluster), delay, bits_per_s) as forwarder:
        client = _client(cluster, forwarder)
        _get_seconds(client, "/version")  # connection made before the clock starts
        before = forwarder.counters()[1]
        elapsed = _get_seconds(client, big_list)
        size = forwarder.counters()[1] - before  # the answer's bytes on the wire (TLS records included)
    assert size > BIG_LIST_OBJECTS * OBJECT_BYTES
    transfer, expected = elapsed - direct - 2 * delay, size * 8 / bits_per_s
    assert abs(transfer - expected) <= 0.2 * expected, f"{size:,} bytes in {transfer:.3f} s, expected {expected:.3f} s"


def test_connections_share_the_bandwidth(cluster, big_list):
    """One forwarder is one link: two lists read at once over two connections take as long as both sizes."""
    delay, bits_per_s = 0.005, 16e6
    direct = _median_get(_client(cluster), big_list, 3)
    with link.LinkForwarder(*_target(cluster), delay, bits_per_s) as forwarder:
        clients = [_client(cluster, forwarder) for _ in range(2)]
        for client in clients:
            _get_seconds(client, "/version")
        before = forwarder.counters()[1]
        t0 = time.perf_counter()
        readers = [threading.Thread(target=_get_seconds, args=(c, big_list)) for c in clients]
        for r in readers:
            r.start()
        for r in readers:
            r.join()
        elapsed = time.perf_counter() - t0
        size = forwarder.counters()[1] - before
    assert size > 2 * BIG_LIST_OBJECTS * OBJECT_BYTES
    transfer, expected = elapsed - direct - 2 * delay, size * 8 / bits_per_s
    assert abs(transfer - expected) <= 0.2 * expected, f"{size:,} bytes in {transfer:.3f} s, expected {expected:.3f} s"


def test_a_small_answer_does_not_wait_behind_a_large_one(cluster, big_list):
    """The link queues at most ~50 ms of sending: a second connection's small answer slips in during a large
    transfer instead of waiting for all of it (as on a real link, where TCP holds the large sender back)."""
    delay, bits_per_s = 0.02, 16e6
    with link.LinkForwarder(*_target(cluster), delay, bits_per_s) as forwarder:
        large, small = _client(cluster, forwarder), _client(cluster, forwarder)
        _get_seconds(large, "/version")
        _get_seconds(small, "/version")
        reader = threading.Thread(target=_get_seconds, args=(large, big_list))
        t0 = time.perf_counter()
        reader.start()
        time.sleep(0.3)  # the large answer is streaming now (it takes ~1.2 s)
        small_seconds = _get_seconds(small, "/version")
        reader.join()
        large_seconds = time.perf_counter() - t0
    assert small_seconds < 2 * delay + link.BUFFER_S + 0.15 < large_seconds - 0.3, (
        f"small answer {small_seconds:.3f} s during a large one of {large_seconds:.3f} s"
    )


def test_stop_cuts_open_connections_and_joins_every_thread(cluster):
    forwarder = link.LinkForwarder(*_target(cluster), 0.01).start()
    client = _client(cluster, forwarder)
    assert client.request("GET", "/version")[0] == 200  # a kept-alive connection is open now
    assert len(_link_threads()) == 5  # the acceptor, and four for the connection
    forwarder.stop()
    assert not _link_threads()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", forwarder.port), timeout=2).close()
    with pytest.raises(OSError):
        client.request("GET", "/version")


def test_command_line_prints_its_port_and_forwards(cluster):
    host, port = _target(cluster)
    proc = subprocess.Popen(
        [sys.executable, link.__file__, "--target", f"{host}:{port}", "--delay-ms", "20", "--bandwidth-mbit", "20"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        listen = int(proc.stdout.readline())
        client = cluster.client("kpy-a")
        direct = client.get("/version")
        client.close()
        client.host, client.port = "127.0.0.1", listen
        assert client.get("/version") == direct
        client.close()
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err


def test_command_line_rejects_a_bad_target():
    proc = subprocess.run([sys.executable, link.__file__, "--target", "no-port"], capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == ["error: --target must be HOST:PORT, not 'no-port'"]
