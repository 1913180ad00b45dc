#!/usr/bin/env python3
"""A simulated network link in front of a TCP server (stdlib only): latency and a bandwidth cap on loopback.

    python tests/cluster/link.py --target 127.0.0.1:6443 --delay-ms 20 --bandwidth-mbit 20   # prints its port

`LinkForwarder(target_host, target_port, one_way_delay_s, bandwidth_bits_per_s)` listens on 127.0.0.1 and
forwards every connection to the target, bytes untouched (TLS passes through: the client still verifies the
server's certificate, which names 127.0.0.1), as a link would carry them:

- **delay line**: every byte arrives `one_way_delay_s` after it left, in each direction, so a round trip grows by
  twice the delay. Bytes sent back to back arrive back to back after the delay (a queue of timestamped chunks
  and one writer per direction, not a sleep per chunk), so a large answer pays the delay once, not per chunk.
- **bandwidth**: a token bucket per direction caps the throughput; the bucket is **shared by every connection
  through the forwarder** (one forwarder = one link: parallel connections split its bandwidth, as on a real
  link). A chunk leaves when the bucket holds its bytes, then travels for the delay. At most 50 ms of sending
  queues for the link (a router's buffer); a sender beyond that is held back, as TCP would hold it.
- **TCP handshake**: a connection's first bytes leave no earlier than one round trip after it was accepted (a
  real connect() costs a round trip; on loopback it is free).

Not modelled: loss, jitter, TCP slow start and window limits (a connection may use the whole bandwidth from
its first byte). Each connection uses four threads; `stop()` (or leaving the `with` block) closes every socket
and joins every thread.

A hung server (accepts, never answers) is `faults.HungServer` beside this file.
"""

from __future__ import annotations

import argparse
import collections
import signal
import socket
import sys
import threading
import time
from typing import Optional

CHUNK = 16 * 1024  # bytes read at once; a TLS record is at most 16 KiB
MAX_QUEUE = 4 * 1024 * 1024  # bytes in the delay line per direction and connection before the reader waits
BUFFER_S = 0.05  # the link's queue: at most this much sending time waits for the bandwidth
POLL = 0.1  # seconds: how often the accept loop looks at the stop flag
JOIN_TIMEOUT = 5.0


class TokenBucket:
    """Paces one direction of a link: `departure(n)` is when n bytes will have left, after everything before.

    The bucket fills at the link's rate up to `burst` bytes; a chunk takes its bytes out, and the level may go
    negative (bytes queued for the link): the chunk leaves when the level is back at zero. The queue holds at
    most `buffer_s` seconds of sending (a router's buffer): beyond that `departure` waits before booking, which
    holds the sender back as TCP would, and lets parallel connections take turns instead of one booking the
    link seconds ahead. Thread-safe: one bucket serves every connection of a link."""

    def __init__(self, bits_per_s: Optional[float], burst: int = CHUNK, buffer_s: float = BUFFER_S):
        self.rate = bits_per_s / 8 if bits_per_s else None  # bytes per second; None: unlimited
        self.burst = burst
        self.buffer_s = buffer_s
        self._level = float(burst)
        self._stamp = time.monotonic()
        self._lock = threading.Lock()

    def departure(self, nbytes: int) -> float:
        while True:
            with self._lock:
                now = time.monotonic()
                if self.rate is None:
                    return now
                level = min(self.burst, self._level + (now - self._stamp) * self.rate)
                wait = -level / self.rate - self.buffer_s
                if wait <= 0:
                    self._level, self._stamp = level - nbytes, now
                    return now if self._level >= 0 else now + -self._level / self.rate
            time.sleep(wait)


class _Direction:
    """One direction of one connection: a reader stamps chunks with their arrival time, a writer delivers them
    when it comes."""

    def __init__(
        self,
        conn: "_Connection",
        src: socket.socket,
        dst: socket.socket,
        bucket: TokenBucket,
        not_before: float,
        name: str,
    ):
        self.conn, self.src, self.dst, self.bucket = conn, src, dst, bucket
        self.not_before = not_before  # the handshake: nothing leaves earlier
        self.queue: collections.deque = collections.deque()  # (arrival time, bytes); times never decrease
        self.queued = 0
        self.cond = threading.Condition()
        self.threads = [
            threading.Thread(target=self._read, name=f"{name}-read", daemon=True),
            threading.Thread(target=self._write, name=f"{name}-write", daemon=True),
        ]

    def _read(self) -> None:
        delay = self.conn.link.one_way_delay_s
        try:
            while not self.conn.closed:
                data = self.src.recv(CHUNK)
                left = max(self.bucket.departure(len(data)), self.not_before)
                with self.cond:
                    while self.queued > MAX_QUEUE and not self.conn.closed:
                        self.cond.wait()
                    self.queue.append((left + delay, data))
                    self.queued += len(data)
                    self.cond.notify_all()
                if not data:
                    return
        except OSError:
            self.conn.abort()
        finally:
            self.conn.thread_done()

    def _write(self) -> None:
        try:
            while True:
                with self.cond:
                    while not self.conn.closed and (not self.queue or self.queue[0][0] > time.monotonic()):
                        self.cond.wait(self.queue[0][0] - time.monotonic() if self.queue else None)
                    if self.conn.closed:
                        return
                    _, data = self.queue.popleft()
                    self.queued -= len(data)
                    self.cond.notify_all()
                if not data:  # the sender's end of stream, after the delay: half-close
                    self.dst.shutdown(socket.SHUT_WR)
                    return
                self.conn.link._count(self is self.conn.down, len(data))  # before: the reader may be done at once
                self.dst.sendall(data)
        except OSError:
            self.conn.abort()
        finally:
            self.conn.thread_done()

    def wake(self) -> None:
        with self.cond:
            self.cond.notify_all()


class _Connection:
    def __init__(self, link: "LinkForwarder", client: socket.socket, server: socket.socket, accepted: float, name: str):
        self.link, self.client, self.server = link, client, server
        self.closed = False
        ready = accepted + (2 * link.one_way_delay_s if link.tcp_handshake else 0)
        self.up = _Direction(self, client, server, link.up_bucket, ready, name + "-up")
        self.down = _Direction(self, server, client, link.down_bucket, ready, name + "-down")
        self._running = 4
        self._lock = threading.Lock()

    def start(self) -> None:
        for direction in (self.up, self.down):
            for t in direction.threads:
                t.start()

    @property
    def threads(self):
        return self.up.threads + self.down.threads

    def abort(self) -> None:
        """Close both ends at once (a reset, a stop): wakes every blocked thread of the connection."""
        self.closed = True
        for sock in (self.client, self.server):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.up.wake()
        self.down.wake()

    def thread_done(self) -> None:
        with self._lock:
            self._running -= 1
            last = self._running == 0
        if last:
            self.client.close()
            self.server.close()
            self.link._forget(self)


class LinkForwarder:
    """A TCP forwarder on 127.0.0.1 that behaves like a slow, distant link to (target_host, target_port).

    `one_way_delay_s`: added in each direction (round trip + 2x); `bandwidth_bits_per_s`: per direction,
    shared by all connections (None or 0: unlimited); `burst_bytes`: the token bucket's depth; `buffer_s`: the
    most sending time that queues for the bandwidth; `tcp_handshake`: a new connection's first bytes wait one
    round trip. Use as a context manager, or call `start()` and `stop()`. `port` is known from construction;
    `counters()` tells what went through."""

    def __init__(
        self,
        target_host: str,
        target_port: int,
        one_way_delay_s: float = 0.0,
        bandwidth_bits_per_s: Optional[float] = None,
        burst_bytes: int = CHUNK,
        buffer_s: float = BUFFER_S,
        tcp_handshake: bool = True,
        listen_port: int = 0,
    ):
        self.target = (target_host, target_port)
        self.one_way_delay_s = one_way_delay_s
        self.bandwidth_bits_per_s = bandwidth_bits_per_s or None
        self.tcp_handshake = tcp_handshake
        self.up_bucket = TokenBucket(self.bandwidth_bits_per_s, burst_bytes, buffer_s)
        self.down_bucket = TokenBucket(self.bandwidth_bits_per_s, burst_bytes, buffer_s)
        self._bytes_up = self._bytes_down = self._connections = 0
        self._conns: set = set()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", listen_port), backlog=128)
        self._listener.settimeout(POLL)
        self.port = self._listener.getsockname()[1]
        self._acceptor = threading.Thread(target=self._accept, name=f"link-{self.port}-accept", daemon=True)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> "LinkForwarder":
        self._acceptor.start()
        return self

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                client, peer = self._listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            accepted = time.monotonic()
            client.settimeout(None)
            try:
                server = socket.create_connection(self.target, timeout=10)
                server.settimeout(None)
            except OSError:
                client.close()  # the target refuses: so does the link (after accepting, as a proxy must)
                continue
            for sock in (client, server):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            conn = _Connection(self, client, server, accepted, f"link-{self.port}-{peer[1]}")
            with self._lock:
                if self._stopping.is_set():
                    client.close()
                    server.close()
                    return
                self._conns.add(conn)
                self._connections += 1
            conn.start()

    def _count(self, down: bool, nbytes: int) -> None:
        with self._lock:
            if down:
                self._bytes_down += nbytes
            else:
                self._bytes_up += nbytes

    def _forget(self, conn: _Connection) -> None:
        with self._lock:
            self._conns.discard(conn)

    def counters(self) -> tuple:
        """(bytes delivered upstream, bytes delivered downstream, connections accepted) so far."""
        with self._lock:
            return self._bytes_up, self._bytes_down, self._connections

    def stop(self) -> None:
        """Stop accepting, cut every open connection, join every thread."""
        self._stopping.set()
        if self._acceptor.is_alive():
            self._acceptor.join(JOIN_TIMEOUT)
        self._listener.close()
        with self._lock:
            conns = list(self._conns)
        for conn in conns:
            conn.abort()
        for conn in conns:
            for t in conn.threads:
                t.join(JOIN_TIMEOUT)

    def __enter__(self) -> "LinkForwarder":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", required=True, help="HOST:PORT to forward to")
    parser.add_argument("--delay-ms", type=float, default=0.0, help="one-way delay, each direction (RTT + 2x)")
    parser.add_argument("--bandwidth-mbit", type=float, default=0.0, help="cap per direction (0: none)")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default: any free one)")
    args = parser.parse_args(argv)
    host, sep, port = args.target.rpartition(":")
    if not sep or not port.isdigit():
        print(f"error: --target must be HOST:PORT, not {args.target!r}", file=sys.stderr)
        return 1
    try:
        link = LinkForwarder(
            host.strip("[]"), int(port), args.delay_ms / 1000, args.bandwidth_mbit * 1e6, listen_port=args.port
        )
    except OSError as e:
        print(f"error: cannot listen on port {args.port}: {e.strerror}", file=sys.stderr)
        return 1
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    with link:
        print(link.port, flush=True)
        stop.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
