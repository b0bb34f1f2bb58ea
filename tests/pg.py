"""A real PostgreSQL server for the tests, started from Debian's binaries.

Each pytest process (each xdist worker) starts its own server the first time
a test asks for one: ``initdb`` into a fresh folder, ``pg_ctl start`` with a
Unix socket in that folder and no TCP port, so servers of several workers
(and of several runs at once) never meet. As root (CI runs as root, and
PostgreSQL refuses to), the binaries run as the ``postgres`` user. The
server is ready when a connection to it succeeds (polled, never a fixed
sleep), and is stopped and removed when the process ends.

Every test gets a schema of its own (the address's search path names it),
so each starts from an empty store. When no binaries are found the tests
that need a server are skipped, except under CI (CI=true), where that is a
failure.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import shutil
import subprocess
import tempfile
import time
import urllib.parse
from pathlib import Path

# where the server binaries are looked for: DRILL_PG_BIN alone when set, else Debian's
BIN_DIRS = ([Path(os.environ["DRILL_PG_BIN"])] if os.environ.get("DRILL_PG_BIN") else
            [Path("/usr/lib/postgresql/15/bin"), *sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)])
READY_WITHIN_S = 60.0
SUPERUSER = "postgres"
DATABASE = "drill_test"


def binaries() -> Path | None:
    for folder in BIN_DIRS:
        if (folder / "postgres").is_file() and (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    return None


class Server:
    """One PostgreSQL server of this test process."""

    def __init__(self, bindir: Path, durable: bool = False) -> None:
        self.bindir = bindir
        # durable: each commit is in the WAL when acknowledged (a server killed with
        # ``halt`` keeps it); otherwise commits are acknowledged before, for speed
        self.durable = durable
        self.root = Path(tempfile.mkdtemp(prefix="drill-pg-"))
        self.data = self.root / "data"
        self.socket = self.root / "sock"
        self.log = self.root / "server.log"
        self.port = 5432  # only names the socket file: there is no TCP port
        self.as_postgres = os.geteuid() == 0
        self._schemas = itertools.count(1)
        self.socket.mkdir()
        if self.as_postgres:
            import pwd

            owner = pwd.getpwnam("postgres")
            for path in (self.root, self.socket):
                os.chown(path, owner.pw_uid, owner.pw_gid)
        self.started = False

    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)

    def start(self) -> None:
        done = self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "--auth=trust", "--no-sync",
                         "-E", "UTF8", "--locale=C.UTF-8")
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed: {done.stdout}{done.stderr}")
        # the superuser the tests connect as is trusted; every other role logs in with its
        # password (SCRAM), as a class's trainees and instructors do
        (self.data / "pg_hba.conf").write_text(f"local all {SUPERUSER} trust\nlocal all all scram-sha-256\n")
        self.options = (f"-c listen_addresses='' -c unix_socket_directories={self.socket} -c port={self.port} "
                        f"-c fsync=off -c synchronous_commit={'on' if self.durable else 'off'} -c full_page_writes=off "
                        "-c max_connections=400 "
                        "-c shared_buffers=32MB")
        # -W: pg_ctl does not wait; readiness is polled below
        done = self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", self.options, "-W", "start")
        if done.returncode != 0:
            raise RuntimeError(f"pg_ctl start failed: {done.stdout}{done.stderr}{self._log_tail()}")
        self.started = True
        atexit.register(self.stop)
        self._wait_ready()
        with self.connect("postgres") as conn:
            conn.execute(f"CREATE DATABASE {DATABASE}")

    def _log_tail(self) -> str:
        with contextlib.suppress(OSError):
            return self.log.read_text("utf-8", "replace")[-2000:]
        return ""

    def _wait_ready(self) -> None:
        import psycopg

        deadline = time.monotonic() + READY_WITHIN_S
        while True:
            try:
                psycopg.connect(self.url("postgres"), connect_timeout=5).close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise RuntimeError("the PostgreSQL server did not become ready: " + self._log_tail()) from None
                time.sleep(0.05)  # polling: the loop ends as soon as the server answers

    def url(self, database: str = DATABASE, schema: str | None = None, user: str = SUPERUSER,
            password: str | None = None) -> str:
        query = {"host": str(self.socket), "port": str(self.port), "user": user}
        if password is not None:
            query["password"] = password
        if schema:
            query["options"] = f"-csearch_path={schema}"
        return f"postgresql:///{database}?" + urllib.parse.urlencode(query)

    def connect(self, database: str = DATABASE):
        import psycopg

        return psycopg.connect(self.url(database), autocommit=True)

    def fresh_schema(self) -> str:
        """A new, empty schema; its address."""
        name = f"t{os.getpid()}_{next(self._schemas)}"
        with self.connect() as conn:
            conn.execute(f"CREATE SCHEMA {name}")
        return self.url(schema=name)

    def restart(self) -> None:
        """Stop the server (its clients' connections dropped) and start it again."""
        done = self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-m", "fast", "-w", "restart")
        if done.returncode != 0:
            raise RuntimeError(f"pg_ctl restart failed: {done.stdout}{done.stderr}{self._log_tail()}")
        self._wait_ready()

    def halt(self, mode: str = "immediate") -> None:
        """Stop the server (``immediate``: killed, as by a crash), its data kept for :meth:`resume`."""
        done = self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", timeout=60)
        if done.returncode != 0:
            raise RuntimeError(f"pg_ctl stop failed: {done.stdout}{done.stderr}{self._log_tail()}")

    def halt_command(self, mode: str = "immediate") -> list[str]:
        """The command that halts the server, for another process to run."""
        command = [str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"]
        return ["runuser", "-u", "postgres", "--", *command] if self.as_postgres else command

    def resume(self) -> None:
        """Start the halted server again, and wait until it answers."""
        done = self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", self.options, "-W", "start")
        if done.returncode != 0:
            raise RuntimeError(f"pg_ctl start failed: {done.stdout}{done.stderr}{self._log_tail()}")
        self._wait_ready()

    def stop(self) -> None:
        if self.started:
            self.started = False
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", timeout=60)
        shutil.rmtree(self.root, ignore_errors=True)


_server: Server | None = None
_failed: str | None = None


def server() -> Server | str:
    """This process's server, started on first use; or why there is none."""
    global _server, _failed
    if _server is not None:
        return _server
    if _failed is not None:
        return _failed
    bindir = binaries()
    if bindir is None:
        _failed = "no PostgreSQL server binaries (initdb, pg_ctl, postgres) in " + ", ".join(map(str, BIN_DIRS[:1]))
        return _failed
    started = None
    try:
        started = Server(bindir)
        started.start()
    except Exception as exc:
        if started is not None:
            started.stop()
        _failed = f"the PostgreSQL server could not be started: {exc!r}"
        return _failed
    _server = started
    return _server


def stop() -> None:
    global _server
    if _server is not None:
        _server.stop()
        _server = None
