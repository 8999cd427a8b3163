"""Start JupyterLab for the workbench: loopback only, with a token, no news or update checks.

`make lab` runs this with JupyterLab's own venv, .venv-lab, whose one kernel ("python3") is the project's
.venv interpreter: JupyterLab installed beside the project would make every kernel start about 1 s slower
(tools/lock.py). Conda users run `python tools/lab.py` in their one environment. Extra arguments go
to `jupyter lab` unchanged (`make lab LAB_ARGS="--no-browser --port 8899"`).

- The settings live in tools/jupyter/ and reach Jupyter through JUPYTER_CONFIG_PATH, so neither the
  user's ~/.jupyter nor the environment is edited: jupyter_server_config.json (127.0.0.1, no news feed,
  no update check, read-only extension manager: the server fetches nothing) and
  labconfig/default_setting_overrides.json (the page never asks to fetch Jupyter news).
- Jupyter refuses to run as root unless told `--allow-root`; as root this passes it and says so.
- Kernels get the offline chart renderer from `import bilateral` (bilateral.viz.notebook).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
CONFIG_DIR = REPO_DIR / "tools" / "jupyter"
_ROOT_DIR_OPTIONS = ("--ServerApp.root_dir", "--notebook-dir", "--ServerApp.notebook_dir")
ROOT_MESSAGE = (
    "Running as root (uid 0): Jupyter refuses root unless given --allow-root, so `make lab` passes it. "
    "Notebooks and kernels then run as root; start it as an ordinary user where you can."
)


def lab_command(
    extra_args: Sequence[str], *, uid: int, environ: Mapping[str, str], python: str = sys.executable
) -> tuple[list[str], dict[str, str], list[str]]:
    """The `jupyter lab` argv, its environment and the notes to print first, for a user with `uid`.

    The server's root is the repository (so reports/ is served and the explorer can link a report it
    wrote); the browser opens on notebooks/. Kernels learn the root and base URL from the environment.
    """
    env = dict(environ)
    paths = [str(CONFIG_DIR), *filter(None, env.get("JUPYTER_CONFIG_PATH", "").split(os.pathsep))]
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(dict.fromkeys(paths))
    argv = [python, "-m", "jupyterlab", *extra_args]
    root_dir = _option(extra_args, _ROOT_DIR_OPTIONS)
    if root_dir is None:
        root_dir = str(REPO_DIR)
        argv += [f"--ServerApp.root_dir={REPO_DIR}", "--LabApp.default_url=/lab/tree/notebooks"]
    env["BILATERAL_LAB_ROOT_DIR"] = str(Path(root_dir).expanduser().resolve())
    env["BILATERAL_LAB_BASE_URL"] = _option(extra_args, ("--ServerApp.base_url", "--base-url")) or "/"
    notes = []
    if uid == 0 and "--allow-root" not in extra_args:
        argv.append("--allow-root")
        notes.append(ROOT_MESSAGE)
    return argv, env, notes


def _option(args: Sequence[str], names: tuple[str, ...]) -> str | None:
    """The value of the last `--name=value` or `--name value` among `args` for any of `names`."""
    found = None
    for index, arg in enumerate(args):
        for name in names:
            if arg.startswith(name + "="):
                found = arg.split("=", 1)[1]
            elif arg == name and index + 1 < len(args):
                found = args[index + 1]
    return found


def main(argv: Sequence[str]) -> None:
    command, env, notes = lab_command(argv, uid=os.getuid() if hasattr(os, "getuid") else 1, environ=os.environ)
    for note in notes:
        print(f"bilateral: {note}", file=sys.stderr, flush=True)
    print(
        "bilateral: JupyterLab on 127.0.0.1 with a token (open the URL printed below); "
        "no news or update checks; charts render offline. Stop it with Ctrl-C.",
        file=sys.stderr,
        flush=True,
    )
    os.execvpe(command[0], command, env)  # replace this process: Ctrl-C and signals reach Jupyter directly


if __name__ == "__main__":
    main(sys.argv[1:])
