"""One spelling of a model's architecture and hidden layers wherever the Models dialog and the
library's names say them: "MLP" and "Conv" (the Sweep tab's words), never "mlp" or "CONV", and
"2×500", never "2x500"."""

from __future__ import annotations

from vae_desktop.core import checkpoint
from vae_desktop.core.model_words import default_name, what_it_is
from vae_desktop.core.paths import models_dir
from vae_desktop.core.training import new_model
from vae_desktop.core.wording import arch_name, hidden_text


def test_architectures_and_hidden_layers_are_spelt_one_way():
    assert arch_name("mlp") == "MLP" and arch_name("conv") == "Conv"
    assert what_it_is(True, "conv", 5, 2) == "CVAE · Conv · z=5 · 2 epochs"
    assert what_it_is(False, "mlp", 2, 1) == "VAE · MLP · z=2 · 1 epoch"
    model = new_model(1, latent_dim=2, hidden=16, layers=2, arch="conv")
    ckpt = checkpoint.Checkpoint(model, model.config)
    assert hidden_text(ckpt.config) == "2×16"
    assert default_name(ckpt, when=0).startswith("VAE · Conv · z=2 · 0 epochs · ")
    # The headers of the Train and Evaluate tabs, the CLI and the Conditional tab's footer.
    assert ckpt.config.describe() == "Conv, latent 2, hidden 2×16, beta 1"
    cvae = new_model(1, latent_dim=3, hidden=32, num_classes=10).config
    assert cvae.describe() == "conditional MLP, latent 3, hidden 32, beta 1"


def test_the_models_dialog_says_them_so(qtbot):
    from quiet_window import quiet_window

    window = quiet_window(qtbot)
    model = new_model(1, latent_dim=2, hidden=16, layers=2, arch="conv")
    path = checkpoint.save(models_dir() / "conv.pt", model, [{"epoch": 1, "test_loss": 150.0}])
    ckpt = window.state.add_model(checkpoint.load(path), origin="trained")
    dialog = window.show_models()
    row = dialog.row_of(ckpt)
    cells = [dialog.table.item(row, c).text() for c in range(dialog.table.columnCount())]
    assert cells[2] == "Conv" and cells[4] == "2×16"
    assert ckpt.name.startswith("VAE · Conv · z=2 · 1 epoch · ")


def test_the_status_line_says_the_architecture_and_the_test_images_as_everywhere():
    """The status bar said "CONV" and gave a sweep trial's test loss, measured on its 1,000 test
    images, as if on all 10,000 (the Evaluate tab then shows another figure)."""
    from vae_desktop.gui.model_files import describe_model

    model = new_model(1, latent_dim=2, hidden=16, arch="conv")
    ckpt = checkpoint.Checkpoint(model, model.config, name="trial-2",
                                 history=[{"epoch": 1, "test_loss": 153.594}],
                                 train_config={"test_size": 1000})
    assert describe_model(ckpt) == ("trial-2 · Conv · latent 2 · unconditional · 1 epoch · "
                                    "test loss 153.59* nats/image (on 1,000 of 10,000 test images)")
    ckpt.train_config = {}
    assert describe_model(ckpt).endswith("· test loss 153.59 nats/image")
