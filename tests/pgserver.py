"""A throwaway PostgreSQL server for tests: initdb in a temp dir, pg_ctl start on 127.0.0.1, stop and delete after."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

PG_BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)  # newest major version first
SERVICE_USER = "postgres"  # PostgreSQL refuses to run as root: when we are root, the server runs as this user


def find_pg_bin() -> Path | None:
    """The directory holding initdb and pg_ctl (Debian's /usr/lib/postgresql/<major>/bin), or None."""
    for candidate in [*PG_BIN_DIRS, *(Path(p) for p in os.environ.get("PATH", "").split(os.pathsep) if p)]:
        if (candidate / "initdb").exists() and (candidate / "pg_ctl").exists():
            return candidate
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PgServer:
    """A PostgreSQL cluster of its own (trust auth, 127.0.0.1 only), with one database created on start."""

    database: str = "newsmon"
    user: str = "newsmon"
    port: int = 0
    root: Path | None = None
    bin_dir: Path | None = None
    _tmp: tempfile.TemporaryDirectory[str] | None = field(default=None, repr=False)

    @property
    def data_dir(self) -> Path:
        """The cluster's data directory."""
        assert self.root is not None
        return self.root / "data"

    @property
    def dsn(self) -> str:
        """libpq keyword form, as DuckDB's postgres extension and DuckLake take it."""
        return f"host=127.0.0.1 port={self.port} user={self.user} dbname={self.database}"

    def url(self, driver: str = "postgresql", database: str | None = None) -> str:
        """URL form (postgresql+asyncpg://... for Prefect's server)."""
        return f"{driver}://{self.user}@127.0.0.1:{self.port}/{database or self.database}"

    def _run(self, args: list[str]) -> subprocess.CompletedProcess[str]:
        kwargs: dict[str, object] = {}
        if os.geteuid() == 0:
            kwargs["user"] = SERVICE_USER
            kwargs["group"] = pwd.getpwnam(SERVICE_USER).pw_gid
        result = subprocess.run(args, capture_output=True, text=True, check=False, timeout=120,
                                cwd=self.root, **kwargs)  # type: ignore[call-overload]
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(args[:2])} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")
        return result

    def start(self) -> PgServer:
        """initdb, start, wait until it accepts connections, create the role and the database."""
        self.bin_dir = self.bin_dir or find_pg_bin()
        if self.bin_dir is None:
            raise RuntimeError("PostgreSQL server binaries (initdb, pg_ctl) not found; apt-get install postgresql")
        if self.root is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="newsmon-pg-")
            self.root = Path(self._tmp.name)
        self.port = self.port or _free_port()
        self.root.chmod(0o777)  # the service user writes its data dir and log here
        if os.geteuid() == 0:
            shutil.chown(self.root, user=SERVICE_USER)
        bin_dir = self.bin_dir
        self._run([str(bin_dir / "initdb"), "-D", str(self.data_dir), "-U", "postgres", "--auth=trust",
                   "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"])
        options = (f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.root} "
                   "-c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off")
        self._run([str(bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-l", str(self.root / "postgres.log"),
                   "-o", options, "-w", "-t", "60", "start"])
        psql = [str(bin_dir / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", "postgres",
                "-v", "ON_ERROR_STOP=1", "-q", "-c"]
        self._run([*psql, f'CREATE ROLE "{self.user}" LOGIN SUPERUSER'])
        self._run([*psql, f'CREATE DATABASE "{self.database}" OWNER "{self.user}"'])
        return self

    def create_database(self, name: str) -> str:
        """Another database in the same cluster (Prefect's server and the DuckLake catalog each get one)."""
        assert self.bin_dir is not None
        self._run([str(self.bin_dir / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d",
                   "postgres", "-v", "ON_ERROR_STOP=1", "-q", "-c", f'CREATE DATABASE "{name}" OWNER "{self.user}"'])
        return name

    def stop(self) -> None:
        """pg_ctl stop (fast), then remove the temp dir."""
        if self.bin_dir is not None and self.root is not None and (self.data_dir / "postmaster.pid").exists():
            try:
                self._run([str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w", "stop"])
            except RuntimeError:
                time.sleep(1.0)
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> PgServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
