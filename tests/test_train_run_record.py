"""What a run says about itself and records: where the progress box names the run's device and
threads (until the speed is known) it also says what "auto" precision became, bf16 or fp32 (the
app never said; the speed line says it after), and the checkpoint's train_config records how many
test images the per-epoch test loss used ("test_size": the Train tab's eval_size, None for all
10,000), as the CLI records --test-size."""

from __future__ import annotations

import torch
from train_tab_support import make_tab, train

from vae_desktop.core import checkpoint
from vae_desktop.core.precision import resolve_precision


def test_the_progress_box_says_what_auto_precision_became(qtbot, state):
    tab = make_tab(qtbot, state)
    assert tab.apply_settings({"precision": "auto"})
    said = []
    tab.run_started.connect(lambda _event: said.append(tab.progress.speed_label.text()))
    summary = train(qtbot, tab)
    became = resolve_precision("auto", torch.device("cpu"), "mlp")
    assert said and f"{became} (auto)" in said[0], said
    assert said[0].startswith("cpu, ") and " thread" in said[0], said  # with the device
    assert summary.status == "done"


def test_the_checkpoint_records_the_test_images_used(qtbot, state):
    tab = make_tab(qtbot, state)  # eval_size 200
    summary = train(qtbot, tab)
    assert summary.train_config["test_size"] == 200
    assert checkpoint.load(state.active.path).train_config["test_size"] == 200
    tab.eval_size = None  # all 10,000
    assert tab.apply_settings({"precision": "fp32", "train_size": 256})
    said = []
    tab.run_started.connect(lambda _event: said.append(tab.progress.speed_label.text()))
    summary = train(qtbot, tab)
    assert summary.train_config["test_size"] is None
    assert "fp32" in said[0] and "(auto)" not in said[0]
