"""What quitting in the middle of a run keeps, in words for the quit question, so that the model
listed afterwards is no surprise.

On quit the run is stopped (TrainTab.shutdown): a stopped run keeps its model as it was after its
last complete epoch, autosaved and listed in the model library (not made active); a new model
stopped in its first epoch keeps what it learnt so far, saved as it stops and listed; a continued
model with no complete epoch in this run keeps nothing new (core.training, job.training_run).
Only where that save fails (the last epoch's autosave, or the first epoch's save as it stops: a
read-only or full models folder) is the model listed in no file; the window then asks where to
save it before it quits (gui/window/quitting), if the run stopped within the close's wait."""

from __future__ import annotations

from vae_desktop.core.model_words import what_it_is
from vae_desktop.gui.shutdown import SHUTDOWN_BUDGET_S
from vae_desktop.gui.tabs.train.job import TrainRequest

BUSY_REASON = "Training is running."
PAUSED_REASON = "Training is paused."


def listed_as(request: TrainRequest, epochs: int) -> str:
    """The start of the name the library gives the kept model (core.model_words.default_name, with
    the digits of a model trained on some only)."""
    return f"“{what_it_is(*request.model_shape(), epochs, request.digits)} · …”."


def quit_note(request: TrainRequest, epochs_done: int, steps_done: int, paused: bool,
              source_name: str | None, autosave_failed: bool = False) -> str:
    """What quitting now keeps. `epochs_done`, `steps_done`: this run's, as reported so far;
    `paused`: nothing more happens before the answer; `source_name`: the continued model's;
    `autosave_failed`: the last epoch's autosave failed (a read-only or full data folder), so
    no file holds what the run trained: the window asks to save it once the run has stopped, if
    it stops within the close's wait."""
    if autosave_failed:
        # The window asks where to save it only if the run stops within the close's wait (not
        # in one long step), and not under SIGTERM (gui.shutdown, gui/window/quitting).
        return ("Its autosave failed, so no file holds the model of this run. If the run stops "
                f"within {SHUTDOWN_BUDGET_S:g} seconds of quitting, you are asked where to save "
                "it before the app quits; if not, it is lost. To be sure to keep it, do not quit "
                "yet: press Stop, then Save model as….")
    later = "" if paused else " so far"
    where = "File ▸ Models lists it as"
    if epochs_done > 0:
        total = request.start_epoch + epochs_done
        return (f"Quitting keeps the model as it was after epoch {total}, its last complete "
                f"epoch{later}: {where} {listed_as(request, total)}")
    if source_name is not None:
        return (f"No epoch of this run has completed{later}: quitting keeps nothing new, and "
                f"{source_name} stays as it was.")
    if steps_done > 0:
        return (f"No epoch has completed{later}: quitting keeps what the new model has learnt, "
                f"and {where} {listed_as(request, 0)}")
    if paused:
        return "Nothing has been trained yet, so no model is kept."
    return (f"It has only just started: whatever it has learnt when it stops is kept, and "
            f"{where} {listed_as(request, 0)}")
