"""A throwaway PostgreSQL server for the tests: started once per test run on a free 127.0.0.1
port, a new database for each test, everything removed at the end.

The server binaries come from the `pgserver` wheel (in the test extra, so `make test` needs
nothing from the system), else from a system install (Debian's postgresql package). PostgreSQL
refuses to run as root, so as root (CI) the server runs as the unprivileged user `nobody`.
With CI=true a test that needs the server fails when none can be had; elsewhere it is skipped
with the reason.
"""

from __future__ import annotations

import glob
import importlib.util
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

USER = "vae"
# A password the tests look for in every message, log line and label: it must never show.
PASSWORD = "Pw-4-sweeps-never-shown"
UNPRIVILEGED = "nobody"


def binaries() -> Path | None:
    """The folder holding initdb and pg_ctl: the pgserver wheel's, else the system's."""
    spec = importlib.util.find_spec("pgserver")
    for package in (spec.submodule_search_locations or []) if spec else []:
        folder = Path(package) / "pginstall" / "bin"
        if (folder / "initdb").is_file():
            return folder
    found = shutil.which("pg_ctl")
    candidates = [found] if found else []
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True)
    for pg_ctl in candidates:
        folder = Path(pg_ctl).resolve().parent
        if (folder / "initdb").is_file():
            return folder
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PostgresServer:
    """initdb, pg_ctl start/stop and CREATE DATABASE, in a temporary folder."""

    def __init__(self, bin_dir: Path) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="vae-pg-"))
        self.as_user: str | None = UNPRIVILEGED if os.geteuid() == 0 else None
        if self.as_user:
            entry = pwd.getpwnam(self.as_user)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
            if not self._can_run(bin_dir / "initdb"):
                bin_dir = self._copy_of_wheel(bin_dir)
        self.bin = bin_dir
        self.data = self.root / "data"
        self.port = 0
        self._databases = itertools.count()
        password_file = self.root / "password"
        password_file.write_text(PASSWORD + "\n")
        password_file.chmod(0o644)
        self._run([str(self.bin / "initdb"), "-D", str(self.data), "-U", USER, "-E", "UTF8",
                   "--auth=scram-sha-256", f"--pwfile={password_file}", "--no-sync"])
        password_file.unlink()

    def _copy_of_wheel(self, bin_dir: Path) -> Path:
        """The wheel's server, copied where the unprivileged user can reach it (the checkout may
        be in a private folder): its pginstall, and the libraries beside the package that its
        binaries load (RPATH $ORIGIN/../../../<package>.libs)."""
        pginstall = bin_dir.parent
        package = pginstall.parent
        copy = self.root / "wheel"
        shutil.copytree(pginstall, copy / package.name / "pginstall")
        libs = package.parent / f"{package.name}.libs"
        if libs.is_dir():
            shutil.copytree(libs, copy / libs.name)
        subprocess.run(["chmod", "-R", "a+rX", str(copy)], check=True)
        return copy / package.name / "pginstall" / "bin"

    def _can_run(self, program: Path) -> bool:
        try:
            return self._run([str(program), "--version"], check=False).returncode == 0
        except OSError:  # permission denied on the way to it
            return False

    def _run(self, cmd: list[str], check: bool = True) -> subprocess.CompletedProcess:
        kwargs = {"user": self.as_user, "group": pwd.getpwnam(self.as_user).pw_gid} \
            if self.as_user else {}
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd=self.root,
                              **kwargs)
        if check and done.returncode != 0:
            raise RuntimeError(f"{Path(cmd[0]).name} failed: {(done.stderr or done.stdout).strip()}")
        return done

    @property
    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def start(self) -> None:
        """Start on a free port (the same one again after a stop, when it is still free)."""
        for attempt in range(3):
            port = self.port if self.port and attempt == 0 else free_port()
            options = (f"-h 127.0.0.1 -p {port} -k {self.root} -c fsync=off "
                       "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60")
            done = self._run([str(self.bin / "pg_ctl"), "-D", str(self.data), "-l",
                              str(self.root / "server.log"), "-w", "-t", "30", "-o", options,
                              "start"], check=False)
            if done.returncode == 0:
                self.port = port
                return
        raise RuntimeError(f"the PostgreSQL server did not start: {self.log_tail()}")

    def stop(self) -> None:
        """A fast shutdown: open connections are cut, as when a server goes down."""
        if self.running:
            self._run([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w",
                       "stop"])

    def log_tail(self) -> str:
        log = self.root / "server.log"
        return " | ".join(log.read_text().splitlines()[-5:]) if log.exists() else "no log"

    def url(self, database: str = "postgres", password: str = PASSWORD) -> str:
        return f"postgresql://{USER}:{password}@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A new, empty database; its URL (with the password)."""
        import psycopg

        name = f"sweeps_{next(self._databases)}"
        with psycopg.connect(host="127.0.0.1", port=self.port, user=USER, password=PASSWORD,
                             dbname="postgres", autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def remove(self) -> None:
        try:
            self.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def _unavailable(reason: str):
    """CI must run the PostgreSQL tests: there a missing server is a failure, not a skip."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI needs a PostgreSQL server for this test: {reason}", pytrace=False)
    pytest.skip(f"no PostgreSQL server: {reason}")


@pytest.fixture(scope="session")
def postgres_server():
    """The test run's server (started on first use)."""
    if importlib.util.find_spec("psycopg") is None:
        _unavailable("the driver is missing (pip install -e '.[test]')")
    bin_dir = binaries()
    if bin_dir is None:
        _unavailable("no binaries (pip install pgserver, or apt-get install postgresql)")
    try:
        server = PostgresServer(bin_dir)
    except (OSError, RuntimeError, KeyError, subprocess.SubprocessError) as exc:
        _unavailable(f"initdb failed: {exc}")
    try:
        server.start()
        yield server
    except RuntimeError as exc:
        _unavailable(str(exc))
    finally:
        server.remove()


@pytest.fixture
def postgres_url(postgres_server) -> str:
    """The URL, password included, of a new empty database on the running server."""
    if not postgres_server.running:  # a test that stopped it failed before starting it again
        postgres_server.start()
    return postgres_server.create_database()
