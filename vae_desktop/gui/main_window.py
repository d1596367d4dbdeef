"""The main window: one tab per module, a model selector shared by every tab."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel, QMainWindow, QTabWidget, QToolBar

from vae_desktop.gui.conditional_tab import ConditionalTab
from vae_desktop.gui.draw_tab import DrawTab
from vae_desktop.gui.evaluate_tab import EvaluateTab
from vae_desktop.gui.interpolate_tab import InterpolateTab
from vae_desktop.gui.latent_tab import LatentTab
from vae_desktop.gui.state import AppState
from vae_desktop.gui.sweep_tab import SweepTab
from vae_desktop.gui.train_tab import TrainTab

TABS = (
    ("Train", TrainTab),
    ("Draw", DrawTab),
    ("Latent space", LatentTab),
    ("Conditional", ConditionalTab),
    ("Interpolate", InterpolateTab),
    ("Evaluate", EvaluateTab),
    ("Sweep", SweepTab),
)


class MainWindow(QMainWindow):
    def __init__(self, state: AppState | None = None, load_bundled: bool = True) -> None:
        super().__init__()
        self.setWindowTitle("VAE Desktop")
        self.resize(1280, 820)
        self.state = state or AppState(self)
        self.tabs = QTabWidget()
        self.tab_widgets = {}
        for title, cls in TABS:
            widget = cls(self.state)
            self.tab_widgets[title] = widget
            self.tabs.addTab(widget, title)
        self.setCentralWidget(self.tabs)
        bar = QToolBar("Model")
        bar.addWidget(QLabel(" Model: "))
        self.model_combo = QComboBox()
        bar.addWidget(self.model_combo)
        self.addToolBar(bar)
        self.state.models_changed.connect(self._refresh_models)
        self.state.tab_requested.connect(self.show_tab)
        self.model_combo.currentIndexChanged.connect(self._pick_model)
        if load_bundled:
            self.state.load_bundled()

    def show_tab(self, title: str) -> None:
        if title in self.tab_widgets:
            self.tabs.setCurrentWidget(self.tab_widgets[title])

    def _refresh_models(self) -> None:
        self.model_combo.blockSignals(True)
        self.model_combo.clear()
        for ckpt in self.state.models:
            self.model_combo.addItem(ckpt.name)
        if self.state.active in self.state.models:
            self.model_combo.setCurrentIndex(self.state.models.index(self.state.active))
        self.model_combo.blockSignals(False)

    def _pick_model(self, index: int) -> None:
        if 0 <= index < len(self.state.models):
            self.state.set_active(self.state.models[index])
