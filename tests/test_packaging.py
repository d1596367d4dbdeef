"""The wheel is self-contained: built from a copy of the checkout (offline, with the test venv's
setuptools), installed without dependencies into a temporary folder and run from outside the
repository, it trains on the bundled MNIST and lists the five bundled models; it carries no
tests. Building prints no deprecation warnings (the licence is an SPDX string). The source
distribution holds what `make test` needs (the tests with their helpers, the Makefile, the
import rules, the benchmarks, the tools and the README's pictures) and no compiled files. A
rebuilt wheel drops a bundled model removed since the last build. Every package the code
imports is declared."""

from __future__ import annotations

import ast
import json
import os
import re
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
    assert not any(n.startswith("tests/") or "/tests/" in n or "conftest" in n for n in names)
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
    # A bundled model by its name, from the installed package (test_cli_bundled: the rest).
    evaluated = run(str(target / "bin" / "vae-desktop"), "eval", "mnist-vae-z2", "--test-size",
                    "100", "--device", "cpu")
    assert evaluated.stdout.startswith("mnist-vae-z2.pt (MLP, latent 2")
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


def sdist_files(tmp_path: Path) -> set[str]:
    """The files `python -m build --sdist` would pack from a clone of the checkout that has run
    Python (compiled files in __pycache__ folders): setuptools' manifest (egg_info's
    SOURCES.txt, which the sdist command archives). The clone's files are empty but for the
    build's own (names are what MANIFEST.in's rules select; this takes a fraction of a second)."""
    source = tmp_path / "source"
    for name in checkout_files():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        if name in ("setup.py", "pyproject.toml", "MANIFEST.in", "README.md", "LICENSE"):
            shutil.copy2(ROOT / name, source / name)
        else:
            (source / name).touch()
    for folder in ("tests", "vae_desktop", "vae_desktop/core", "bench", "tools"):
        (source / folder / "__pycache__").mkdir(parents=True, exist_ok=True)
        (source / folder / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"")
    (source / "tests" / "stray.pyc").write_bytes(b"")
    done = subprocess.run([sys.executable, "setup.py", "-q", "egg_info", "--egg-base",
                           str(tmp_path)], cwd=source, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    (sources,) = tmp_path.glob("*.egg-info/SOURCES.txt")
    return {line for line in sources.read_text().splitlines()
            if line and not Path(line).is_absolute()}


def test_the_sdist_holds_what_make_test_needs_and_no_compiled_files(tmp_path):
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout to know which files a clone holds")
    packed = sdist_files(tmp_path)
    assert not [n for n in packed if "__pycache__" in n or n.endswith((".pyc", ".pyo"))]
    # What `make test` uses besides the package: the Makefile, the import rules, CI's entry point,
    # the tests with their conftest and helpers, and what ruff checks (bench, tools).
    for name in ("Makefile", ".importlinter", ".ci/run", "tests/conftest.py", "pyproject.toml",
                 "setup.py", "MANIFEST.in", "README.md", "LICENSE", "bench/train_throughput.py",
                 "tools/readme_screenshots.py"):
        assert name in packed, name
    helpers = {p.stem for p in (ROOT / "tests").glob("*.py") if not p.name.startswith("test_")}
    imported = set()
    for test in (ROOT / "tests").glob("*.py"):
        for node in ast.walk(ast.parse(test.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                imported.add(node.module.split(".")[0])
            elif isinstance(node, ast.Constant) and node.value in helpers:  # pytest_plugins
                imported.add(node.value)
    assert {"small_test_set", "monkey", "train_tab_support"} <= imported & helpers
    assert {f"tests/{name}.py" for name in imported & helpers} <= packed
    # Everything else a clone holds, the README's pictures too (the README shows them).
    assert "resources/screenshots/train.png" in packed
    missing = sorted(set(checkout_files()) - packed - {".gitignore"})
    assert missing == []


def test_a_rebuilt_wheel_drops_a_bundled_model_removed_since_the_last_build(tmp_path):
    """setup.py's build step copied the resources into build/lib without clearing it first, so a
    model removed from resources/models/ stayed in every later wheel built in that folder."""
    source = tmp_path / "source"
    for name in ("setup.py", "pyproject.toml", "README.md", "LICENSE"):
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    (source / "vae_desktop").mkdir()
    (source / "vae_desktop" / "__init__.py").write_text("")
    for name in ("mnist/README.md", "models/old.pt", "models/kept.pt"):
        (source / "resources" / name).parent.mkdir(parents=True, exist_ok=True)
        (source / "resources" / name).write_text(name)

    def build() -> set[str]:
        done = subprocess.run([sys.executable, "setup.py", "-q", "build_py", "--build-lib", "lib"],
                              cwd=source, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-3000:]
        folder = source / "lib" / "vae_desktop" / "resources"
        return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}

    assert build() == {"mnist/README.md", "models/old.pt", "models/kept.pt"}
    (source / "resources" / "models" / "old.pt").unlink()
    assert build() == {"mnist/README.md", "models/kept.pt"}


def guarded(tree: ast.AST) -> set[int]:
    """The import statements inside a `try:` that catches ImportError (optional packages)."""
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(
                isinstance(h.type, ast.Name) and h.type.id in ("ImportError", "ModuleNotFoundError")
                for h in node.handlers):
            ids |= {id(inner) for stmt in node.body for inner in ast.walk(stmt)}
    return ids


def test_every_package_the_code_imports_is_declared():
    """sqlalchemy was imported by core/sweep but came only through optuna."""
    import tomllib
    from importlib.metadata import packages_distributions

    modules = set()
    for path in (ROOT / "vae_desktop").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        optional = guarded(tree)
        for node in ast.walk(tree):
            if id(node) in optional:
                continue
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                modules.add(node.module.split(".")[0])
    modules -= set(sys.stdlib_module_names) | {"vae_desktop", "__future__"}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    requirements = project["dependencies"] + [r for name, rs in extras.items() if name != "test"
                                              for r in rs]

    def normal(name: str) -> str:
        return re.sub(r"[-_.]+", "-", name).lower()

    declared = {normal(re.split(r"[\s<>=!~;\[(]", r, maxsplit=1)[0]) for r in requirements}
    providers = packages_distributions()
    undeclared = {m: providers.get(m) for m in modules
                  if not {normal(d) for d in providers.get(m, [])} & declared}
    assert undeclared == {}
    assert "sqlalchemy" in modules
