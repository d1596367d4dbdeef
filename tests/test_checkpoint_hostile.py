"""Hostile and damaged checkpoint files: loading never runs code from a file, never builds a
model the file's weights do not fit (or one larger than the app can make), and says what is
wrong with every bad file in words, never with PyTorch's advice to load it unsafely."""

from __future__ import annotations

import errno
import os
import pickle
import random
import resource
import shutil
import struct
import zipfile

import pytest
import torch

from vae_desktop.core import checkpoint
from vae_desktop.core.checkpoint import CheckpointError
from vae_desktop.core.model import VAE
from vae_desktop.core.paths import bundled_models_dir

BUNDLED = bundled_models_dir() / "mnist-vae-z2.pt"


class _RunsShell:
    """Unpickled, it would run a shell command (os.system): what a booby-trapped file holds."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


class _RunsPython:
    """Unpickled, it would run Python source (exec)."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (exec, (f"open({self.marker!r}, 'w').write('ran')",))


def _payload():
    return torch.load(BUNDLED, weights_only=True)


def _shell_at_top(path, marker):
    torch.save(_RunsShell(marker), path)


def _shell_in_history(path, marker):
    payload = _payload()
    payload["history"] = [*payload["history"][:-1], _RunsShell(marker)]
    torch.save(payload, path)


def _shell_as_raw_pickle(path, marker):
    path.write_bytes(pickle.dumps(_RunsShell(marker), protocol=2))


def _python_in_checkpoint(path, marker):
    torch.save({"format": checkpoint.FORMAT, "x": _RunsPython(marker)}, path)


@pytest.mark.parametrize("make, names", [
    (_shell_at_top, "system"),
    (_shell_in_history, "system"),
    (_shell_as_raw_pickle, "system"),
    (_python_in_checkpoint, "exec"),
])
def test_a_file_that_would_run_code_is_refused_as_such_and_runs_nothing(tmp_path, make, names):
    marker = tmp_path / "ran.txt"
    path = tmp_path / "booby-trapped.pt"
    make(path, marker)
    with pytest.raises(CheckpointError) as caught:
        checkpoint.load(path)
    message = str(caught.value)
    assert not marker.exists()
    assert message.startswith("booby-trapped.pt was refused")
    assert "could run code" in message and names in message  # it names what it would call
    assert "nothing in it was run" in message.lower()
    # Never PyTorch's advice to load it with weights_only=False, nor its talk of trust.
    for advice in ("weights_only", "Re-running", "trust", "truncated", "corrupt", "\n"):
        assert advice not in message, message


@pytest.mark.filterwarnings("ignore::FutureWarning")  # torch.jit is deprecated: still met
def test_a_torchscript_program_is_refused_as_code(tmp_path):
    path = tmp_path / "scripted.pt"
    torch.jit.save(torch.jit.script(torch.nn.Linear(2, 2)), str(path))
    with pytest.raises(CheckpointError, match=r"^scripted.pt was refused: it is a TorchScript "
                                              r"program.*could run code") as caught:
        checkpoint.load(path)
    assert "weights_only" not in str(caught.value)


def test_a_damaged_archive_is_called_damaged_not_a_disk_error(tmp_path):
    path = tmp_path / "scrambled.pt"
    rng = random.Random(0)
    path.write_bytes(b"PK\x03\x04" + bytes(rng.getrandbits(8) for _ in range(5000)))
    with pytest.raises(CheckpointError) as caught:
        checkpoint.load(path)
    message = str(caught.value)
    assert message.startswith("scrambled.pt is not a readable checkpoint: the file is "
                              "truncated or corrupt")
    assert "archive" in message and "again" in message  # what to do: fetch it again
    assert "Errno" not in message and "Invalid argument" not in message


def test_a_table_of_contents_that_points_past_the_end_is_damage(tmp_path):
    """The archive's table of contents gives a member's size: one larger than the file is
    damage, found before torch reads (and makes room for) the member."""
    data = bytearray(BUNDLED.read_bytes())
    entry = data.find(b"PK\x01\x02")  # the table of contents: one entry a member
    while not bytes(data[entry + 46:entry + 46 + 64]).split(b"PK")[0].endswith(b"data/0"):
        entry = data.find(b"PK\x01\x02", entry + 4)
    data[entry + 20:entry + 28] = struct.pack("<II", 0x7FFFFF00, 0x7FFFFF00)  # sizes
    path = tmp_path / "lie.pt"
    path.write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match=r"^lie.pt is not a readable checkpoint: the file is "
                                              r"truncated or corrupt \(its zip archive is damaged"):
        checkpoint.load(path)


def test_a_compressed_archive_is_refused_before_it_is_unpacked(tmp_path):
    """torch.load inflates compressed members; torch.save never writes one. A megabyte or two
    of zeros compressed this way would unpack into gigabytes."""
    plain = tmp_path / "plain.pt"
    torch.save({"format": checkpoint.FORMAT, "version": 1, "config": {},
                "state_dict": {"w": torch.zeros(1_000_000)}}, plain)
    path = tmp_path / "packed.pt"
    with zipfile.ZipFile(plain) as stored, zipfile.ZipFile(path, "w") as packed:
        for info in stored.infolist():
            packed.writestr(info.filename, stored.read(info), compress_type=zipfile.ZIP_DEFLATED)
    assert path.stat().st_size * 100 < plain.stat().st_size  # 4 MB of weights in 5 kB
    with pytest.raises(CheckpointError, match=r"^packed.pt is not a vae-desktop checkpoint: "
                                              r"its archive is compressed"):
        checkpoint.load(path)


def test_a_folder_is_named_a_folder(tmp_path):
    folder = tmp_path / "models.pt"
    folder.mkdir()
    with pytest.raises(CheckpointError, match=r"^models.pt is a folder, not a checkpoint"):
        checkpoint.load(folder)


@pytest.mark.parametrize("code, says", [
    (errno.EACCES, "you do not have permission to read it"),
    (errno.EIO, "the disk reported an error while reading it"),
])
def test_a_real_read_error_is_told_apart_from_damage(tmp_path, monkeypatch, code, says):
    path = tmp_path / "m.pt"
    shutil.copy(BUNDLED, path)

    def fails(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(torch, "load", fails)
    with pytest.raises(CheckpointError) as caught:
        checkpoint.load(path)
    message = str(caught.value)
    assert message.startswith("m.pt cannot be read: ") and says in message
    assert "corrupt" not in message and "Errno" not in message


def test_an_invalid_seek_inside_torch_is_damage(tmp_path, monkeypatch):
    """torch raises OSError(EINVAL) where a damaged archive sends it to seek before the start."""
    path = tmp_path / "m.pt"
    shutil.copy(BUNDLED, path)

    def fails(*args, **kwargs):
        raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))

    monkeypatch.setattr(torch, "load", fails)
    with pytest.raises(CheckpointError, match="m.pt is not a readable checkpoint: the file is "
                                              "truncated or corrupt"):
        checkpoint.load(path)


def _built_models(monkeypatch):
    """The devices of the parameters of every VAE built from here on."""
    built = []
    init = VAE.__init__

    def spy(self, *args, **kwargs):
        init(self, *args, **kwargs)
        built.append(self.fc_mu.weight.device.type)

    monkeypatch.setattr(VAE, "__init__", spy)
    return built


def test_weights_that_do_not_fit_a_huge_model_are_refused_without_building_it(tmp_path,
                                                                                monkeypatch):
    """The audit's file: settings within the table's ranges (conv, 4 layers of 8192 units) and
    a small model's weights. It used to build the 1.9 GB model first (seconds of a frozen
    window, and memory never given back)."""
    payload = _payload()
    payload["config"] = dict(payload["config"], arch="conv", hidden=8192, layers=4,
                             num_classes=10, latent_dim=2)
    path = tmp_path / "huge.pt"
    torch.save(payload, path)
    built = _built_models(monkeypatch)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    with pytest.raises(CheckpointError, match=r"^huge.pt: the weights do not fit a conditional "
                                              r"Conv, latent 2, hidden 4×8192"):
        checkpoint.load(path)
    assert built and set(built) == {"meta"}  # shapes only: no real model was built
    grew = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak
    assert grew < 300_000, f"peak memory grew by {grew / 1e6:.1f} GB"


def test_settings_larger_than_any_the_app_can_make_are_refused(tmp_path, monkeypatch):
    """1,000 classes with the table's largest layers: more parameters than the largest model
    the settings table allows (conv, latent 512, 4 x 8192, conditional on 10 digits)."""
    payload = _payload()
    payload["config"] = dict(payload["config"], arch="conv", hidden=8192, layers=4,
                             num_classes=1000, latent_dim=2)
    path = tmp_path / "enormous.pt"
    torch.save(payload, path)
    built = _built_models(monkeypatch)
    with pytest.raises(CheckpointError) as caught:
        checkpoint.load(path)
    message = str(caught.value)
    assert set(built) <= {"meta"}
    assert message.startswith("enormous.pt describes a model of 470,601,925 parameters")
    assert "more than the largest vae-desktop's settings allow (466,916,545)" in message
    assert "1.9 GB of memory" in message
    assert checkpoint.largest_model_parameters() == 466_916_545


def test_the_largest_model_the_table_allows_is_within_the_limit():
    from vae_desktop.core.memory import model_cost
    from vae_desktop.core.settings import NUM_CLASSES, SETTINGS

    largest = max(model_cost(arch, int(SETTINGS["latent_dim"].high), int(SETTINGS["hidden"].high),
                             NUM_CLASSES, int(SETTINGS["layers"].high)).parameters
                  for arch in SETTINGS["arch"].choices)
    assert checkpoint.largest_model_parameters() == largest


def _with_weights(path, edit):
    payload = _payload()
    edit(payload["state_dict"])
    torch.save(payload, path)


@pytest.mark.parametrize("edit, says", [
    # Every number of a weight read from one stored number (stride 0): a small file whose
    # weights look the right size.
    (lambda s: s.__setitem__("enc_body.0.weight", torch.zeros(1).expand(400, 784)),
     "enc_body.0.weight does not hold its own numbers"),
    # Two weights on the same numbers.
    (lambda s: s.__setitem__("fc_logvar.weight", s["fc_mu.weight"]),
     "fc_logvar.weight does not hold its own numbers"),
    (lambda s: s.__setitem__("fc_mu.bias", torch.zeros(2, dtype=torch.int64)),
     "fc_mu.bias is not a tensor of floating-point numbers"),
    (lambda s: s.__setitem__("fc_mu.bias", [0.0, 0.0]), "fc_mu.bias is a list, not a tensor"),
    (lambda s: s.__setitem__("fc_mu.bias", torch.zeros(2, device="meta")),
     "fc_mu.bias holds no numbers"),
    (lambda s: s.pop("fc_mu.bias"), "fc_mu.bias is missing"),
    (lambda s: s.__setitem__("extra.weight", torch.zeros(2)), "extra.weight is not part of it"),
])
def test_weights_that_only_look_right_are_refused(tmp_path, edit, says):
    path = tmp_path / "odd.pt"
    _with_weights(path, edit)
    with pytest.raises(CheckpointError) as caught:
        checkpoint.load(path)
    message = str(caught.value)
    assert message.startswith("odd.pt: the weights do not fit an MLP, latent 2, hidden 400")
    assert says in message


def test_the_bundled_models_still_load_and_match_their_files(bundled):
    for stem, ckpt in bundled.items():
        saved = torch.load(bundled_models_dir() / f"{stem}.pt", weights_only=True)
        mine = ckpt.model.state_dict()
        assert mine.keys() == saved["state_dict"].keys()
        assert all(torch.equal(mine[k], saved["state_dict"][k]) for k in mine), stem
        assert not ckpt.model.training and all(p.requires_grad for p in ckpt.model.parameters())


def test_a_conv_model_comes_back_channels_last_and_equal(tmp_path):
    model = VAE(latent_dim=3, hidden=32, arch="conv", num_classes=10).eval()
    ckpt = checkpoint.load(checkpoint.save(tmp_path / "c.pt", model))
    weight = ckpt.model.enc_conv[2].weight
    assert weight.is_contiguous(memory_format=torch.channels_last)
    x, y = torch.rand(4, 1, 28, 28), torch.arange(4)
    assert torch.equal(ckpt.model(x, y)[0], model(x, y)[0])


def test_damage_anywhere_in_a_real_file_gives_a_message_never_a_traceback(tmp_path):
    """Bytes changed at 150 seeded places, and cuts at 50: each load succeeds or raises
    CheckpointError with a message, whatever torch's reader raises inside."""
    model = VAE(latent_dim=2, hidden=8)
    good = checkpoint.save(tmp_path / "small.pt", model, [{"epoch": 1, "test_loss": 200.0}])
    data = good.read_bytes()
    rng = random.Random(5)
    path = tmp_path / "damaged.pt"
    outcomes = set()
    for trial in range(200):
        damaged = bytearray(data)
        if trial < 150:
            for _ in range(rng.randint(1, 4)):
                damaged[rng.randrange(len(damaged))] = rng.getrandbits(8)
        else:
            damaged = damaged[:rng.randrange(1, len(damaged))]
        path.write_bytes(bytes(damaged))
        try:
            checkpoint.load(path)
            outcomes.add("loaded")
        except CheckpointError as exc:
            message = str(exc)
            assert message.startswith("damaged.pt") and "\n" not in message, message
            assert "weights_only" not in message and "Errno" not in message, message
            outcomes.add("refused")
    assert outcomes == {"loaded", "refused"}
