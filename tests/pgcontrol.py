"""Stopping and starting the test cluster (tests/pgserver.py) in the middle of a test: the
server gone away and back, as when the office's server is restarted."""

from __future__ import annotations

# as tests/pgserver.py starts it
OPTIONS = ("-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off -c synchronous_commit=off "
           "-c full_page_writes=off -c max_connections=200 -c shared_buffers=64MB")


def stop(cluster) -> None:
    """Stop the server (fast: every connection is cut), keeping its data."""
    cluster._run("pg_ctl", "stop", "-D", str(cluster.data), "-m", "fast", "-w", "-t", "60")


def start(cluster) -> None:
    """Start it again on the same port, with the same data."""
    cluster._run("pg_ctl", "start", "-D", str(cluster.data), "-w", "-t", "60", "-l",
                 str(cluster.folder / "server.log"), "-o",
                 OPTIONS.format(port=cluster.port, folder=cluster.folder))
