"""vae_desktop.core must import with Qt and pyqtgraph unavailable (napari-style import rule)."""

import subprocess
import sys
from pathlib import Path

BLOCKER = r"""
import importlib.abc, pkgutil, sys
BLOCKED = ("PySide6", "shiboken6", "pyqtgraph", "PyQt5", "PyQt6", "superqt")
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"core imported {name}")
sys.meta_path.insert(0, Block())
import vae_desktop.core as core
names = [m.name for m in pkgutil.walk_packages(core.__path__, "vae_desktop.core.")]
for name in names:
    __import__(name)
assert not any(m.split(".")[0] in BLOCKED for m in sys.modules), "Qt leaked into core"
print(" ".join(names))
"""


def test_every_core_module_imports_without_qt():
    result = subprocess.run([sys.executable, "-c", BLOCKER], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    checked = set(result.stdout.split())
    assert len(checked) >= 8  # data, model, training, checkpoint, metrics, ...
    # Every module of core, its subpackages' too (iter_modules stopped at core/sweep/).
    core = Path(__file__).resolve().parents[1] / "vae_desktop" / "core"
    on_disk = {"vae_desktop." + ".".join(p.relative_to(core.parent).with_suffix("").parts)
               .removesuffix(".__init__") for p in core.rglob("*.py") if p.name != "__init__.py"}
    on_disk |= {"vae_desktop.core." + ".".join(p.parent.relative_to(core).parts)
                for p in core.rglob("__init__.py") if p.parent != core}
    assert on_disk <= checked, sorted(on_disk - checked)
    assert "vae_desktop.core.sweep.storage" in checked


def test_the_blocker_really_blocks():
    code = BLOCKER.replace("import vae_desktop.core as core",
                           "import pyqtgraph\nimport vae_desktop.core as core")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "core imported pyqtgraph" in result.stderr
