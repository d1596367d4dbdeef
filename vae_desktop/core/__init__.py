"""Qt-free computation: data, model, trainer, checkpoints, metrics, latent maths, preprocessing.

Nothing in this package may import PySide6 or pyqtgraph (tests/test_core_no_qt.py enforces it).
"""
