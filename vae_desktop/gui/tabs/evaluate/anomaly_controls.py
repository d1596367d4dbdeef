"""The anomaly panel's controls: the score, the threshold, the held-out digit with its training
settings, the buttons, and a progress bar with a status line."""

from __future__ import annotations

import math

from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from vae_desktop.core.anomaly import SCORES
from vae_desktop.core.evaluation import AT_MU
from vae_desktop.core.settings import SETTINGS
from vae_desktop.gui import preferences
from vae_desktop.gui.tabs.evaluate.tips import tip
from vae_desktop.gui.widgets import tones
from vae_desktop.gui.widgets.hint_text import HINT_COLOUR
from vae_desktop.gui.widgets.progress_bar import ProgressBar
from vae_desktop.gui.widgets.range_spin import RangeDoubleSpinBox, RangeSpinBox

# At most this many of its training images set the threshold of an active model trained on
# every digit (a percentile needs no more, and all 60,000 took 4 to 18 s on a CPU). A model
# trained without some digits takes all of its own, as its held-out run did, for its figures.
ACTIVE_THRESHOLD_IMAGES = 10_000
DEFAULT_DIGIT = 2
DEFAULT_PERCENTILE = 95.0
KEYS = {"score": "evaluate/score", "percentile": "evaluate/threshold",
        "digit": "evaluate/holdout_digit", "epochs": "evaluate/epochs",
        "train_size": "evaluate/train_size"}


class PercentileBox(RangeDoubleSpinBox):
    """"percentile 95", "percentile 99.5": a whole percentile without its ".0"."""

    def textFromValue(self, value: float) -> str:  # noqa: N802 (Qt's name)
        return f"{value:g}"


class AnomalyControls(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        header = QHBoxLayout()
        intro = QLabel("Images scoring above the threshold are flagged as unusual.")
        intro.setToolTip(tip("The standard test: train a model without one digit, then see how "
                             "well its scores pick out that digit among the others (AUROC)."))
        intro.setWordWrap(True)
        tones.set_tone(intro, HINT_COLOUR)
        header.addWidget(QLabel("<b>Anomaly detection</b>"))
        header.addWidget(intro, 1)
        layout.addLayout(header)

        self.score_combo = QComboBox()
        for key, text in SCORES.items():
            self.score_combo.addItem(text[0].upper() + text[1:], key)
        self.score_combo.setToolTip(tip(
            f"{AT_MU[0].upper() + AT_MU[1:]}: the pixel BCE of the reconstruction decoded from "
            f"the mean code z = μ, plus the KL of q(z|x) from the prior, in nats. Deterministic; "
            f"it is not the sampled negative ELBO of the report's cards, and not a bound on "
            f"−log p(x). Reconstruction error: that BCE alone, without the KL."))
        # Says what it did not take ("150" used to show "15th percentile", then 95.0 again, without
        # a word); the panel shows it in its status line. What is typed may end in the suffix or not.
        self.percentile_spin = PercentileBox("Threshold")
        self.percentile_spin.setRange(50.0, 99.9)
        self.percentile_spin.setDecimals(1)
        self.percentile_spin.setSingleStep(0.5)
        self.percentile_spin.setValue(DEFAULT_PERCENTILE)
        # Not "95.0th": an ordinal, which changes as one types, cannot be the box's suffix.
        self.percentile_spin.setPrefix("percentile ")
        self.percentile_spin.setToolTip(tip(
            "The threshold, as a percentile of the training digits' scores: at the 95th "
            "percentile, 95% of the training digits score below it, so about 5% of normal digits "
            "are false alarms. (The Draw tab's 'Unusual above' is a percentile of the test "
            "digits' scores instead.)"))
        self.digit_combo = QComboBox()
        for d in range(10):
            self.digit_combo.addItem(str(d), d)
        # 2 by default: a clear case (AUROC about 0.9 after 10 epochs). Held-out 1, 7 or 9 score
        # no higher than the digits seen (AUROC 0.05 to 0.5): simple strokes are easy to explain.
        # The figures: bench/README.md (bench/anomaly_auroc.py), also in the guide's Evaluate page.
        self.digit_combo.setCurrentIndex(DEFAULT_DIGIT)
        self.digit_combo.setToolTip(tip(
            "The digit the model never sees in training: its test digits are the anomalies to "
            "find. Some are found far more easily than others (AUROC after 10 epochs on all "
            "images, negative ELBO; 0.5 is chance): 2: 0.909, 0: 0.898 and 8: 0.886 stand out; "
            "7: 0.502 and 9: 0.495 are chance, and 1: 0.046 scores even lower than the digits "
            "the model saw. Simple strokes are easy for any model to explain. The Evaluate page "
            "of the guide (F1) has every digit's figure."))
        epochs, train_size = SETTINGS["epochs"], SETTINGS["train_size"]  # the one table's limits
        # Boxes that say what they did not take (the panel shows it in its status line).
        self.epochs_spin = RangeSpinBox(epochs)
        self.epochs_spin.setRange(int(epochs.low), int(epochs.high))
        self.epochs_spin.setValue(epochs.default)
        self.epochs_spin.setToolTip("Training epochs of the held-out model (about 3 s each on a "
                                    "quiet CPU with all images).")
        self.train_size_spin = RangeSpinBox(train_size)
        self.train_size_spin.setRange(int(train_size.low), int(train_size.high))
        self.train_size_spin.setSingleStep(5000)
        self.train_size_spin.setSpecialValueText("all")
        self.train_size_spin.setGroupSeparatorShown(True)
        self.train_size_spin.setToolTip("Train on the first N training images of the other digits "
                                        "(all: about 54,000).")
        self.train_button = QPushButton("Train held-out model")
        self.train_button.setToolTip("Train a fresh mlp VAE (784-400-20) without the chosen digit, "
                                     "in the background, then score the test set.")
        self.stop_button = QPushButton("Stop")
        self.stop_button.setEnabled(False)
        self.stop_button.setToolTip("Stop training the held-out model: the epochs done so far "
                                    "are still scored.")
        self.active_button = QPushButton("Score active model")
        self.active_button.setToolTip(tip(
            "Score the test digits and the synthetic outliers with the model chosen in the "
            "toolbar. A model trained without some digits (a held-out model added to the models) "
            "is scored as its held-out run was: those digits are the anomalies, with an ROC "
            "curve, and the threshold comes from its own training images. For a model trained "
            "on every digit, every test digit is normal and the threshold comes from the first "
            f"{ACTIVE_THRESHOLD_IMAGES:,} training images."))
        self.keep_button = QPushButton("Add to models")
        self.keep_button.setToolTip("Save the held-out model and add it to the models, to explore "
                                    "it on the other tabs (it stays in the library).")
        self.keep_button.setEnabled(False)
        self.export_button = QPushButton("Export result…")
        self.export_button.setToolTip(tip(
            "Save the anomaly result on screen: as JSON, the figures `vae-desktop anomaly "
            "--json` prints (the threshold, AUROC, precision and recall, and each outlier's "
            "AUROC and share flagged), or as CSV, one figure a row."))
        self.export_button.setEnabled(False)

        # Each label names its box for a screen reader (its buddy), which otherwise says only
        # the value ("Reconstruction + KL", "2").
        labels = {}
        for text, box in (("Score", self.score_combo), ("Threshold", self.percentile_spin),
                          ("Hold out", self.digit_combo), ("Images", self.train_size_spin)):
            labels[text] = QLabel(text)
            labels[text].setBuddy(box)
        controls = QGridLayout()
        controls.setHorizontalSpacing(8)
        controls.addWidget(labels["Score"], 0, 0)
        controls.addWidget(self.score_combo, 0, 1)
        controls.addWidget(labels["Threshold"], 0, 2)
        controls.addWidget(self.percentile_spin, 0, 3)
        controls.addWidget(self.active_button, 0, 5)
        controls.addWidget(labels["Hold out"], 1, 0)
        digit_row = QHBoxLayout()
        digit_row.setSpacing(6)  # "Epochs" touched its box: "Epochs2"
        digit_row.addWidget(self.digit_combo)
        digit_row.addSpacing(10)  # "Epochs" belongs to the box after it, not the digit before
        self.epochs_label = QLabel("Epochs")
        self.epochs_label.setBuddy(self.epochs_spin)  # the box it names, for screen readers
        # Its own width, beside its box: in a wide window the row's room went to the label too,
        # and the word stood far off.
        self.epochs_label.setSizePolicy(QSizePolicy.Fixed, QSizePolicy.Preferred)
        digit_row.addWidget(self.epochs_label)
        digit_row.addWidget(self.epochs_spin)
        controls.addLayout(digit_row, 1, 1)
        controls.addWidget(labels["Images"], 1, 2)
        controls.addWidget(self.train_size_spin, 1, 3)
        controls.addWidget(self.train_button, 1, 5)
        # Stop sits by the progress bar of the training it stops, under the boxes: a sixth
        # column made the tab 1269 px wide, too wide for a 1280x720 screen (1264 px of room).
        # The room to spare goes between the boxes and the buttons, as on the row under them:
        # in a wide window the boxes stretched to 350 px around "all" or "2".
        controls.setColumnStretch(4, 1)
        layout.addLayout(controls)

        status_row = QHBoxLayout()
        self.progress = ProgressBar()
        self.progress.setTextVisible(True)
        self.progress.setMaximumHeight(18)
        self.progress.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)
        status_row.addWidget(self.progress, 1)
        status_row.addWidget(self.status, 2)
        status_row.addWidget(self.stop_button)
        status_row.addWidget(self.keep_button)
        status_row.addWidget(self.export_button)
        layout.addLayout(status_row)

    # ------------------------------------------------------------------ settings
    def save_settings(self, settings) -> None:
        settings.setValue(KEYS["score"], self.score_combo.currentData())
        settings.setValue(KEYS["percentile"], self.percentile_spin.value())
        settings.setValue(KEYS["digit"], self.digit_combo.currentData())
        settings.setValue(KEYS["epochs"], self.epochs_spin.value())
        settings.setValue(KEYS["train_size"], self.train_size_spin.value())

    def restore_settings(self, settings) -> None:
        """Each value read back if it is one the box can hold, else the box's default."""
        score = self.score_combo.findData(preferences.read_str(settings, KEYS["score"]))
        self.score_combo.setCurrentIndex(max(score, 0))
        percentile = preferences.read_float(settings, KEYS["percentile"], DEFAULT_PERCENTILE)
        box = self.percentile_spin
        if not (math.isfinite(percentile) and box.minimum() <= percentile <= box.maximum()):
            percentile = DEFAULT_PERCENTILE
        box.setValue(round(percentile, box.decimals()))
        digit = preferences.read_int(settings, KEYS["digit"], DEFAULT_DIGIT)
        self.digit_combo.setCurrentIndex(digit if 0 <= digit <= 9 else DEFAULT_DIGIT)
        for name, box in (("epochs", self.epochs_spin), ("train_size", self.train_size_spin)):
            default = SETTINGS[name].default
            value = preferences.read_int(settings, KEYS[name], default)
            box.setValue(value if box.minimum() <= value <= box.maximum() else default)
