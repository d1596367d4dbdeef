"""The sampler choice the tabs that sample share: prior N(0, I) or the aggregate posterior's
mixture (core.mixture), with the mixture's fit status, and the binding that gives a tab the
sampler to draw with for its model.

The prior is the default: it is the model's own generative story, and it costs nothing. Picking
the mixture fits it in the background (state.mixtures, once per model's weights, then cached);
until it is ready the view keeps showing prior samples and says so. The choice stays when the
model changes: the new model's mixture is then fitted (the newest model wins)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from vae_desktop.core import mixture
from vae_desktop.gui.widgets import tones
from vae_desktop.gui.widgets.hint_text import HINT_COLOUR
from vae_desktop.gui.widgets.progress_bar import ProgressBar

TIPS = {
    mixture.SAMPLER_PRIOR: (
        "z ~ N(0, t² I), the prior the model was trained towards: the textbook way to sample a "
        "VAE. Parts of it hold no training digit (the 'prior hole'), so some samples are blends "
        "of digits."),
    mixture.SAMPLER_MIXTURE: (
        f"z from a Gaussian mixture ({mixture.COMPONENTS} components, full covariance) fitted to "
        "the posterior means of the training images; a conditional model gets one mixture per "
        f"digit ({mixture.LABEL_COMPONENTS} components each). It samples where training digits "
        "are encoded, so more samples read as clean digits.\nTemperature t scales each sample's "
        "spread around its component's mean (t = 0: the component means).\nFitted once per model "
        "in the background (seconds to half a minute) and cached."),
}


PRIOR_MEANWHILE = "Prior samples are shown until it is ready."
PRIOR_SHOWN = "Prior samples are shown instead."


class SamplerChoice(QWidget):
    """"Sampler [combo]" and, while the mixture is fitted (or if that failed), two lines with a
    progress bar under them: what the fit is doing, and that prior samples are shown meanwhile.
    Once the mixture is ready the lines go: the combo's tooltip says what was fitted."""

    changed = Signal(str)  # the kind picked: mixture.SAMPLER_PRIOR or SAMPLER_MIXTURE

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(2)
        row = QHBoxLayout()
        label = QLabel("Sampler")
        row.addWidget(label)
        self.combo = QComboBox()
        label.setBuddy(self.combo)  # its name for a screen reader
        for kind in mixture.SAMPLERS:
            self.combo.addItem(mixture.SAMPLER_NAMES[kind], kind)
            self.combo.setItemData(self.combo.count() - 1, TIPS[kind], Qt.ToolTipRole)
        self.combo.currentIndexChanged.connect(lambda _: self.changed.emit(self.kind()))
        row.addWidget(self.combo, stretch=1)
        col.addLayout(row)
        self.status = QLabel("")
        self.status.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)  # clipped, not wider
        self.status.hide()
        col.addWidget(self.status)
        self.bar = ProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.bar.setFixedHeight(5)
        self.bar.hide()
        col.addWidget(self.bar)
        self.set_fitted("")

    def kind(self) -> str:
        return self.combo.currentData()

    def set_kind(self, kind: str) -> None:
        self.combo.setCurrentIndex(mixture.SAMPLERS.index(kind))

    def set_fitted(self, text: str) -> None:
        """What the ready mixture is ("" for none), for the combo's tooltip."""
        tips = "\n\n".join(f"{mixture.SAMPLER_NAMES[k]}: {TIPS[k]}" for k in mixture.SAMPLERS)
        self.combo.setToolTip("Where the random codes come from." + (f"\n\nNow: {text}" if text else "")
                              + "\n\n" + tips)

    def show_status(self, text: str, fraction: float | None = None, failed: bool = False,
                    detail: str = "") -> None:
        """A line or two under the combo ("" hides them), with a progress bar when `fraction` is
        given; `detail` goes to their tooltip."""
        self.status.setText(text)
        self.status.setToolTip(detail or text)
        # A failure in red, readable on the window's palette, light or dark (widgets.tones).
        tones.set_tone(self.status, tones.ERROR if failed else HINT_COLOUR)
        self.status.setVisible(bool(text))
        self.bar.setVisible(fraction is not None)
        if fraction is not None:
            self.bar.setValue(int(round(1000 * min(1.0, max(0.0, fraction)))))

    def status_text(self) -> str:
        return self.status.text() if self.status.isVisibleTo(self) else ""


class SamplerSource(QObject):
    """The sampler a tab draws with: `sampler()` for the tab's model (`model_of()`), the
    mixture's when it is picked and ready, else the prior's. `changed` says when to redraw."""

    changed = Signal()

    def __init__(self, state, choice: SamplerChoice, checkpoint_of: Callable[[], object | None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state, self.choice, self._checkpoint_of = state, choice, checkpoint_of
        self._posterior: mixture.AggregatePosterior | None = None
        self._model = None
        choice.changed.connect(self._on_choice)
        state.mixtures.progress.connect(self._on_progress)
        state.mixtures.ready.connect(self._on_ready)
        state.mixtures.failed.connect(self._on_failed)

    def kind(self) -> str:
        """The kind in use now (the mixture only once it is ready)."""
        return mixture.SAMPLER_MIXTURE if self._posterior is not None else mixture.SAMPLER_PRIOR

    def sampler(self) -> mixture.Sampler | None:
        ckpt = self._checkpoint_of()
        if ckpt is None:
            return None
        dim = ckpt.model.latent_dim
        if self._posterior is not None and self._model is ckpt.model and self._posterior.latent_dim == dim:
            return mixture.MixtureSampler(self._posterior)
        return mixture.Sampler(dim)

    def refresh(self) -> None:
        """Call when the model may have changed (then redraw): asks for its mixture when that is
        picked; `changed` follows when it is ready."""
        ckpt = self._checkpoint_of()
        self._model = None if ckpt is None else ckpt.model
        self._posterior = None
        if ckpt is None or self.choice.kind() != mixture.SAMPLER_MIXTURE:
            self.choice.show_status("")
            self.choice.set_fitted("")
        else:
            self._posterior = self.state.mixtures.request(ckpt)
            self._show()

    def _on_choice(self, _kind: str) -> None:
        self.refresh()
        self.changed.emit()

    def _show(self) -> None:
        source = self.state.mixtures
        if self._posterior is not None:
            p = self._posterior
            per = " per digit" if p.conditional else ""
            self.choice.set_fitted(f"a mixture of {p.mixtures[0].components} Gaussians{per}, fitted to "
                                   f"{p.count:,} training codes")
            self.choice.show_status("")
            return
        self.choice.set_fitted("")
        failure = source.failure(self._model)
        if failure is not None:
            self.choice.show_status(f"Could not fit the mixture.\n{PRIOR_SHOWN}", failed=True,
                                    detail=f"Could not fit the mixture: {failure}")
            return
        progress = source.status(self._model) or mixture.FitProgress("Fitting the mixture…", 0.0)
        # What is shown meanwhile, in the line itself: the grid's samples are the prior's.
        self.choice.show_status(f"{progress.text}\n{PRIOR_MEANWHILE}", progress.fraction,
                                detail=f"{progress}\n{PRIOR_MEANWHILE}")

    def _mine(self, model) -> bool:
        return (model is not None and model is self._model
                and self.choice.kind() == mixture.SAMPLER_MIXTURE and self._posterior is None)

    def _on_progress(self, model, _event) -> None:
        if self._mine(model):
            self._show()

    def _on_ready(self, model) -> None:
        if self._mine(model):
            self._posterior = self.state.mixtures.posterior(model)
            self._show()
            self.changed.emit()

    def _on_failed(self, model, _message: str) -> None:
        if self._mine(model):
            self._show()
