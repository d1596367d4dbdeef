"""The two questions of the quit that name models no file holds (the quit question, for those in
no file before it; the question after the work stopped, for those it left so) say what is lost
and what Save as… does in the same words, for one model and for several."""

from __future__ import annotations

from test_quit_lost_first_epoch import StrandingTab, answer, window_with

from vae_desktop.core.checkpoint import Checkpoint
from vae_desktop.core.training import new_model


def in_no_file(state, name: str, activate: bool = True) -> None:
    model = new_model(1, latent_dim=2, hidden=16)
    state.add_model(Checkpoint(model, model.config), activate=activate, name=name)


class StrandingTwo(StrandingTab):
    """Its stopped work leaves two models in no file."""

    def shutdown(self, timeout_s):
        if self.running:
            self.running = False
            in_no_file(self.state, "run one", activate=False)
            in_no_file(self.state, "run two", activate=False)
        return True


def test_two_models_in_no_file_are_named_alike_in_both_questions(qtbot, state):
    in_no_file(state, "draft a")
    in_no_file(state, "draft b")
    window = window_with(qtbot, state, StrandingTwo)
    seen: list = []
    answer(window, seen, "Quit anyway", "Quit without saving")
    assert window.close()
    assert seen[0][0] == (
        "Training is running. 2 models are not saved in any file (“draft a”, “draft b”): they "
        "are lost when you quit. Stop it and quit?\n\n"
        "Save as… saves each of them in a file you choose, then quits.")
    assert seen[1][0] == (
        "“run one”, “run two” could not be saved to a file when the work stopped (their "
        "autosaves failed): they are lost when you quit.\n\n"
        "Save as… saves each of them in a file you choose, then quits.")
    assert [m.path for m in state.models] == [None] * 4


def test_one_model_in_no_file_is_named_alike_in_both_questions(qtbot, state):
    in_no_file(state, "draft")
    window = window_with(qtbot, state, StrandingTab)
    seen: list = []
    answer(window, seen, "Quit anyway", "Quit without saving")
    assert window.close()
    assert seen[0][0] == (
        "Training is running. “draft” is not saved in any file: it is lost when you quit. Stop "
        "it and quit?\n\nSave as… saves it in a file you choose, then quits.")
    assert seen[1][0] == (
        "“stopped run” could not be saved to a file when the work stopped (its autosave "
        "failed): it is lost when you quit.\n\nSave as… saves it in a file you choose, then "
        "quits.")
