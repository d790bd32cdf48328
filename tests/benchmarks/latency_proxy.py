"""A loopback TCP proxy that delays every byte by a fixed time each way, standing in for
the office network between a desk and its database server (``tc netem`` needs root and
a kernel module this machine does not have).

    python -m tests.benchmarks.latency_proxy TARGET_PORT [--listen PORT] [--delay-ms 1.0]

Each accepted connection is forwarded to ``127.0.0.1:TARGET_PORT``. Every chunk read on
one side is written to the other side ``delay`` seconds after it was read, in order; one
thread reads and one writes per direction, so what is sent in a burst (a pipeline) stays
a burst, and a round trip (a query and its answer) costs twice the delay: 1 ms each way
is 2 ms a round trip, the issue's "2 ms per round trip". ``time.sleep`` on Linux wakes
within about 0.1 ms of the deadline; ``measure_round_trip`` checks what the proxy really
adds (the benchmark reports it).
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import socket
import sys
import threading
import time


class LatencyProxy:
    """``with LatencyProxy(target_port, delay=0.001) as proxy: ... proxy.port``."""

    def __init__(self, target_port: int, delay: float = 0.001, listen_port: int = 0,
                 target_host: str = "127.0.0.1"):
        self.target = (target_host, target_port)
        self.delay = delay
        self._server = socket.create_server(("127.0.0.1", listen_port), backlog=64)
        self.port = self._server.getsockname()[1]
        self._closed = threading.Event()
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self.connections = 0
        self._thread = threading.Thread(target=self._accept, name="latency-proxy", daemon=True)

    def start(self) -> LatencyProxy:
        self._thread.start()
        return self

    def __enter__(self) -> LatencyProxy:
        return self.start()

    def __exit__(self, *_exc) -> None:
        self.close()

    def close(self) -> None:
        self._closed.set()
        with contextlib.suppress(OSError):
            self._server.close()
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()

    # ---- forwarding
    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _addr = self._server.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=10)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            for sock in (client, upstream):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                self._sockets += [client, upstream]
                self.connections += 1
            self._pipe(client, upstream)
            self._pipe(upstream, client)

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        """Two threads: one reads ``source`` and stamps each chunk, one writes each chunk
        to ``sink`` once its time has come."""
        queue: collections.deque = collections.deque()
        ready = threading.Condition()

        def read() -> None:
            try:
                while True:
                    data = source.recv(65536)
                    stamp = time.perf_counter() + self.delay
                    with ready:
                        queue.append((stamp, data))
                        ready.notify()
                    if not data:
                        return
            except OSError:
                with ready:
                    queue.append((0.0, b""))
                    ready.notify()

        def write() -> None:
            while True:
                with ready:
                    while not queue:
                        ready.wait()
                    stamp, data = queue.popleft()
                wait = stamp - time.perf_counter()
                if wait > 0:
                    time.sleep(wait)
                if not data:
                    with contextlib.suppress(OSError):
                        sink.shutdown(socket.SHUT_WR)
                    return
                try:
                    sink.sendall(data)
                except OSError:
                    return

        threading.Thread(target=read, daemon=True, name="proxy-read").start()
        threading.Thread(target=write, daemon=True, name="proxy-write").start()


def calibrate(proxy: LatencyProxy, direct_url: str, proxied_url: str, rounds: int = 3) -> dict:
    """Shorten the proxy's sleep by what its threads add (waking the writer, the sleep's
    overshoot: about 0.1 ms each way here), so that a round trip through it costs the
    wanted ``2 * delay`` more than one without it. What it then adds, measured."""
    wanted = proxy.delay
    direct = measure_round_trip(direct_url)
    for _ in range(rounds):
        added = measure_round_trip(proxied_url) - direct
        proxy.delay = max(0.0, proxy.delay - (added - 2 * wanted) / 2)
    added = measure_round_trip(proxied_url) - direct
    return {"wanted_ms": 2 * wanted * 1000, "direct_ms": direct * 1000, "added_ms": added * 1000,
            "sleep_ms": proxy.delay * 1000}


def measure_round_trip(url: str, count: int = 200) -> float:
    """The median seconds of ``SELECT 1`` on one connection to ``url`` (a libpq URL)."""
    import statistics

    import psycopg2

    conn = psycopg2.connect(url)
    try:
        conn.autocommit = True
        seconds = []
        with conn.cursor() as cur:
            for _ in range(count):
                start = time.perf_counter()
                cur.execute("SELECT 1")
                cur.fetchone()
                seconds.append(time.perf_counter() - start)
        return statistics.median(seconds)
    finally:
        conn.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.latency_proxy", description=__doc__.splitlines()[0])
    parser.add_argument("target_port", type=int)
    parser.add_argument("--listen", type=int, default=0, help="the port to listen on (default: any free one)")
    parser.add_argument("--delay-ms", type=float, default=1.0, help="delay each way, in ms (default 1.0)")
    args = parser.parse_args(argv)
    proxy = LatencyProxy(args.target_port, args.delay_ms / 1000, args.listen).start()
    print(f"127.0.0.1:{proxy.port} -> 127.0.0.1:{args.target_port}, {args.delay_ms} ms each way", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        proxy.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
