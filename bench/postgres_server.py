"""A real PostgreSQL server for the shared-lake tests and bench: Debian's postgresql package,
a cluster made with initdb in a temp dir, listening only on a unix socket there, stopped
afterwards."""

import contextlib
import getpass
import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

SERVER_USER = "postgres"  # initdb refuses to run as root: the package's own user runs it


def server_bin_dir() -> Path:
    """Where initdb and pg_ctl are: on PATH, else Debian's /usr/lib/postgresql/N/bin."""
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).resolve().parent
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise RuntimeError("no PostgreSQL server here: install Debian's postgresql package "
                           "(.ci/run does: apt-get install postgresql)")
    return Path(found[-1]).parent


class PostgresServer:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "cluster"
        self.socket_dir = root  # a short path: unix socket paths are limited to ~100 bytes
        self.bin = server_bin_dir()
        self.as_root = getpass.getuser() == "root"

    def conninfo(self, dbname: str) -> str:
        return f"dbname={dbname} host={self.socket_dir} user={SERVER_USER}"

    def start(self) -> None:
        if self.as_root:
            shutil.chown(self.root, SERVER_USER)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", SERVER_USER,
                  "--no-sync")
        self.resume()

    def resume(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-w",
                  "-o", f"-k {self.socket_dir} -c listen_addresses='' -c fsync=off", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def create_database(self, name: str) -> None:
        self._run("createdb", "-h", str(self.socket_dir), "-U", SERVER_USER, name)

    def _run(self, program: str, *args: str) -> None:
        executable = self.bin / program
        if not executable.exists():
            executable = Path(shutil.which(program) or program)
        command = [str(executable), *args]
        if self.as_root:
            command = ["runuser", "-u", SERVER_USER, "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120,
                       cwd=self.root, env={**os.environ, "LC_ALL": "C"})


@contextlib.contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    """A server in a new dir under /tmp (pytest's own tmp dirs are closed to other users)."""
    root = Path(tempfile.mkdtemp(prefix="pw-pg-", dir="/tmp"))
    server = PostgresServer(root)
    try:
        server.start()
        yield server
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            server.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)
