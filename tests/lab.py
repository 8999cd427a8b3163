"""A JupyterLab server for browser tests, started exactly as `make lab` starts it (tools/lab.py).

It serves copies of the notebooks (JupyterLab saves what it runs; the repository's files stay as they
are), keeps its settings, workspaces, runtime files and reports in a temporary folder (a fresh user,
nothing written to ~/.jupyter), listens on a free loopback port with a random token, and remembers
every process it started so a test can prove none is left after `stop()`.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psutil

REPO_DIR = Path(__file__).resolve().parent.parent
LAUNCHER = REPO_DIR / "tools" / "lab.py"
# The lab server's own venv (make lab / make test create it); its python3 kernel is .venv's interpreter.
LAB_PYTHON = Path(os.environ.get("BILATERAL_LAB_PYTHON", REPO_DIR / ".venv-lab" / "bin" / "python"))
START_TIMEOUT_S = 60.0


def free_loopback_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class LabServer:
    """One JupyterLab process on 127.0.0.1; `base_url`, `token`, `notebooks_dir`, `reports_dir`."""

    workdir: Path
    port: int = field(default_factory=free_loopback_port)
    token: str = field(default_factory=lambda: secrets.token_hex(16))
    process: subprocess.Popen | None = None
    seen_pids: set[int] = field(default_factory=set)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def notebooks_dir(self) -> Path:
        return self.workdir / "notebooks"

    @property
    def reports_dir(self) -> Path:
        return self.workdir / "reports"

    @property
    def runtime_dir(self) -> Path:
        return self.workdir / "runtime"

    @property
    def log_path(self) -> Path:
        return self.workdir / "jupyterlab.log"

    def url(self, path: str) -> str:
        return f"{self.base_url}/{path.lstrip('/')}?token={self.token}"

    def start(self) -> None:
        shutil.copytree(REPO_DIR / "notebooks", self.notebooks_dir, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        env = {
            **os.environ,
            "JUPYTER_TOKEN": self.token,  # not on the command line, where `ps` would show it
            "JUPYTERLAB_SETTINGS_DIR": str(self.workdir / "user-settings"),
            "JUPYTERLAB_WORKSPACES_DIR": str(self.workdir / "workspaces"),
            "JUPYTER_RUNTIME_DIR": str(self.runtime_dir),
            "BILATERAL_REPORTS_DIR": str(self.reports_dir),
        }
        # the repository's layout in miniature: notebooks/ and reports/ under the server's root
        args = [
            "--no-browser",
            f"--port={self.port}",
            "--ServerApp.port_retries=0",
            f"--ServerApp.root_dir={self.workdir}",
        ]
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                [str(LAB_PYTHON), str(LAUNCHER), *args], env=env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with {self.process.returncode}:\n{self.log()}")
            if self.status_code("api/status") == 200:
                return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"JupyterLab did not answer within {START_TIMEOUT_S:.0f} s:\n{self.log()}")

    def status_code(self, path: str, *, with_token: bool = True) -> int:
        url = self.url(path) if with_token else f"{self.base_url}/{path.lstrip('/')}"
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code
        except OSError:
            return 0

    def get_json(self, path: str) -> object:
        import json

        with urllib.request.urlopen(self.url(path), timeout=5) as response:
            return json.load(response)

    def remember_processes(self) -> None:
        """Record the server and everything below it (kernels, report runs) for `leftover_processes`."""
        if self.process is None:
            return
        try:
            server = psutil.Process(self.process.pid)
            self.seen_pids |= {server.pid, *(child.pid for child in server.children(recursive=True))}
        except psutil.NoSuchProcess:
            pass

    def stop(self, timeout_s: float = 30.0) -> None:
        """Stop the server with SIGTERM, on which Jupyter shuts its kernels down and exits; kill only if it hangs."""
        if self.process is None or self.process.poll() is not None:
            return
        self.remember_processes()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
            raise RuntimeError(
                f"JupyterLab ignored SIGTERM for {timeout_s:.0f} s and was killed:\n{self.log()}"
            ) from None

    def leftover_processes(self, grace_s: float = 10.0) -> list[str]:
        """Processes still alive `grace_s` after the stop that this server started or that use its runtime folder."""
        deadline = time.monotonic() + grace_s
        while True:
            alive = []
            for proc in psutil.process_iter(["pid", "cmdline", "status"]):
                cmdline = " ".join(proc.info["cmdline"] or [])
                ours = proc.info["pid"] in self.seen_pids or str(self.runtime_dir) in cmdline
                if ours and proc.info["pid"] != os.getpid() and proc.info["status"] != psutil.STATUS_ZOMBIE:
                    alive.append(f"{proc.info['pid']}: {cmdline[:160]}")
            if not alive or time.monotonic() > deadline:
                return alive
            time.sleep(0.5)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path.exists() else ""
