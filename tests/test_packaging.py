"""The wheel is self-contained: built from a copy of the checkout (offline, with the test venv's
setuptools), installed without dependencies into a temporary folder and run from outside the
repository, it trains on the bundled MNIST and lists the four bundled models. Building prints no
deprecation warnings (the licence is an SPDX string)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BUNDLED_MODELS = {"mnist-cvae-z2.pt", "mnist-vae-z2.pt", "mnist-cvae-z16.pt", "mnist-vae-z16.pt",
                  "mnist-vae-z50-binarized.pt"}


def checkout_files() -> list[str]:
    """What a clone holds now: tracked files and new ones git does not ignore."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout
    return [name for name in listed.split("\0") if name and (ROOT / name).is_file()]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> tuple[Path, str]:
    """The wheel built from a copy of the checkout (so the build leaves no build/ behind), and
    the build's output."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout to know which files a clone holds")
    source = tmp_path_factory.mktemp("source")
    for name in checkout_files():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    dist = tmp_path_factory.mktemp("dist")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "-v", "--no-deps",
                            "--no-build-isolation", "--no-index", "-w", str(dist), str(source)],
                           capture_output=True, text=True, timeout=180)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    (path,) = dist.glob("vae_desktop-*.whl")
    return path, built.stdout + built.stderr


def test_the_wheel_carries_the_resources_launcher_icon_and_guide(wheel):
    path, log = wheel
    names = set(zipfile.ZipFile(path).namelist())
    resources = "vae_desktop/resources/"
    for name in ("README.md", "SHA256SUMS.uncompressed", "train-images-idx3-ubyte.gz",
                 "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
                 "t10k-labels-idx1-ubyte.gz"):
        assert f"{resources}mnist/{name}" in names
    assert {f"{resources}models/{m}" for m in BUNDLED_MODELS | {"README.md"}} <= names
    assert not any("screenshots" in n for n in names)  # the README's pictures stay out
    data = "vae_desktop/data/"
    assert {f"{data}vae-desktop.desktop", f"{data}vae-desktop.svg", f"{data}guide/index.html",
            f"{data}guide/vae.html", f"{data}guide/guide.css", f"{data}guide/vae.png"} <= names
    assert {f"{data}icons/vae-desktop-{s}.png" for s in (48, 128, 256)} <= names
    meta = next(n for n in names if n.endswith(".dist-info/METADATA"))
    metadata = zipfile.ZipFile(path).read(meta).decode()
    assert "License-Expression: MIT" in metadata
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert "deprecat" not in log.lower(), [line for line in log.splitlines()
                                           if "deprecat" in line.lower()]


def test_the_installed_wheel_trains_and_lists_the_bundled_models_from_any_folder(wheel, tmp_path):
    path, _ = wheel
    target = tmp_path / "target"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-compile",
                    "--no-index", "--target", str(target), str(path)],
                   check=True, capture_output=True, timeout=120)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target), "QT_QPA_PLATFORM": "offscreen",
           "VAE_DESKTOP_DATA_DIR": str(tmp_path / "appdata")}

    def run(*args: str) -> subprocess.CompletedProcess:
        done = subprocess.run(args, cwd=elsewhere, env=env, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stderr[-3000:]
        return done

    # The installed command, whose shebang is this interpreter.
    run(str(target / "bin" / "vae-desktop"), "train", "--epochs", "1", "--subset", "500",
        "--test-size", "1000", "--quiet", "--out", "model.pt")
    assert (elsewhere / "model.pt").stat().st_size > 100_000
    listing = run(sys.executable, "-c", (
        "import json, vae_desktop\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from vae_desktop.core.paths import resources_dir\n"
        "from vae_desktop.gui.state import AppState\n"
        "state = AppState()\n"
        "notes = state.load_library()\n"
        "print(json.dumps({'package': vae_desktop.__file__, 'resources': str(resources_dir()),\n"
        "                  'models': [str(m.path) for m in state.models], 'notes': notes}))\n"))
    found = json.loads(listing.stdout.strip().splitlines()[-1])
    installed = target / "vae_desktop"
    assert Path(found["package"]).parent == installed  # not the checkout's copy
    assert Path(found["resources"]) == installed / "resources"
    assert {Path(m).name for m in found["models"]} == BUNDLED_MODELS
    assert all(Path(m).is_relative_to(installed) for m in found["models"]) and not found["notes"]
