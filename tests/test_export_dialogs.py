"""Every save and export dialog goes through model_files.ask_save_path: it starts in the folder
the last save went to, and a name typed without the chosen filter's extension gets it. Before,
the Latent, Conditional and Interpolate exports opened in the process's working directory and
forgot the folder, and File > Export loss history wrote a file called `hist`, Export plot
`plotx`, and the Conditional and Interpolate exports `walk` and `strips`, with no extension."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from vae_desktop.gui import model_files, preferences
from vae_desktop.gui.model_files import CHECKPOINT_FILTER, LAST_DIR, ask_save_path

PNG = "PNG images (*.png)"


class FakeDialog:
    """Stands in for QFileDialog.getSaveFileName: records where each dialog started and answers
    with the next (name typed, filter chosen); the name is put in `folder`."""

    def __init__(self, monkeypatch, folder: Path, *answers: tuple[str, str]) -> None:
        self.folder, self.answers, self.starts, self.filters = folder, list(answers), [], []
        monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(self))

    def __call__(self, _parent, _title, start, file_filter):
        self.starts.append(Path(start))
        self.filters.append(file_filter)
        name, chosen = self.answers.pop(0)
        return (str(self.folder / name), chosen) if name else ("", "")


@pytest.mark.parametrize(("typed", "filters", "chosen", "saved"), [
    ("plotx", PNG, PNG, "plotx.png"),
    ("run.v2", PNG, PNG, "run.v2.png"),  # a dot in the name is no extension
    ("walk.PNG", PNG, PNG, "walk.PNG"),  # the extension in another case is kept
    ("walk.", PNG, PNG, "walk.png"),
    ("hist", "CSV files (*.csv)", "CSV files (*.csv)", "hist.csv"),
    ("strips", "GIF images (*.gif)", "", "strips.gif"),  # no filter reported: the first one's
    ("mine", CHECKPOINT_FILTER, "vae-desktop checkpoints (*.pt)", "mine.pt"),
    ("notes", CHECKPOINT_FILTER, "All files (*)", "notes"),  # "All files": the name as typed
])
def test_the_chosen_filters_extension_is_added(qapp, monkeypatch, tmp_path, typed, filters,
                                               chosen, saved):
    FakeDialog(monkeypatch, tmp_path, (typed, chosen))
    assert ask_save_path(QWidget(), "suggested.png", "Export", filters) == str(tmp_path / saved)


def test_the_dialog_starts_in_the_last_folder_saved_to(qapp, monkeypatch, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    dialog = FakeDialog(monkeypatch, first, ("a", PNG))
    parent = QWidget()
    assert ask_save_path(parent, "latent-space.png", "Export", PNG) == str(first / "a.png")
    assert dialog.starts[0] == Path.home() / "latent-space.png"  # before any save: home
    dialog.folder = second
    dialog.answers = [("b", PNG), ("", "")]
    ask_save_path(parent, "history.csv", "Export", "CSV files (*.csv)")
    assert dialog.starts[1] == first / "history.csv"
    ask_save_path(parent, "walk.gif", "Export", "GIF images (*.gif)")  # cancelled: no new folder
    assert dialog.starts[2] == second / "walk.gif"
    assert preferences.read_str(preferences.open_settings(), LAST_DIR) == str(second)
    second.rmdir()  # a folder that has gone since: home again
    dialog.answers = [("", "")]
    ask_save_path(parent, "x.png", "Export", PNG)
    assert dialog.starts[3] == Path.home() / "x.png"


def test_an_added_extension_does_not_replace_a_file_without_asking(qapp, monkeypatch, tmp_path):
    """The dialog asked about replacing `walk`, not `walk.png`, which exists."""
    (tmp_path / "walk.png").write_bytes(b"mine")
    dialog = FakeDialog(monkeypatch, tmp_path, ("walk", PNG), ("walk2", PNG))
    asked = []

    def question(_parent, _title, text, *_args):
        asked.append(text)
        return QMessageBox.No

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    assert ask_save_path(QWidget(), "walk.png", "Export", PNG) == str(tmp_path / "walk2.png")
    assert asked == ["walk.png already exists in " + str(tmp_path) + ". Replace it?"]
    assert dialog.starts[1] == tmp_path / "walk.png"  # asked again, from the name refused
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a: QMessageBox.Yes))
    dialog.answers = [("walk", PNG)]
    assert ask_save_path(QWidget(), "walk.png", "Export", PNG) == str(tmp_path / "walk.png")


def test_the_latent_exports_use_the_same_dialog(qapp, monkeypatch, tmp_path):
    from vae_desktop.gui.tabs.latent import export

    preferences.open_settings().setValue(LAST_DIR, str(tmp_path))
    dialog = FakeDialog(monkeypatch, tmp_path, ("digit", PNG))
    said = []
    image = np.zeros((28, 28), np.float32)
    written = export.export(QWidget(), lambda text, _ms: said.append(text),
                            export.array_writer(image, 2), "Export decoded digit",
                            "latent-digit.png", None)
    assert dialog.starts == [tmp_path / "latent-digit.png"]
    assert written == str(tmp_path / "digit.png") and Path(written).is_file()
    assert said == [f"Saved {written}"]


def test_the_conditional_exports_use_the_same_dialog(app_state, qtbot, monkeypatch, tmp_path):
    from vae_desktop.gui.tabs.conditional.tab import ConditionalTab

    app_state.set_active(app_state.find_model(conditional=True, latent_dim=2))
    tab = ConditionalTab(app_state)
    qtbot.addWidget(tab)
    tab.count_spin.setValue(4)
    tab.refresh_now()
    preferences.open_settings().setValue(LAST_DIR, str(tmp_path))
    dialog = FakeDialog(monkeypatch, tmp_path, ("grid", PNG))
    tab.samples_export.click()
    assert dialog.starts == [tmp_path / f"cvae-samples-{tab.label}.png"]
    with Image.open(tmp_path / "grid.png") as img:
        assert img.size == ((2 * 30 + 2) * 4, (2 * 30 + 2) * 4)  # 2x2 samples, 4x


def test_the_interpolate_exports_use_the_same_dialog(app_state, qtbot, monkeypatch, tmp_path):
    from vae_desktop.gui.tabs.interpolate.tab import InterpolateTab

    app_state.set_active(app_state.find_model(conditional=False, latent_dim=2))
    tab = InterpolateTab(app_state)
    qtbot.addWidget(tab)
    tab.end_a.set_kind("index")
    tab.end_b.set_kind("index")
    tab.steps_spin.setValue(4)
    tab.refresh_now()
    preferences.open_settings().setValue(LAST_DIR, str(tmp_path))
    dialog = FakeDialog(monkeypatch, tmp_path, ("strips", PNG), ("walk", "GIF images (*.gif)"))
    tab.settings.png_button.click()
    tab.settings.gif_button.click()
    assert dialog.starts == [tmp_path / "interpolation.png", tmp_path / "interpolation.gif"]
    with Image.open(tmp_path / "strips.png") as img:
        assert img.format == "PNG"
    with Image.open(tmp_path / "walk.gif") as img:
        assert img.format == "GIF" and img.n_frames == 2 * 4 - 2


def test_the_file_menu_exports_add_their_extension(app_state, qtbot, monkeypatch, tmp_path):
    from vae_desktop.gui.main_window import MainWindow
    from vae_desktop.gui.tabs.train.tab import TrainTab

    window = MainWindow(state=app_state, load_library=False, tabs=(("Train", TrainTab),))
    qtbot.addWidget(window)
    monkeypatch.setattr(window, "_show_error", lambda *a: pytest.fail(f"error: {a}"))
    preferences.open_settings().setValue(LAST_DIR, str(tmp_path))
    dialog = FakeDialog(monkeypatch, tmp_path, ("hist", "CSV files (*.csv)"), ("plotx", PNG))
    assert window.export_history_csv() and window.export_plot_png()
    assert dialog.starts[0].parent == tmp_path and dialog.starts[0].suffix == ".csv"
    assert (tmp_path / "hist.csv").read_text().startswith("epoch,")
    assert (tmp_path / "plotx.png").read_bytes()[:4] == b"\x89PNG"
    assert not (tmp_path / "hist").exists() and not (tmp_path / "plotx").exists()
    assert model_files.LAST_DIR == LAST_DIR
