"""The Draw tab names its score as the Evaluate tab names the same figure.

The drawing, each label of the guess and the test digits it is ranked among are all scored at
z = μ: the reconstruction of the posterior mean code plus the KL (core.evaluation.AT_MU). That
is no negative ELBO (the ELBO is an expectation over q(z|x); decoding its mean alone is no bound
on -log p(x)), but the Draw tab called it "Negative ELBO" in its Score panel, its "Copy scores"
text, the histogram's title and axis, the guess's tooltip and its guide page, while the Evaluate
tab's table calls it "reconstruction + KL" and keeps "Negative ELBO" for its sampled cards."""

from __future__ import annotations

import re
from html import unescape

import numpy as np
import pytest
import torch
from draw_tab_support import SEVEN, settled, short_test_set, shown_tab, stroke, wait_for_test_pass
from PySide6.QtWidgets import QGroupBox, QLabel, QWidget

from vae_desktop.core.digit_analysis import analyse_digit
from vae_desktop.core.evaluation import AT_MU, SCORE_NAMES
from vae_desktop.core.model import score_images
from vae_desktop.gui.guide import page_path

CAPITAL = AT_MU[0].upper() + AT_MU[1:]


def test_the_drawing_and_its_labels_are_scored_at_mu_as_the_test_digits(bundled, mnist_test):
    """What the tab shows is the z = μ figure: each label's score is score_images at samples=0
    (the test-set pass's), not the sampled negative ELBO, which differs by nats."""
    model = bundled["mnist-cvae-z2"].model.eval()
    image = mnist_test[0][0].float() / 255.0  # a 7
    result = analyse_digit(model, image)
    x = image.reshape(1, 1, 28, 28).expand(10, -1, -1, -1)
    labels = torch.arange(10)
    with torch.no_grad():
        at_mu = score_images(model, x, labels, samples=0)["loss"].numpy()
        torch.manual_seed(0)
        sampled = score_images(model, x, labels, samples=32)["loss"].numpy()
    assert result.label_losses == pytest.approx(at_mu, rel=1e-4)
    assert result.loss == pytest.approx(float(at_mu[7]), rel=1e-4) and result.label == 7
    assert abs(float(sampled[7]) - result.loss) > 0.1  # a sampled figure would not match


def test_the_guess_ranks_the_labels_as_the_sampled_negative_elbo_does(bundled, mnist_test):
    """The guess is a generative classifier: the z = μ figure under each label stands in for
    -log p(x | y). It is no bound, but the best label it picks is the sampled negative ELBO's
    (averaged over 16 draws of z) for nearly every test digit, so the tooltip's claim holds."""
    model = bundled["mnist-cvae-z16"].model.eval()
    n = 40
    images = mnist_test[0][:n].float() / 255.0
    at_mu = torch.from_numpy(np.stack([analyse_digit(model, image).label_losses
                                       for image in images]))
    x = images.reshape(n, 1, 28, 28).repeat_interleave(10, 0)
    labels = torch.arange(10).repeat(n)
    torch.manual_seed(0)
    with torch.no_grad():
        sampled = score_images(model, x, labels, samples=16)["loss"].view(n, 10)
    assert int((at_mu.argmin(1) == sampled.argmin(1)).sum()) >= n - 2
    assert not torch.allclose(at_mu, sampled, atol=0.5)  # two figures, not one


def texts_shown(tab: QWidget) -> list[str]:
    """Every word the tab shows: labels, box titles, the plots' axis titles, the copied scores."""
    shown = [label.text() for label in tab.findChildren(QLabel)]
    shown += [box.title() for box in tab.findChildren(QGroupBox)]
    for plot in (tab.histogram, tab.guess_panel.bar_plot):
        shown += [plot.getAxis(side).labelText for side in ("bottom", "left")]
    shown.append(tab.scores_panel.scores_text())
    return shown


def tooltips(tab: QWidget) -> list[str]:
    return [w.toolTip() for w in tab.findChildren(QWidget) if w.toolTip()]


def check_names(tab) -> None:
    """No shown word calls the z = μ figure a negative ELBO; it is named AT_MU everywhere; a
    tooltip speaks of a negative ELBO only to say it is the Evaluate tab's sampled one."""
    shown = texts_shown(tab)
    assert not [t for t in shown if "ELBO" in t.upper()], [t for t in shown if "ELBO" in t.upper()]
    copied = tab.scores_panel.scores_text().splitlines()
    assert copied[1] == f"{CAPITAL}: {tab.loss_label.text()} {tab.parts_label.text()}"
    assert tab.histogram.getAxis("bottom").labelText == SCORE_NAMES["loss"]  # as Evaluate's
    assert any(CAPITAL in box.title() for box in tab.findChildren(QGroupBox)
               if box.isAncestorOf(tab.histogram))
    tip = tab.loss_label.toolTip().lower()
    assert AT_MU.lower() in tip and "z = μ" in tip and "not a bound" in tip
    assert "sampled negative elbo" in tip and "evaluate" in tip
    assert AT_MU in tab.percentile_label.toolTip() and AT_MU in tab.histogram.toolTip()
    for tip in tooltips(tab):
        if "ELBO" in tip.upper():
            assert "sampled negative ELBO" in tip, tip


@pytest.fixture
def app_state(app_state, mnist_test, monkeypatch):
    return short_test_set(app_state, mnist_test, monkeypatch)


def test_an_unconditional_models_score_is_named_reconstruction_plus_kl(qtbot, app_state):
    tab = shown_tab(qtbot, app_state, conditional=False, latent_dim=2)
    wait_for_test_pass(qtbot, app_state)
    stroke(qtbot, tab.canvas, SEVEN)
    qtbot.waitUntil(lambda: settled(tab) and "%" in tab.percentile_label.text())
    check_names(tab)


def test_a_conditional_models_score_and_guess_are_named_reconstruction_plus_kl(qtbot, app_state):
    tab = shown_tab(qtbot, app_state, conditional=True, latent_dim=2)
    wait_for_test_pass(qtbot, app_state)
    stroke(qtbot, tab.canvas, SEVEN)
    qtbot.waitUntil(lambda: settled(tab) and "%" in tab.percentile_label.text())
    tab.label_combo.setCurrentIndex(tab.label_combo.findData(1))  # the "As a 1:" row too
    qtbot.waitUntil(lambda: tab.scores_panel.picked_caption.isVisible())
    check_names(tab)
    assert AT_MU in tab.scores_panel.picked_scores.toolTip()
    # The guess ranks the labels by the same figure, and its tooltip says so in those words.
    tip = tab.guess_panel.bar_plot.toolTip()
    assert AT_MU in tip and "z = μ" in tip and "log p(x | y)" in tip


def test_the_guide_page_names_the_score_as_the_tab_does():
    html = page_path("draw").read_text(encoding="utf-8")
    words = " ".join(unescape(re.sub(r"<[^>]+>", "", html)).split())
    assert AT_MU in words and "z = μ" in words and "not a bound" in words
    # "negative ELBO" only for the Evaluate tab's sampled figure, never for the Draw tab's.
    for at in [i for i in range(len(words)) if words.startswith("negative ELBO", i)]:
        assert "sampled negative ELBO" in words[at - 8:at + 14], words[at - 80:at + 80]
