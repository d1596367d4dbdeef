"""Closing the window: the quit question, asked while work is running or a model is in no file,
which follows that work while it is open; then every job is stopped (gui.shutdown), and a model
that the stopped work left in no file is named, with Save as…, before the app quits. SIGTERM
(`terminate`) closes the same way with nobody to ask, closing unanswered any question that is
open (the quit's own included); a model that no file holds is then lost, and a line on stderr
says so, naming it and why no file held it.

A tab takes part through optional methods, each answering a sentence or None: `busy_reason()`
(what is running), `unkept_reason()` (what is done but would be lost) and `quit_note()` (what
quitting keeps); and `in_no_file_reason(ckpt)`, why a model of its work is in no file, in a few
words (“its autosave failed: the disk is full”), said when SIGTERM loses it.

Quitting is a part of MainWindow (vae_desktop.gui.main_window): it uses the window's `state`,
`tab_widgets`, `quit_box`, `_closing_down`, `_terminating`, `_in_close_event`, `save_settings`
(WindowPersistence), and `_ask_save_path`, `_save_to` (FileActions).
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from vae_desktop.core.wording import count

QUIT_CHECK_MS = 250  # how often an open quit question looks again at what is running


def _close_modal_dialogs() -> None:
    """Close each open modal dialog unanswered (rejected), the topmost first."""
    for _ in range(32):  # a dialog that will not close must not keep this going
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QDialog):
            return
        dialog.reject()
        if dialog.isVisible():
            return


def in_no_file_words(models: list) -> tuple[str, str]:
    """What both questions of the quit say of `models` that no file holds: that quitting loses
    them ("it is lost when you quit.") and what Save as… does, for one model or several."""
    one = len(models) == 1
    return (f"{'it is' if one else 'they are'} lost when you quit.",
            f"Save as… saves {'it' if one else 'each of them'} in a file you choose, then quits.")


def named(models: list) -> str:
    """The models' names, quoted, with commas between."""
    return ", ".join(f"“{m.name}”" for m in models)


IN_NO_FILE = "its autosave failed"  # how a model comes to be in no file (unsaved_models)


def lost_on_sigterm(name: str, reason: str | None = None) -> str:
    """The line on stderr for a model that SIGTERM's quit lost, being in no file: its name, and
    why no file held it (`reason`, where a tab knows: "its autosave failed: the disk is full")."""
    return (f"vae-desktop: quit on SIGTERM; the model “{name}” was in no file "
            f"({reason or IN_NO_FILE}) and is lost.")


class Quitting:
    @property
    def closing_down(self) -> bool:
        return self._closing_down

    def _tabs_say(self, method: str, *args) -> list[str]:
        """What each tab that has `method` (an optional hook, called with `args`) answers, if
        anything."""
        answers = []
        for tab in self.tab_widgets.values():
            hook = getattr(tab, method, None)
            answer = hook(*args) if callable(hook) else None
            if answer:
                answers.append(answer)
        return answers

    def busy_reasons(self) -> list[str]:
        """What is still running, in words, from every tab that has background work."""
        return self._tabs_say("busy_reason")

    def unkept_reasons(self) -> list[str]:
        """What is done but would be lost: the models that are in no file, then what any tab
        has (a held-out model not added to the models)."""
        return [*self._unsaved_words(), *self._tabs_say("unkept_reason")]

    def unsaved_models(self) -> list:
        """The models listed that are in no file (a run whose autosave failed: a read-only or
        full data folder): quitting loses them."""
        return [] if self.state is None else [m for m in self.state.models if m.path is None]

    def _unsaved_words(self) -> list[str]:
        unsaved = self.unsaved_models()
        if not unsaved:
            return []
        lost, _ = in_no_file_words(unsaved)
        if len(unsaved) == 1:
            return [f"{named(unsaved)} is not saved in any file: {lost}"]
        return [f"{count(len(unsaved), 'model')} are not saved in any file ({named(unsaved)}): "
                f"{lost}"]

    def quit_question(self, reasons: list[str], unkept: list[str] = ()) -> str:
        """The quit question: what is running and what would be lost, then what quitting keeps
        (a tab's optional `quit_note()`, e.g. the Train tab's model of its last complete
        epoch), and what Save as… does where a model is in no file."""
        what = "it" if len(reasons) == 1 else "them"
        ask = f"Stop {what} and quit?" if reasons else "Quit anyway?"
        text = " ".join([*reasons, *unkept, ask])
        notes = self._tabs_say("quit_note")
        unsaved = self.unsaved_models()
        if unsaved:
            notes.append(in_no_file_words(unsaved)[1])
        return "\n\n".join([text, *notes])

    def _ask_quit(self, reasons: list[str], unkept: list[str] = ()) -> bool:
        """Ask whether to quit (True: yes). While the question is open the work goes on behind
        it, so it follows that work: its text is brought up to date (a run's epochs, work that
        ends with something to keep), and once nothing is left running and nothing would be
        lost it closes and the app quits, as the user asked: the question was only there to
        protect that work, and asking again about nothing would be a click for no reason."""
        box = QMessageBox(QMessageBox.Question, "Quit VAE Desktop",
                          self.quit_question(reasons, unkept),
                          QMessageBox.Yes | QMessageBox.No, self)
        box.setDefaultButton(QMessageBox.No)
        box.setEscapeButton(QMessageBox.No)
        ended = []
        save_button = []

        def offer_save() -> None:
            """Where a model is in no file: Save as… (the default), Quit anyway, Cancel."""
            if save_button or not self.unsaved_models():
                return
            button = box.addButton("Save as…", QMessageBox.AcceptRole)
            button.setToolTip("Save each model that is in no file to a file you choose, then "
                              "quit")
            box.button(QMessageBox.Yes).setText("Quit anyway")
            box.button(QMessageBox.Yes).setToolTip("Quit without saving it: it is lost")
            box.button(QMessageBox.No).setText("Cancel")
            box.button(QMessageBox.No).setToolTip("Go back to the app (Esc)")
            box.setDefaultButton(button)
            save_button.append(button)

        def follow() -> None:
            now_running, now_unkept = self.busy_reasons(), self.unkept_reasons()
            if not now_running and not now_unkept:
                ended.append(True)
                box.done(QMessageBox.Yes)
                return
            offer_save()  # a run ended behind the question, its autosave failed
            text = self.quit_question(now_running, now_unkept)
            if text != box.text():
                box.setText(text)

        offer_save()

        timer = QTimer(box)
        timer.setInterval(QUIT_CHECK_MS)
        timer.timeout.connect(follow)
        timer.start()
        self.quit_box = box
        try:
            box.exec()
        finally:
            timer.stop()
            self.quit_box = None
            box.deleteLater()
        if ended:
            return True
        if save_button and box.clickedButton() is save_button[0]:
            return self._save_unsaved()
        return box.clickedButton() is box.button(QMessageBox.Yes)

    def _save_unsaved(self, models: list | None = None) -> bool:
        """The quit question's Save as…: each model that is in no file (or of `models`), saved
        where the user says; False (the app stays) when a dialog is cancelled or a save fails
        (and says why)."""
        from vae_desktop.gui import model_files

        for ckpt in self.unsaved_models() if models is None else models:
            path = self._ask_save_path(model_files.file_name_for(ckpt.name),
                                       f"Save “{ckpt.name}” as", model_files.CHECKPOINT_FILTER)
            if not path or not self._save_to(ckpt, path):
                return False
        return True

    def terminate(self) -> None:
        """Close without the quit question (a logout or `kill` sent SIGTERM): running work stops
        and what it has done so far is kept, as when the question is answered Yes. A question
        or file dialog that is open (of the quit, or any other) is closed unanswered: nobody is
        there to answer it. Where the quit is under way already (its question was open, or it
        waits for the work), it goes on from there without asking anything more."""
        self._terminating = True
        _close_modal_dialogs()
        if not self._in_close_event:
            self.close()

    def closeEvent(self, event) -> None:
        if self._closing_down:  # asked again (Ctrl+C) while waiting for the work to stop
            event.ignore()
            return
        self._in_close_event = True
        try:
            self._close_event(event)
        finally:
            self._in_close_event = False

    def _close_event(self, event) -> None:
        reasons, unkept = self.busy_reasons(), self.unkept_reasons()
        if ((reasons or unkept) and not self._terminating
                and not self._ask_quit(reasons, unkept) and not self._terminating):
            event.ignore()  # answered No (SIGTERM while the question was open quits all the same)
            return
        self._closing_down = True
        self.save_settings()
        if self.state is not None:  # before it, nothing runs but the start-up's imports
            from vae_desktop.gui import shutdown

            in_memory = {id(m) for m in self.unsaved_models()}  # answered for already
            # Every job stops, or is left to end with the process when one step outlasts the
            # wait: the threads must be done with the widgets they report to before those go.
            shutdown.close_down(self, self.tab_widgets, self.state.workers)
            stranded = [m for m in self.unsaved_models() if id(m) not in in_memory]
            if stranded and not self._terminating:
                self._offer_to_save_stranded(stranded)
            if self._terminating:  # nobody was asked: what is lost is said where it can be read
                self._say_lost_on_sigterm()
        super().closeEvent(event)

    def _say_lost_on_sigterm(self) -> None:
        """A line on stderr for each model that no file holds, as SIGTERM's quit loses them
        (a session's log or the terminal keeps it); why, as the tab whose work left it in no
        file says (`in_no_file_reason`), if one does."""
        def reason(ckpt) -> str | None:
            try:
                return next(iter(self._tabs_say("in_no_file_reason", ckpt)), None)
            except Exception:  # noqa: BLE001 - the line is said all the same, and the app quits
                return None

        try:
            for ckpt in self.unsaved_models():
                print(lost_on_sigterm(ckpt.name, reason(ckpt)), file=sys.stderr, flush=True)
        except OSError:  # a terminal that hung up with the session: nowhere left to say it
            pass

    def _offer_to_save_stranded(self, models: list) -> None:
        """Work stopped by the quit left models that no file holds: a run whose autosave failed,
        or a new model stopped in its first epoch whose save as it stopped failed (a full or
        read-only models folder; that save succeeding, it is in a file like any other). The
        work has stopped, so there is no going back to the app: Save as… (the default, asked
        again after a cancelled or failed save) or Quit without saving; Esc does neither."""
        while models := [m for m in models if m.path is None]:
            one = len(models) == 1
            lost, save_as = in_no_file_words(models)
            box = QMessageBox(QMessageBox.Warning, "Quit VAE Desktop",
                              f"{named(models)} could not be saved to a file when the work "
                              f"stopped ({'its autosave' if one else 'their autosaves'} "
                              f"failed): {lost}\n\n{save_as}", QMessageBox.NoButton, self)
            save = box.addButton("Save as…", QMessageBox.AcceptRole)
            save.setToolTip(f"Choose a file for {'it' if one else 'each of them'}, then quit")
            lose = box.addButton("Quit without saving", QMessageBox.DestructiveRole)
            lose.setToolTip(f"Quit now: {'the model' if one else 'the models'} named here "
                            f"{'is' if one else 'are'} lost")
            box.setDefaultButton(save)
            self.quit_box = box
            try:
                box.exec()
            finally:
                self.quit_box = None
                box.deleteLater()
            if self._terminating or box.clickedButton() is not save:
                return
            if not self._save_unsaved(models) and self._terminating:
                return  # SIGTERM while a file was asked for: nobody is there to be asked again
