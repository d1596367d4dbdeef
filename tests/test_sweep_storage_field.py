"""The Sweep form's storage field shows a typed password as *** once it is entered, and the sweep
still uses the real URL: after an edit of the URL shown (another database), and next session."""

from __future__ import annotations

from PySide6.QtCore import Qt

from vae_desktop.gui import preferences as qs
from vae_desktop.gui.tabs.sweep.form import SweepForm

URL = "postgresql://vae:s3cret-pw@db.example:5432/sweeps"
SHOWN = "postgresql://vae:***@db.example:5432/sweeps"


def make_form(qtbot) -> SweepForm:
    form = SweepForm()
    qtbot.addWidget(form)
    return form


def test_a_typed_password_is_hidden_once_entered(qtbot):
    form = make_form(qtbot)
    form.storage_edit.setFocus()
    qtbot.keyClicks(form.storage_edit, URL)
    assert form.storage() == URL
    qtbot.keyClick(form.storage_edit, Qt.Key_Return)  # entered
    assert form.storage_edit.text() == SHOWN
    assert form.storage() == URL and form.spec().storage == URL


def test_the_password_stays_when_the_url_shown_is_edited(qtbot):
    form = make_form(qtbot)
    form.set_storage(URL)
    assert form.storage_edit.text() == SHOWN
    form.storage_edit.setText(SHOWN.replace("/sweeps", "/other"))
    form.storage_edit.editingFinished.emit()
    assert form.storage() == URL.replace("/sweeps", "/other")
    form.set_storage("postgresql://bob:pw-2@elsewhere/db")  # a new password replaces it
    assert form.storage_edit.text() == "postgresql://bob:***@elsewhere/db"
    assert form.storage() == "postgresql://bob:pw-2@elsewhere/db"


def test_urls_without_a_password_are_shown_as_typed(qtbot, tmp_path):
    form = make_form(qtbot)
    for url in (f"journal://{tmp_path}/sweep.log", "postgresql://vae@db.example/sweeps",
                f"sqlite:///{tmp_path}/sweeps.db"):
        form.set_storage(url)
        assert form.storage_edit.text() == url and form.storage() == url
    form.set_storage("")
    assert form.storage() is None


def test_the_real_url_is_remembered_and_shown_hidden_next_session(qtbot):
    form = make_form(qtbot)
    form.set_storage(URL)
    form.save(qs.open_settings())
    again = make_form(qtbot)
    again.restore(qs.open_settings())
    assert again.storage_edit.text() == SHOWN and again.storage() == URL
