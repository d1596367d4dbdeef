"""A damaged list of models is kept as a backup before it is rebuilt, and its error is said once
("…starting at line 2", not "at at line 2"); a list written by a newer vae-desktop is used as far
as it can be read and never overwritten. Before, both were silently replaced by a rebuild and the
names people had given were lost for good."""

from __future__ import annotations

import json

import pytest

from vae_desktop.core import checkpoint, library_index
from vae_desktop.core.library import ModelLibrary
from vae_desktop.core.library_index import index_path
from vae_desktop.core.paths import bundled_models_dir, models_dir
from vae_desktop.core.training import new_model


def listed_model(name="Lecture demo"):
    library = ModelLibrary()
    library.load()
    model = new_model(1, latent_dim=2, hidden=16)
    ckpt = checkpoint.load(checkpoint.save(models_dir() / "x.pt", model,
                                           [{"epoch": 1, "test_loss": 150.0}]))
    library.add(ckpt, "trained", name=name)
    return ckpt.path


def test_a_truncated_list_is_kept_as_a_backup_before_it_is_rebuilt(monkeypatch):
    # The backup is named by the day; a fixed one, so that a run across midnight cannot fail.
    monkeypatch.setattr(library_index, "today", lambda: "2031-01-02")
    path = listed_model()
    whole = index_path().read_bytes()
    cut = whole[:whole.index(b"Lecture") + 3]  # ends inside a string
    index_path().write_bytes(cut)

    library = ModelLibrary()
    notes = library.load()
    backup = models_dir() / "library.damaged-2031-01-02.json"
    assert backup.read_bytes() == cut
    line = cut.count(b"\n") + 1
    files = len(list(bundled_models_dir().glob("*.pt"))) + 1
    assert notes == [f"The list of models could not be read (it is not valid JSON: unterminated "
                     f"string starting at line {line}), so it was rebuilt from {files} model "
                     "files. Names you had given are lost; the models are not. The damaged list is "
                     f"kept as {backup.name} in {models_dir()}."]
    assert library.find(path) is not None
    json.loads(index_path().read_text(encoding="utf-8"))  # whole again
    # A second damaged list the same day does not replace the first backup.
    index_path().write_bytes(b"{")
    ModelLibrary().load()
    assert backup.read_bytes() == cut
    assert (models_dir() / "library.damaged-2031-01-02-2.json").read_bytes() \
        == b"{"


def test_a_list_written_by_a_newer_version_is_used_and_left_as_it_is():
    path = listed_model()
    payload = json.loads(index_path().read_text(encoding="utf-8"))
    payload["version"] = 2
    for item in payload["models"]:
        item["colour"] = "blue"  # a field this version does not know
    payload["models"].append({"path": 7})  # and one it cannot read at all
    newer = json.dumps(payload).encode()
    index_path().write_bytes(newer)

    library = ModelLibrary()
    notes = library.load()
    assert library.find(path).name == "Lecture demo"
    assert notes[0] == ("The list of models was written by a newer version of vae-desktop, so "
                        "this version leaves it as it is: the models it lists are shown, but new "
                        "models, names and removals are kept only until you quit.")
    assert index_path().read_bytes() == newer
    with pytest.raises(OSError, match="newer version of vae-desktop"):
        library.rename(path, "Another")
    assert library.find(path).name == "Lecture demo" and index_path().read_bytes() == newer
    assert list(models_dir().glob("library.damaged-*")) == []


def test_the_dialog_says_why_a_newer_list_keeps_a_name(qtbot, monkeypatch):
    from quiet_window import quiet_window

    path = listed_model()
    payload = json.loads(index_path().read_text(encoding="utf-8"))
    payload["version"] = 2
    index_path().write_text(json.dumps(payload), encoding="utf-8")
    window = quiet_window(qtbot)
    ckpt = next(m for m in window.state.models if m.path == path)
    dialog = window.show_models()
    dialog.select(ckpt)
    errors = []
    monkeypatch.setattr(dialog, "_show_error", lambda title, text: errors.append(text))
    assert not dialog.rename("Another")
    assert errors == ["Lecture demo keeps its name: the list of models was written by a newer "
                      "version of vae-desktop, and this version does not write over it."]
    assert ckpt.name == "Lecture demo"
