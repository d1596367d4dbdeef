"""The sweep form: the settings to try, the budget and objective, and the study (storage, name,
seed, device). It builds the SweepSpec and says, in plain words, why the values cannot run;
`changed` fires on every edit so the tab can re-check them as they change."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from vae_desktop.core import settings as table
from vae_desktop.core.device import available_devices
from vae_desktop.core.sweep import (
    DEFAULT_STUDY,
    HIDDEN_PASSWORD,
    MAX_TRIALS,
    SETTINGS,
    TEST_IMAGES,
    SweepError,
    SweepSpec,
    default_storage_url,
    display_url,
    password_of,
    with_password,
)
from vae_desktop.gui import preferences as qs
from vae_desktop.gui.tabs.sweep.messages import sentence
from vae_desktop.gui.tabs.sweep.search_space import SPEC_DEFAULTS, SearchSpaceBox, spin_for
from vae_desktop.gui.widgets.range_spin import RangeSpinBox


def _spin(what: str, low: int, high: int, value: int, step: int = 1, tip: str = "") -> QSpinBox:
    box = RangeSpinBox(what)
    box.setRange(low, high)
    box.setSingleStep(step)
    box.setValue(value)
    box.setAccelerated(True)
    box.setToolTip(tip)
    return box


def pairs_grid(box: QGroupBox, rows) -> QGridLayout:
    """Two labelled fields a row (a label None: the field spans both columns), so the whole form
    fits beside the study at 1280x720."""
    grid = QGridLayout(box)
    grid.setColumnStretch(1, 1)
    grid.setColumnStretch(3, 1)
    for r, row in enumerate(rows):
        for c, (label, field) in enumerate(row):
            if label is None:
                grid.addWidget(field, r, 2 * c, 1, 4 // len(row))
                continue
            text = QLabel(label)
            span = 1 if len(row) > 1 else 3
            if isinstance(field, QHBoxLayout):
                text.setBuddy(field.itemAt(0).widget())
                grid.addLayout(field, r, 2 * c + 1, 1, span)
            else:
                text.setBuddy(field)
                grid.addWidget(field, r, 2 * c + 1, 1, span)
            grid.addWidget(text, r, 2 * c)
    return grid


class SweepForm(QWidget):
    changed = Signal()  # any value of the form
    refused = Signal(str)  # why a box did not take what was typed
    load_requested = Signal()  # Load pressed, or a study picked from the list
    storage_changed = Signal()  # the storage URL was edited

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.space = SearchSpaceBox()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.space)
        layout.addWidget(self._build_budget())
        layout.addWidget(self._build_study())
        layout.addStretch(1)
        self.space.changed.connect(self.changed)
        for spin in (self.trials_spin, self.epochs_spin, self.train_spin, self.test_spin,
                     self.holdout_spin, self.seed_spin):
            spin.valueChanged.connect(self._emit_changed)
        self.prune_box.toggled.connect(self._emit_changed)
        self.objective_combo.currentIndexChanged.connect(self._objective_changed)
        self.device_combo.currentIndexChanged.connect(self._emit_changed)
        self.storage_edit.textChanged.connect(self._emit_changed)
        self.study_combo.editTextChanged.connect(self._emit_changed)
        for spin in self.findChildren(RangeSpinBox):  # the search space's boxes, too
            spin.refused.connect(self.refused)
        self._objective_changed()

    def _emit_changed(self, *_) -> None:
        self.changed.emit()

    def first_control(self) -> QWidget:
        """The form's first control (the first setting's "vary it" box): where the keyboard
        goes back to the form."""
        return next(iter(self.space.rows.values())).check

    def _build_budget(self) -> QGroupBox:
        box = QGroupBox("Budget and objective")
        self.trials_spin = _spin("Trials", 1, MAX_TRIALS, SPEC_DEFAULTS.trials,
                                 tip="Trials this run adds to the study")
        epochs = table.SETTINGS["epochs"]
        self.epochs_spin = spin_for(epochs, SPEC_DEFAULTS.epochs)
        self.epochs_spin.setToolTip(f"{epochs.help}, for each trial; the median pruner may stop a "
                                    "trial early when its objective trails the others' at the "
                                    "same epoch")
        train = table.SETTINGS["train_size"]
        self.train_spin = spin_for(train, SPEC_DEFAULTS.train_size or 0)
        self.train_spin.setSpecialValueText(f"all {table.TRAIN_IMAGES:,}")
        self.train_spin.setToolTip(f"{train.help}. Small subsets make quick, rough comparisons")
        self.test_spin = _spin("Test images", 0, TEST_IMAGES, SPEC_DEFAULTS.test_size or 0, 500,
                               "Evaluate each trial on the first N test images (0: all)")
        self.test_spin.setSpecialValueText(f"all {TEST_IMAGES:,}")
        for spin in (self.train_spin, self.test_spin):  # "10,000", as the Train tab writes it
            spin.setGroupSeparatorShown(True)
        self.objective_combo = QComboBox()
        self.objective_combo.addItem("Test loss (negative ELBO, lower is better)", "test_loss")
        self.objective_combo.addItem("Held-out digit AUROC (higher is better)", "auroc")
        self.objective_combo.setToolTip(
            "Test loss: how well the model explains test digits. AUROC: train without one digit, "
            "then how well the negative ELBO tells that digit from the others (anomaly detection)")
        self.prune_box = QCheckBox("Prune unpromising trials")
        self.prune_box.setChecked(SPEC_DEFAULTS.prune)
        self.prune_box.setToolTip("Median rule: after each epoch, stop a trial whose objective is "
                                  "worse than the median of the completed trials at that epoch")
        self.holdout_spin = _spin(
            "The held-out digit", 0, 9, SPEC_DEFAULTS.holdout,
            tip="The digit left out of training for the AUROC objective. 2, 0 and 8 stand out "
                "from the digits seen; 7 and 9 score about 0.5 (chance) and 1 lower still, so a "
                "sweep on them compares noise (the Evaluate page of the guide has every digit)")
        pairs_grid(box, (
            (("Trials", self.trials_spin), ("Epochs per trial", self.epochs_spin)),
            ((train.label, self.train_spin), ("Test images", self.test_spin)),
            (("Objective", self.objective_combo),),
            ((None, self.prune_box), ("Held-out digit", self.holdout_spin))))
        return box

    def _build_study(self) -> QGroupBox:
        box = QGroupBox("Study")
        self.storage_edit = QLineEdit()
        self.storage_edit.setPlaceholderText(default_storage_url())
        self.storage_edit.setToolTip(
            "Optuna storage URL. Empty: the SQLite file shown, in the app's data folder. A "
            "database server (postgresql://user:password@host/db) lets several machines work on "
            "one study: run `vae-desktop sweep --storage URL --study NAME` on each")
        self.storage_edit.setClearButtonEnabled(True)
        # A password typed in the URL is shown as *** once typed; the real URL is used.
        self._storage_typed = ""  # the URL as typed, password included
        self.storage_edit.editingFinished.connect(self._hide_password)
        self.storage_edit.editingFinished.connect(self.storage_changed)
        self.study_combo = QComboBox()
        self.study_combo.setEditable(True)
        self.study_combo.setInsertPolicy(QComboBox.NoInsert)
        self.study_combo.setEditText(DEFAULT_STUDY)
        self.study_combo.setToolTip("A new name starts a study; an existing one is resumed "
                                    "(pick it from the list to see its trials)")
        self.study_combo.activated.connect(lambda _: self.load_requested.emit())
        self.load_button = QPushButton("Load")
        self.load_button.setToolTip("Show the trials of this study without running any")
        self.load_button.clicked.connect(self.load_requested)
        study_row = QHBoxLayout()
        study_row.addWidget(self.study_combo, 1)
        study_row.addWidget(self.load_button)
        seed = table.SETTINGS["seed"]
        self.seed_spin = spin_for(seed, SPEC_DEFAULTS.seed)
        self.seed_spin.setToolTip("Seeds the sampler and each trial's training; the same seed "
                                  "repeats a sweep exactly")
        self.device_combo = QComboBox()
        self.device_combo.addItem("Automatic", "auto")
        for name, label in available_devices():
            self.device_combo.addItem(label, name)
        self.device_combo.setToolTip("Where each trial trains. Automatic: the best device of the "
                                     "machine that runs it (workers elsewhere may have a GPU)")
        pairs_grid(box, ((("Storage", self.storage_edit),), (("Study name", study_row),),
                         ((seed.label, self.seed_spin), ("Device", self.device_combo))))
        return box

    def _objective_changed(self, *_) -> None:
        auroc = self.objective() == "auroc"
        self.holdout_spin.setEnabled(auroc)
        if auroc:  # the AUROC model must not be told the held-out digit's label
            self.space.conditional.setChecked(False)
        self.space.conditional.setEnabled(not auroc)
        self.changed.emit()

    # Values
    def objective(self) -> str:
        return self.objective_combo.currentData()

    def set_objective(self, objective: str) -> None:
        self.objective_combo.setCurrentIndex(max(self.objective_combo.findData(objective), 0))

    def study_name(self) -> str:
        return self.study_combo.currentText().strip()

    def set_study_name(self, name: str) -> None:
        self.study_combo.setEditText(name)

    def storage(self) -> str | None:
        """The storage URL typed (its password as typed, though shown hidden), or None for the
        default SQLite file."""
        text = self.storage_edit.text().strip()
        if self._storage_typed and text == display_url(self._storage_typed):
            return self._storage_typed
        return with_password(text, password_of(self._storage_typed)) or None

    def set_storage(self, url: str) -> None:
        self.storage_edit.setText(url)
        self._hide_password()
        self.storage_changed.emit()

    def _hide_password(self) -> None:
        text = self.storage_edit.text().strip()
        if password_of(text) not in (None, "", HIDDEN_PASSWORD):
            self._storage_typed = text
            self.storage_edit.setText(display_url(text))

    def set_budget(self, trials: int | None = None, epochs: int | None = None,
                   train_size: int | None = None, test_size: int | None = None) -> None:
        """Trials, epochs per trial and image counts (0: all)."""
        for spin, value in ((self.trials_spin, trials), (self.epochs_spin, epochs),
                            (self.train_spin, train_size), (self.test_spin, test_size)):
            if value is not None:
                spin.setValue(value)

    def set_study_sweep(self, objective: str, holdout: int | None, space: dict | None) -> None:
        """A stored study's objective, held-out digit and search space (SweepStudy.space: what
        varies, its ranges or choices, the fixed values), so that Start continues that study."""
        self.set_objective(objective)
        if holdout is not None and self.holdout_spin.minimum() <= holdout <= \
                self.holdout_spin.maximum():
            self.holdout_spin.setValue(holdout)
        if not space:
            return
        self.space.set_vary(space["vary"])
        for name, values in space["ranges"].items():
            self.space.set_varied(name, tuple(values))
        for name, value in space["fixed"].items():
            self.space.set_fixed(name, value)
        if self.space.conditional.isEnabled():  # not for the AUROC objective
            self.space.conditional.setChecked(space["conditional"])

    def fill_studies(self, names: list[str]) -> None:
        """The studies the storage holds, to pick from; the name typed stays."""
        text = self.study_combo.currentText()
        self.study_combo.blockSignals(True)
        self.study_combo.clear()
        self.study_combo.addItems(names)
        self.study_combo.setEditText(text)
        self.study_combo.blockSignals(False)

    def studies(self) -> list[str]:
        return [self.study_combo.itemText(i) for i in range(self.study_combo.count())]

    def spec(self) -> SweepSpec:
        """The sweep the form describes; raises SweepError saying every thing to fix."""
        return SweepSpec(
            **self.space.spec_kwargs(),
            trials=self.trials_spin.value(), epochs=self.epochs_spin.value(),
            train_size=self.train_spin.value() or None, test_size=self.test_spin.value() or None,
            objective=self.objective(), holdout=self.holdout_spin.value(),
            storage=self.storage(), study=self.study_name(), seed=self.seed_spin.value(),
            device=self.device_combo.currentData(), prune=self.prune_box.isChecked())

    def problems(self) -> list[str]:
        """Why the values cannot run, one sentence each; empty when they can."""
        try:
            self.spec()
        except SweepError as exc:
            # Text that is not a number stops the check before the ranges: add the rows' own.
            problems = exc.problems + [p for p in self.space.problems() if p not in exc.problems]
            return [sentence(p) for p in problems]
        return []

    # Remembered between sessions
    def save(self, s: QSettings) -> None:
        values = {"vary": ",".join(self.space.vary()), "trials": self.trials_spin.value(),
                  "epochs": self.epochs_spin.value(), "train": self.train_spin.value(),
                  "test": self.test_spin.value(), "objective": self.objective(),
                  "holdout": self.holdout_spin.value(), "storage": self.storage() or "",
                  "study": self.study_name(), "seed": self.seed_spin.value(),
                  "prune": self.prune_box.isChecked()}
        for key, value in values.items():
            s.setValue(f"sweep/{key}", value)
        self.space.save(s, "sweep/space")

    def restore(self, s: QSettings) -> None:
        """The values saved last time; one out of its widget's range keeps the default (a spin
        box would clamp it silently)."""
        if not s.contains("sweep/study"):
            return
        vary = [v for v in qs.read_str(s, "sweep/vary", "").split(",") if v in SETTINGS]
        self.space.set_vary(vary)
        self.space.restore(s, "sweep/space")  # ranges, choices and values
        for spin, key in ((self.trials_spin, "trials"), (self.epochs_spin, "epochs"),
                          (self.train_spin, "train"), (self.test_spin, "test"),
                          (self.holdout_spin, "holdout"), (self.seed_spin, "seed")):
            value = qs.read_int(s, f"sweep/{key}", spin.value())
            if spin.minimum() <= value <= spin.maximum():
                spin.setValue(value)
        self.set_objective(qs.read_str(s, "sweep/objective", "test_loss"))
        self.storage_edit.setText(qs.read_str(s, "sweep/storage"))
        self._hide_password()
        self.study_combo.setEditText(qs.read_str(s, "sweep/study", DEFAULT_STUDY))
        self.prune_box.setChecked(qs.read_bool(s, "sweep/prune", True))
