"""The Makefile's .venv: `make run` installs the app alone, `make test` adds the test extra, each
once (a stamp per set, made again when pyproject.toml changes); a .venv made by a Python older
than 3.11 or without pip is made again, saying so in one line, where `test -x .venv/bin/python`
reused it forever. Run with stand-ins for Python and pip that log what they are asked, in a
copy of the Makefile (nothing is installed; a few tenths of a second)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REMADE = ".venv is unusable (made by a Python older than 3.11, or without pip): making it again."

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def script(path: Path, text: str) -> Path:
    path.write_text("#!/bin/sh\n" + text)
    path.chmod(0o755)
    return path


@pytest.fixture
def project(tmp_path):
    """A folder with the Makefile, a pyproject.toml, and Pythons: `good` (a venv's: -c runs this
    interpreter, 3.11 or newer with pip; anything else is logged), `old` (what a Python 3.10
    answers to the Makefile's check), `no_pip` (this interpreter without its site-packages), and
    `python3`, which makes a venv whose python is `good` and whose tools log their calls."""
    shutil.copy2(ROOT / "Makefile", tmp_path / "Makefile")
    (tmp_path / "pyproject.toml").write_text("")
    log = tmp_path / "log"
    log.write_text("")
    bin_ = tmp_path / "pythons"
    bin_.mkdir()
    good = script(bin_ / "good", f'if [ "$1" = "-c" ]; then exec {sys.executable} "$@"; fi\n'
                                 f'echo "python $*" >> {log}\n')
    script(bin_ / "old", 'exit 1\n')
    script(bin_ / "no_pip", f'exec {sys.executable} -S "$@"\n')
    tools = "".join(f'printf \'#!/bin/sh\\necho "{tool} $*" >> {log}\\n\' > "$3/bin/{tool}"; '
                    f'chmod +x "$3/bin/{tool}"\n' for tool in ("vae-desktop", "ruff", "lint-imports"))
    script(bin_ / "python3", f'if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then\n'
                             f'  echo "venv" >> {log}; mkdir -p "$3/bin"; cp {good} "$3/bin/python"\n'
                             f'{tools}  exit 0\nfi\n'
                             f'exec {sys.executable} "$@"\n')
    return tmp_path


def make(project: Path, target: str, python: str | None = None) -> tuple[str, list[str]]:
    """Run `make target`; returns its output and the lines logged by the stand-ins."""
    (project / "log").write_text("")
    done = subprocess.run(["make", "--no-print-directory", target,
                           f"PYTHON={python or project / 'pythons' / 'python3'}"],
                          cwd=project, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "MAKEFLAGS": ""})
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr, (project / "log").read_text().splitlines()


PIP_UP = "python -m pip install --quiet --upgrade pip"
APP = "python -m pip install --quiet -e ."
TEST = "python -m pip install --quiet -e .[test]"
PYTEST = "python -m pytest -q -n 2 --dist worksteal"


def test_run_installs_the_app_only_and_test_adds_the_test_extra_once(project):
    out, log = make(project, "run")
    assert log == ["venv", PIP_UP, APP, "vae-desktop "]
    assert make(project, "run")[1] == ["vae-desktop "]  # installed: not again
    out, log = make(project, "test")
    assert log == [TEST, PYTEST, "ruff check vae_desktop tests bench tools", "lint-imports "]
    assert make(project, "test")[1][0] == PYTEST
    assert make(project, "run")[1] == ["vae-desktop "]
    for stamp in (".installed-app", ".installed-test"):  # pyproject.toml edited since
        os.utime(project / ".venv" / stamp, (1e9, 1e9))
    assert make(project, "run")[1] == [PIP_UP, APP, "vae-desktop "]
    assert make(project, "test")[1][0] == TEST  # both sets again, each when used


@pytest.mark.parametrize("kind", ["old", "no_pip"])
def test_a_venv_of_an_old_python_or_without_pip_is_made_again(project, kind):
    make(project, "test")
    shutil.copy2(project / "pythons" / kind, project / ".venv" / "bin" / "python")  # its stamps stay
    out, log = make(project, "test")
    assert out.count(REMADE) == 1, out
    assert log[:4] == ["venv", PIP_UP, APP, TEST]
    assert make(project, "test")[0].count(REMADE) == 0


def test_a_python_older_than_3_11_is_named(project):
    done = subprocess.run(["make", "--no-print-directory", "run",
                           f"PYTHON={project / 'pythons' / 'old'}"], cwd=project,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert (f"{project / 'pythons' / 'old'} is older than Python 3.11, which vae-desktop needs: "
            "run make again with PYTHON=python3.11 (or a newer one).") in done.stdout + done.stderr
    assert not (project / ".venv").exists()
