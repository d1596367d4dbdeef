"""vae_desktop.core must import with Qt and pyqtgraph unavailable (napari-style import rule)."""

import subprocess
import sys

BLOCKER = r"""
import importlib.abc, pkgutil, sys
BLOCKED = ("PySide6", "shiboken6", "pyqtgraph", "PyQt5", "PyQt6", "superqt")
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"core imported {name}")
sys.meta_path.insert(0, Block())
import vae_desktop.core as core
names = [m.name for m in pkgutil.iter_modules(core.__path__, "vae_desktop.core.")]
for name in names:
    __import__(name)
assert not any(m.split(".")[0] in BLOCKED for m in sys.modules), "Qt leaked into core"
print(len(names))
"""


def test_every_core_module_imports_without_qt():
    result = subprocess.run([sys.executable, "-c", BLOCKER], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip()) >= 8  # data, model, training, checkpoint, metrics, ...


def test_the_blocker_really_blocks():
    code = BLOCKER.replace("import vae_desktop.core as core",
                           "import pyqtgraph\nimport vae_desktop.core as core")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "core imported pyqtgraph" in result.stderr
