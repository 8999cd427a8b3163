"""pyproject.toml, the lock files and environment.yml describe one environment (tools/lock.py writes the last three)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
DEV_EXTRAS = ("test", "dask", "bench")
EXTRAS = (*DEV_EXTRAS, "lab")
LOCKS = ("requirements.lock", "requirements-dev.lock", "requirements-lab.lock")
LAB_FRONTENDS = ("ipywidgets", "anywidget")  # widget front ends the lab server's venv (.venv-lab) needs


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _requirements() -> list[Requirement]:
    project = _project()
    return [
        Requirement(r)
        for r in [*project["dependencies"], *(r for e in EXTRAS for r in project["optional-dependencies"][e])]
    ]


def _locked(name: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in (ROOT / name).read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==([^\s;\\]+)", line)
        if match:
            found.setdefault(_normalise(match.group(1)), match.group(2))
    return found


def _environment() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    pinned = {}
    for entry in [*conda, *(p for p in pip if not p.startswith("-e"))]:
        name, _, version = entry.partition("==")
        if version:
            pinned[_normalise(name)] = version
    return pinned


def _requirements_of(extras: tuple[str, ...]) -> list[Requirement]:
    project = _project()
    return [
        Requirement(r)
        for r in [*project["dependencies"], *(r for e in extras for r in project["optional-dependencies"][e])]
    ]


def _lab_server_requirements() -> list[Requirement]:
    project = _project()
    frontends = [r for r in project["dependencies"] if _normalise(Requirement(r).name) in LAB_FRONTENDS]
    return [Requirement(r) for r in [*project["optional-dependencies"]["lab"], *frontends]]


def test_every_requirement_is_locked_at_a_version_its_bounds_allow():
    wanted = (_requirements_of(()), _requirements_of(DEV_EXTRAS), _lab_server_requirements())
    for lock, requirements in zip(LOCKS, wanted, strict=True):
        locked = _locked(lock)
        for requirement in requirements:
            name = _normalise(requirement.name)
            assert name in locked, f"{name} is not in {lock}: run `make lock`"
            assert requirement.specifier.contains(locked[name], prereleases=True), (
                f"{name}=={locked[name]} violates {requirement}"
            )


def test_each_lock_keeps_the_pins_of_the_one_before_and_runtime_needs_no_tool():
    runtime, dev, lab = (_locked(lock) for lock in LOCKS)
    assert {name: version for name, version in dev.items() if name in runtime} == runtime
    # the lab server's venv is separate, but a package both venvs hold has one version
    assert {name: version for name, version in lab.items() if name in dev} == {
        name: version for name, version in dev.items() if name in lab
    }
    assert "bilateral" not in lab and "polars" not in lab, "the lab venv serves; .venv's kernel runs the code"
    for tool in ("pytest", "nbval", "playwright", "jupyterlab", "ruff"):
        assert tool not in runtime, f"{tool} is a test or lab tool, not a runtime dependency"
    assert "jupyterlab" not in dev and "rfc3987-syntax" not in dev, (
        "lab stays out of the test environment (slow kernels)"
    )


def test_locks_carry_hashes():
    for name in LOCKS:
        text = (ROOT / name).read_text()
        assert text.count("==") <= text.count("--hash=sha256:"), f"{name} has a pin without a hash"


def test_environment_yml_pins_every_requirement_to_the_locked_version():
    locked, environment = {**_locked("requirements-dev.lock"), **_locked("requirements-lab.lock")}, _environment()
    expected = {_normalise(r.name): locked[_normalise(r.name)] for r in _requirements()}
    expected.update({_normalise(extra): locked[_normalise(extra)] for r in _requirements() for extra in r.extras})
    assert environment == expected


def test_environment_yml_python_matches_requires_python():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python"))
    assert python.removeprefix("python") == _project()["requires-python"]
