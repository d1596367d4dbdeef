"""The study the Sweep tab shows: loading it (in a job: the storage may be remote), showing it,
watching it while the tab is shown (watch.py), listing a storage's studies, and clearing the
view when another storage is typed. Mixed into SweepTab, whose view, form, watcher and job
starter it uses; every reply carries the request it answers, and an older one is dropped."""

from __future__ import annotations

from html import escape

from vae_desktop.core import sweep
from vae_desktop.core.sweep import StudyNotFound, SweepStudy, objective_text
from vae_desktop.core.wording import count
from vae_desktop.gui.tabs.sweep.messages import said, said_call, sentence
from vae_desktop.gui.widgets import tones

# The colours of the messages about the form and the study, readable on the window's palette,
# light or dark (widgets.tones).
ERROR_TONE, WARNING_TONE = tones.ERROR, tones.WARNING
NO_STUDY_STATUS = ("No study shown from this storage: pick one from the Study name list (or "
                   "press Load) to see its trials, or press Start sweep to run one.")
NOT_LISTING = object()  # no study list asked for


class StudyLoading:
    """SweepTab's study-showing half (see the module's note)."""

    def load_study(self) -> None:
        """Show the trials of the named study (in a job: the storage may be remote)."""
        if self.is_running() or self._closing:
            return
        name = self.form.study_name()
        if not name:
            self.show_study_message("Type the name of a study to load in the Study name box.",
                                    WARNING_TONE)
            return
        self.show_study_message("")
        request = self._new_request()
        key = (name, self.form.storage())
        same, self._shown = key == self._shown, key
        self.watcher.stop()
        self.view.set_live("")
        self._loaded_status = None
        self.view.set_status(f"Loading study {escape(name)}…")
        self._start_job(f"load study {name}", said_call, _read_study, key[1], name,
                        on_done=lambda read: self._study_read(request, name, read, same),
                        on_error=lambda message: self._load_failed(request, name, message))

    def _study_read(self, request: int, name: str, read: SweepStudy | str, same: bool) -> None:
        if isinstance(read, str):  # no such study: said, not an error
            self._load_failed(request, name, read, WARNING_TONE)
        else:
            self._on_study(request, read, same, loaded=True)

    def _load_failed(self, request: int, name: str, message: str,
                     tone: str = ERROR_TONE) -> None:
        if request != self._request:
            return
        self.show_study_message(message, tone)
        # The view shows the study asked for, which could not be read: not the one before it.
        self.view.show_study(name, self.view.objective, self.view.direction, [], same_study=False)
        self.view.set_status(f"Study <b>{escape(name)}</b> is not shown: see the message below.")

    def _on_study(self, request: int, study: SweepStudy, same_study: bool,
                  loaded: bool = False) -> None:
        """A whole study from storage: before a sweep's first trial, after its last, or loaded.
        `same_study`: the one shown before (a selected trial stays selected)."""
        if request != self._request:
            return  # an older request's reply: another study, or this one superseded
        self.view.show_study(study.name, study.objective, study.direction, study.trials,
                             same_study, varied=self.form.space.vary(), budget=study.budget)
        self._budget = study.budget
        self._digits = sweep.trained_digits(study.objective, study.holdout)
        if loaded:
            if not self.is_running():
                # Start adds trials to it: with its objective, search space and budget, or it
                # would refuse them (another objective or held-out digit, other choices) or they
                # would not compare.
                self.form.set_study_sweep(study.objective, study.holdout, study.space)
            if study.budget and not self.is_running():
                self.form.set_budget(epochs=study.budget.get("epochs"),
                                     train_size=study.budget.get("train_size") or 0,
                                     test_size=study.budget.get("test_size") or 0)
            self._show_loaded_status(study.storage)
            if self._shown is not None and self._shown[0] == study.name:
                self.watcher.watch(*self._shown)

    def _show_loaded_status(self, storage: str) -> None:
        """The status of a study loaded (not swept here): its trials so far and the best."""
        self._loaded_status = storage
        best = self.view.best()
        self.view.set_status(  # the storage last: it is in the form, too, and may be long
            f"Study <b>{escape(self.view.name)}</b>: {count(len(self.view.trials), 'trial')}"
            + (f", best {objective_text(self.view.objective, best.value)}" if best else "")
            + f". Start adds more trials to it. In {escape(storage)}")

    def show_study(self, study: SweepStudy) -> None:
        """Show a study's trials, as a load would (not watched: `study.storage` is the URL
        shown, without its password)."""
        self._shown = (study.name, study.storage)
        self.watcher.stop()
        self._on_study(self._new_request(), study, same_study=False)
        self._show_loaded_status(study.storage)

    # Watching (watch.py)
    def _on_watched(self, study: SweepStudy, read_at: str) -> None:
        """The watched study as just read: every worker's trials, this app's sweep's included."""
        if self.view.merge_trials(study.trials) and self._loaded_status is not None:
            self._show_loaded_status(self._loaded_status)
        trials = sorted(self.view.trials.values(), key=lambda t: t.number)
        running = [t for t in trials if t.state == "RUNNING" and not t.lost]
        lost = [t for t in trials if t.lost]
        workers = {(t.host, t.pid) for t in running}
        on = f"{len(workers)} worker" + ("s" if len(workers) > 1 else "")
        parts = ["● Live"] + ([f"{len(running)} running on {on}"] if running else []) \
            + ([f"{len(lost)} lost"] if lost else []) + [read_at]
        self.view.set_live(" · ".join(parts), details="\n".join(
            sentence(f"Trial {t.number} lost: {t.note}") for t in lost))

    def _watch_failed(self, message: str) -> None:
        self.view.set_live("⚠ Cannot read the storage now; trying again", problem=message)

    def _storage_edited(self) -> None:
        """The storage typed (another, or the same again): a message about the one before is old
        news, and so is a study of another storage, which the view stops showing and watching;
        then the storage's studies are listed, which says at once when it cannot be opened."""
        self.show_study_message("")
        if not self.is_running() and (self._shown is None
                                       or self._shown[1] != self.form.storage()):
            self._clear_view()
        self._list_studies()

    def _clear_view(self) -> None:
        """No study shown: no trials, no plots, nothing watched, and a header that says so."""
        self._new_request()  # a reply about the study shown before is dropped
        self.watcher.stop()
        self.view.set_live("")
        self._shown, self._loaded_status, self._budget, self._digits = None, None, None, None
        self.view.show_study("", self.view.objective, self.view.direction, [], same_study=False)
        self.view.set_status(NO_STUDY_STATUS)

    def _list_studies(self, force: bool = False) -> None:
        storage = self.form.storage()
        if self._closing or (self._listing == storage and not force):
            return  # closing, or already asked
        self._listing = storage
        self._studies_listed = True
        self._start_job("list studies", said_call, sweep.list_studies, storage,
                        on_done=lambda names: self._fill_studies(storage, names),
                        on_error=lambda message: self._fill_studies(storage, [], message))

    def _fill_studies(self, storage: str | None, names: list[str], problem: str = "") -> None:
        """The storage's studies to pick from, or `problem`: why it cannot be opened, said at
        once (the first time the tab is shown, too), with what to do."""
        if storage == self._listing:
            self._listing = NOT_LISTING
        if storage != self.form.storage():
            return  # another storage's studies
        self.form.fill_studies(names)
        if problem:
            self._autoload = False
            # Unless a message is there already: a sweep's or a load's own failure says it too,
            # and what was kept.
            if not self.is_running() and not self.study_message():
                self.show_study_message(problem)
                self.view.set_status("The sweep storage cannot be opened: see the message "
                                     "below.")
            return
        if self._autoload:
            self._autoload = False
            # Unless a study is shown already (Load, Start); a missing one stays unsaid.
            if self.form.study_name() in names and self._request == 0:
                self.load_study()


def _read_study(url: str | None, name: str) -> SweepStudy | str:
    """The study's trials, lost ones recorded failed (core.sweep.fail_lost_trials); or, when
    there is no such study, what the tab says about that."""
    try:
        return sweep.load_trials(url, name, fail_lost=True)
    except StudyNotFound as exc:
        return said(exc)
