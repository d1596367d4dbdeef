import gzip
import shutil

import pytest
import torch
from torchvision_folder_support import RAW, torchvision_mnist_folder

from vae_desktop.core.data import DataError, load_mnist, load_split, parse_idx, to_float
from vae_desktop.core.paths import resources_dir

TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def test_bundled_mnist_is_the_real_one(mnist_test):
    images, labels = mnist_test
    assert images.dtype == torch.uint8 and images.shape == (10000, 28, 28)
    assert labels.dtype == torch.int64 and labels.shape == (10000,)
    assert torch.bincount(labels).tolist() == TEST_COUNTS
    train_images, train_labels = load_mnist("train")
    assert train_images.shape == (60000, 28, 28)
    assert torch.bincount(train_labels).tolist() == TRAIN_COUNTS


def test_decompressed_copy_is_cached(tmp_path):
    cache = tmp_path / "cache"
    first = load_mnist("test", cache=cache)
    cached = sorted(p.name for p in cache.glob("*.npy"))
    assert len(cached) == 2 and cached[0].startswith("t10k-images")
    second = load_mnist("test", cache=cache)
    assert torch.equal(first[0], second[0]) and torch.equal(first[1], second[1])


def _copy_bundled(tmp_path):
    folder = tmp_path / "mnist"
    shutil.copytree(resources_dir() / "mnist", folder)
    return folder


def test_missing_file_names_it_and_says_what_to_do(tmp_path):
    folder = _copy_bundled(tmp_path)
    (folder / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(DataError, match=r"t10k-labels-idx1-ubyte\.gz is missing.*restore"):
        load_mnist("test", folder=folder, cache=tmp_path / "c")


def test_corrupt_gzip_is_a_clear_error(tmp_path):
    folder = _copy_bundled(tmp_path)
    path = folder / "t10k-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:5000])  # truncated
    with pytest.raises(DataError, match="t10k-images-idx3-ubyte.gz is corrupt"):
        load_mnist("test", folder=folder, cache=tmp_path / "c")


def test_wrong_content_fails_the_checksum(tmp_path):
    folder = _copy_bundled(tmp_path)
    path = folder / "t10k-labels-idx1-ubyte.gz"
    raw = bytearray(gzip.decompress(path.read_bytes()))
    raw[100] = (raw[100] + 1) % 10  # one label changed: still a valid IDX file
    path.write_bytes(gzip.compress(bytes(raw)))
    with pytest.raises(DataError, match="fails its checksum"):
        load_mnist("test", folder=folder, cache=tmp_path / "c")


def test_parse_idx_rejects_bad_headers():
    with pytest.raises(DataError, match="not an IDX"):
        parse_idx(b"\x00\x00\x0d\x01" + b"\x00" * 8, "x")
    with pytest.raises(DataError, match="expected 4"):
        parse_idx(b"\x00\x00\x08\x01\x00\x00\x00\x04\x01\x02", "x")
    assert parse_idx(b"\x00\x00\x08\x01\x00\x00\x00\x02\x07\x09", "x").tolist() == [7, 9]


def test_unknown_split_and_digit_subsets():
    with pytest.raises(DataError, match="unknown split"):
        load_mnist("valid")
    images, labels = load_split("test", digits=[3, 7], size=500)
    assert len(images) == 500 and set(labels.tolist()) == {3, 7}
    with pytest.raises(DataError, match="digits"):
        load_split("test", digits=[11])
    with pytest.raises(DataError, match="only MNIST is bundled"):
        load_split("test", dataset="kmnist")


def test_torchvision_folder_without_data_says_which_files_go_where(tmp_path):
    """torchvision's own error said "You can use download=True to download it", which nothing in
    vae-desktop does: the check says which files are missing and where they belong."""
    with pytest.raises(DataError) as caught:
        load_split("test", data_dir=tmp_path)
    assert str(caught.value) == (
        f"{tmp_path} holds no MNIST: it needs train-images-idx3-ubyte, train-labels-idx1-ubyte, "
        f"t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, unpacked, in {tmp_path}/MNIST/raw. "
        "vae-desktop does not download data sets: copy them there, or leave --data-dir out to "
        "use the bundled MNIST.")
    raw = tmp_path / "KMNIST" / "raw"
    raw.mkdir(parents=True)
    for name in RAW[1:]:
        (raw / name).write_bytes(b"")
    with pytest.raises(DataError) as caught:
        load_split("train", dataset="kmnist", data_dir=tmp_path)
    assert str(caught.value) == (
        f"{tmp_path} holds no KMNIST: it needs train-images-idx3-ubyte, unpacked, in {raw}. "
        "vae-desktop does not download data sets: copy it there.")
    with pytest.raises(DataError, match=r"^.*nowhere: no such folder\.$"):
        load_split("test", data_dir=tmp_path / "nowhere")


def test_a_torchvision_folder_is_read_as_the_bundled_mnist(tmp_path, mnist_test):
    """The check lets a folder laid out as torchvision's MNIST through: its test split is the
    bundled one, image for image (the training files only have to be there)."""
    torchvision_mnist_folder(tmp_path)
    images, labels = load_split("test", data_dir=tmp_path)
    assert torch.equal(images, mnist_test[0]) and torch.equal(labels, mnist_test[1])


def test_a_truncated_or_empty_file_in_a_torchvision_folder_is_named(tmp_path):
    """What check_torchvision_dir lets through has all four files: a file torchvision then
    cannot read is truncated or damaged, not missing. It said "no mnist dataset found under …
    the folder must hold what torchvision.datasets.MNIST(root, download=True) writes" (a
    RuntimeError), or let torchvision's own ValueError ("invalid literal for int() with base
    16: b''") or a bare AssertionError through."""
    torchvision_mnist_folder(tmp_path)
    raw = tmp_path / "MNIST" / "raw"
    images = raw / "t10k-images-idx3-ubyte"
    images.write_bytes(images.read_bytes()[:16 + 10_000 * 28 * 28 // 2])  # cut in the middle
    with pytest.raises(DataError) as caught:
        load_split("test", data_dir=tmp_path)
    assert str(caught.value) == (
        f"{images} could not be read: it holds 3,920,000 bytes of data, expected 7,840,000. "
        "It may be truncated or damaged: copy it there again, or leave --data-dir out to use the "
        "bundled MNIST.")
    # The training files of the folder are empty.
    with pytest.raises(DataError) as caught:
        load_split("train", data_dir=tmp_path)
    assert str(caught.value) == (
        f"{raw / 'train-images-idx3-ubyte'} could not be read: it is too short to be an IDX file. "
        "It may be truncated or damaged: copy it there again, or leave --data-dir out to use the "
        "bundled MNIST.")


def test_a_damaged_labels_file_of_another_dataset_is_named(tmp_path):
    """The labels file, with a header that says it is no IDX file of bytes (torchvision failed
    an assert, with no words at all); KMNIST has no bundled copy to fall back on."""
    torchvision_mnist_folder(tmp_path)
    (tmp_path / "MNIST").rename(tmp_path / "KMNIST")
    labels = tmp_path / "KMNIST" / "raw" / "t10k-labels-idx1-ubyte"
    labels.write_bytes(b"garbage!" * 100)
    with pytest.raises(DataError) as caught:
        load_split("test", dataset="kmnist", data_dir=tmp_path)
    assert str(caught.value) == (
        f"{labels} could not be read: it is not an IDX file of unsigned bytes (header "
        "67617262). It may be truncated or damaged: copy it there again.")


def test_to_float_scales_to_unit_range(mnist_test):
    x = to_float(mnist_test[0][:10])
    assert x.shape == (10, 1, 28, 28) and x.dtype == torch.float32
    assert x.min() == 0.0 and x.max() == 1.0


def test_a_cached_split_is_read_once_whichever_threads_ask(monkeypatch):
    import threading
    import time

    from vae_desktop.core import data

    reads = []
    real_load_split = data.load_split

    def slow_load_split(split, **kwargs):
        reads.append(split)
        time.sleep(0.2)  # long enough for the second thread to ask meanwhile
        return real_load_split(split, **kwargs)

    monkeypatch.setattr(data, "load_split", slow_load_split)
    cached = data.CachedSplit("test")
    got = []
    threads = [threading.Thread(target=lambda: got.append(cached.get(300))) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert reads == ["test"]
    images, labels = real_load_split("test", size=300)
    for part_images, part_labels in got:
        assert torch.equal(part_images, images) and torch.equal(part_labels, labels)
    assert len(cached.get()[0]) == 10_000
    with pytest.raises(data.DataError, match="at least 1"):
        cached.get(0)
    with pytest.raises(data.DataError, match="unknown split"):
        data.CachedSplit("validation")


def test_a_binarisation_is_never_another_threads(monkeypatch):
    """binarize_fixed checked the kept binarisation's key, then read its images in a second
    step: another thread putting its own in between got its images back (the Evaluate tab's
    anomaly pass beside its report). Here the other thread's write comes right after the key
    is read."""
    from vae_desktop.core import data

    images, other = load_split("test", size=50)[0], load_split("test", size=60)[0][10:]
    mine = data.binarize_fixed(images)

    class Interleaved(list):
        def __getitem__(self, index):
            item = super().__getitem__(index)
            if index == 0:  # the key was read: the other thread's result goes in now
                super().__setitem__(slice(None), [("other",), other, data.binarize(
                    data.to_float(other))])
            return item

    monkeypatch.setattr(data, "_last_binarization", Interleaved(data._last_binarization))
    assert torch.equal(data.binarize_fixed(images), mine)
