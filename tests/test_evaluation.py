"""The evaluation report against direct computations, and `vae-desktop eval --json`."""

from __future__ import annotations

import copy
import json
import math

import pytest
import torch
import torch.nn.functional as F

from vae_desktop.cli import main
from vae_desktop.core.data import to_float
from vae_desktop.core.evaluation import _WorstKept, evaluate_model, reconstruct
from vae_desktop.core.training import evaluate

N = 1500  # test images: enough for every digit, quick even with SSIM


@pytest.fixture(scope="module")
def z16_report(bundled, mnist_test):
    model = bundled["mnist-vae-z16"].model
    images, labels = mnist_test[0][:N], mnist_test[1][:N]
    return model, images, labels, evaluate_model(model, images, labels, worst=10)


def test_headline_is_training_evaluate(z16_report):
    model, images, labels, report = z16_report
    direct = evaluate(model, images, labels)
    assert (report.test_loss, report.recon, report.kl) == (
        direct["test_loss"], direct["recon"], direct["kl"])
    assert report.count == N
    assert 60 < report.test_loss < 200  # a trained model, in nats per image


def test_per_image_scores_match_a_direct_computation(z16_report):
    model, images, labels, report = z16_report
    i = 17
    x = to_float(images[i:i + 1])
    with torch.no_grad():
        mu, logvar = model.encode(x)
        recon_image = model.decode(mu)
    bce = F.binary_cross_entropy(recon_image, x, reduction="sum")
    kl = -0.5 * torch.sum(1 + logvar - mu ** 2 - logvar.exp())
    assert float(report.scores["recon"][i]) == pytest.approx(float(bce), rel=1e-3)
    assert float(report.scores["kl"][i]) == pytest.approx(float(kl), rel=1e-4)
    assert float(report.scores["loss"][i]) == pytest.approx(float(bce + kl), rel=1e-3)
    mse = float(((recon_image - x) ** 2).mean())
    assert float(report.scores["psnr"][i]) == pytest.approx(10 * math.log10(1 / mse), rel=1e-4)
    assert 0 < float(report.scores["ssim"][i]) <= 1


def test_per_digit_rows_are_means_of_per_image_scores(z16_report):
    _, _, labels, report = z16_report
    assert [row.digit for row in report.per_digit] == list(range(10))
    assert sum(row.count for row in report.per_digit) == N
    for row in report.per_digit:
        mask = labels == row.digit
        assert row.count == int(mask.sum())
        for key in ("loss", "recon", "kl", "psnr", "ssim"):
            assert getattr(row, key) == pytest.approx(float(report.scores[key][mask].mean()),
                                                      rel=1e-5)
    assert report.psnr == pytest.approx(float(report.scores["psnr"].mean()), rel=1e-6)
    assert report.ssim == pytest.approx(float(report.scores["ssim"].mean()), rel=1e-6)
    ones = next(r for r in report.per_digit if r.digit == 1)
    assert ones.loss < min(r.loss for r in report.per_digit if r.digit != 1)  # simplest digit


def test_worst_reconstructions(z16_report):
    model, images, labels, report = z16_report
    worst = report.worst
    assert len(worst) == 10
    recon = report.scores["recon"]
    assert float(recon[worst[0]]) == float(recon.max())
    assert torch.all(recon[worst][:-1] >= recon[worst][1:])
    assert float(recon[worst[-1]]) >= float(recon.kthvalue(N - 9).values)
    again = reconstruct(model, images[worst[:2]], labels[worst[:2]])[:, 0]
    assert torch.allclose(report.reconstructions[:2], again, atol=1e-6)


def test_worst_reconstructions_come_from_every_batch(bundled, mnist_test):
    """The report keeps, batch by batch, only the reconstructions that may be among the worst:
    with batches of 64 and the worst 40 of 300 images, those of all batches are the right ones."""
    model = bundled["mnist-vae-z16"].model
    images, labels = mnist_test[0][:300], mnist_test[1][:300]
    report = evaluate_model(model, images, labels, worst=40, batch_size=64)
    whole = evaluate_model(model, images, labels, worst=40, batch_size=1000)
    assert torch.equal(report.worst, whole.worst)
    assert len({int(i) // 64 for i in report.worst}) > 1  # from more than one batch
    again = reconstruct(model, images[report.worst], labels[report.worst])[:, 0]
    assert report.reconstructions.shape == (40, 28, 28)
    assert torch.allclose(report.reconstructions, again, atol=1e-6)


def test_every_image_tied_at_the_last_worst_score_is_kept():
    """argsort may name any of the images tied at the `worst`-th highest score, in any batch, so
    each batch keeps them all."""
    kept = _WorstKept(worst=2)
    pred = torch.arange(4 * 28 * 28, dtype=torch.float32).reshape(4, 1, 28, 28)
    kept.add(100, torch.tensor([9.0, 7.0, 7.0, 7.0]), pred)
    kept.add(104, torch.tensor([1.0, math.nan, 0.5]), pred[:3] + 0.5)
    for tied in (101, 102, 103):
        got = kept.images(torch.tensor([100, tied]))
        assert torch.equal(got, pred[[0, tied - 100], 0])
    assert torch.equal(kept.images(torch.tensor([105])), pred[1:2, 0] + 0.5)  # NaN sorts first
    assert set(kept.found) == {100, 101, 102, 103, 104, 105}  # not 106: two are above it
    assert kept.images(torch.tensor([], dtype=torch.long)).shape == (0, 28, 28)


def test_worst_reconstructions_of_tied_and_nan_scores(bundled, mnist_test):
    """Equal reconstruction scores in every batch (each image the same, the decoder's output
    fixed at its bias), and then NaN scores: the report has the reconstructions of the images
    it names as the worst."""
    model = copy.deepcopy(bundled["mnist-vae-z16"].model)
    images = mnist_test[0][:1].repeat(50, 1, 1)
    labels = mnist_test[1][:1].repeat(50)
    last = model.dec_body[-1]
    with torch.no_grad():
        last.weight.zero_()
    report = evaluate_model(model, images, labels, worst=4, batch_size=10)
    assert len(set(report.scores["recon"].tolist())) == 1  # one score, tied 50 times
    assert report.reconstructions.shape == (4, 28, 28)
    # Within rounding, not bit for bit: with AVX-512, torch's sigmoid takes a 784-number
    # vector's last 16 through its scalar code, a batch's all through its vector code (1 ulp).
    expected = torch.sigmoid(last.bias).detach().reshape(28, 28).expand(4, 28, 28)
    torch.testing.assert_close(report.reconstructions, expected, rtol=1e-6, atol=0)
    with torch.no_grad():
        last.bias[5] = math.nan
    report = evaluate_model(model, images, labels, worst=24, batch_size=10)
    assert report.scores["recon"].isnan().all()
    assert report.reconstructions.shape == (24, 28, 28)
    assert report.reconstructions[:, 0, 5].isnan().all()


def test_conditional_model_and_bad_input(bundled, mnist_test):
    model = bundled["mnist-cvae-z2"].model
    images, labels = mnist_test[0][:300], mnist_test[1][:300]
    report = evaluate_model(model, images, labels)
    right = report.scores["loss"].mean()
    wrong = evaluate_model(model, images, (labels + 1) % 10).scores["loss"].mean()
    assert wrong > right + 5  # the labels are really used
    with pytest.raises(ValueError, match="no test images"):
        evaluate_model(model, images[:0], labels[:0])
    with pytest.raises(ValueError, match="labels"):
        evaluate_model(model, images, labels[:10])


def test_eval_json_cli(bundled, mnist_test, capsys):
    ckpt = bundled["mnist-vae-z2"]
    assert main(["eval", str(ckpt.path), "--json", "--test-size", "400", "--device", "cpu"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert {"test_loss", "recon", "kl", "psnr", "ssim", "per_digit"} <= set(result)
    direct = evaluate(ckpt.model, mnist_test[0][:400], mnist_test[1][:400])
    assert (result["test_loss"], result["recon"], result["kl"]) == (
        direct["test_loss"], direct["recon"], direct["kl"])
    assert len(result["per_digit"]) == 10
    assert sum(row["count"] for row in result["per_digit"]) == 400
    assert 5 < result["psnr"] < 40 and 0 < result["ssim"] < 1

    assert main(["eval", str(ckpt.path), "--test-size", "200"]) == 0
    text = capsys.readouterr().out
    assert "PSNR" in text and "SSIM" in text and "digit" in text


def test_a_binarised_models_ssim_is_scored_against_its_binary_inputs(bundled, mnist_test):
    # Its SSIM skips the blur of the targets' squares (0/1 pixels); the scores must be those of
    # the full five-map computation against the binarised digits it is tested on.
    from vae_desktop.core import metrics
    from vae_desktop.core.data import binarize_fixed

    model = bundled["mnist-vae-z50-binarized"].model
    images, labels = mnist_test[0][:300], mnist_test[1][:300]
    report = evaluate_model(model, images, labels, worst=5, batch_size=128)
    x = binarize_fixed(to_float(images))
    with torch.no_grad():
        pred = model.decode(model.encode(x)[0])
    expected = metrics.ssim(pred, x)
    assert report.binarized
    assert torch.allclose(report.scores["ssim"], expected, atol=1e-6, rtol=0)
    assert not torch.allclose(report.scores["ssim"], metrics.ssim(pred, to_float(images)),
                              atol=1e-3)  # the grey-level digits would give other values
