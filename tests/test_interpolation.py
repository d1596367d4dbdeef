"""Latent interpolation: exact ends, the norm profiles of lerp and slerp, the awkward cases of
slerp, label blending and the there-and-back frame order."""

from __future__ import annotations

import pytest
import torch

from vae_desktop.core import interpolation as interp


def same_image(x: torch.Tensor, y: torch.Tensor) -> bool:
    """Equal up to float rounding (a batch of one and a batch of many take different BLAS paths);
    a different code or label changes pixels by orders of magnitude more."""
    return torch.allclose(x, y, rtol=1e-5, atol=1e-6)


def test_mixing_ratios_and_step_limits():
    t = interp.mixing_ratios(5)
    assert t.tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    for bad in (1, 31, 2.5, True):
        with pytest.raises(ValueError, match="steps must be an integer from 2 to 30"):
            interp.mixing_ratios(bad)
    with pytest.raises(ValueError, match="method"):
        interp.strip_codes(torch.zeros(2), torch.ones(2), 5, "cubic")
    with pytest.raises(ValueError, match="differ in size"):
        interp.lerp(torch.zeros(2), torch.ones(3), interp.mixing_ratios(3))


@pytest.mark.parametrize("method", interp.METHODS)
def test_strip_ends_are_exactly_the_end_codes(method, bundled):
    gen = torch.Generator().manual_seed(0)
    a, b = torch.randn(16, generator=gen), torch.randn(16, generator=gen) * 1.7
    for steps in (2, 7, 30):
        codes = interp.strip_codes(a, b, steps, method)
        assert codes.shape == (steps, 16)
        assert torch.equal(codes[0], a) and torch.equal(codes[-1], b)
    model = bundled["mnist-vae-z16"].model.eval()
    frames = interp.decode_strip(model, interp.strip_codes(a, b, 9, method))
    with torch.no_grad():
        assert same_image(frames[0], model.decode(a[None])[0])
        assert same_image(frames[-1], model.decode(b[None])[0])


def test_slerp_keeps_equal_norms_and_lerp_dips():
    gen = torch.Generator().manual_seed(1)
    a = torch.randn(8, generator=gen)
    b = torch.randn(8, generator=gen)
    b = b / b.norm() * a.norm()
    t = interp.mixing_ratios(21)
    s_norms = interp.slerp(a, b, t).norm(dim=1)
    assert torch.allclose(s_norms, a.norm().expand(21), rtol=1e-5)
    l_norms = interp.lerp(a, b, t).norm(dim=1)
    omega = torch.arccos(torch.dot(a, b) / (a.norm() * b.norm()))
    assert l_norms[10] == pytest.approx(float(a.norm() * torch.cos(omega / 2)), rel=1e-4)
    assert l_norms[10] < l_norms[0] - 0.05 and torch.all(l_norms[1:-1] < l_norms[0])
    # slerp turns at a constant rate: equal angles between neighbouring frames.
    # Unequal norms: the length goes linearly from |a| to |b|, never overshooting.
    c = -0.3 * a + torch.randn(8, generator=gen)
    c = c / c.norm() * 2.5 * a.norm()
    expected = (1 - t.float()) * a.norm() + t.float() * c.norm()
    assert torch.allclose(interp.slerp(a, c, t).norm(dim=1), expected, rtol=1e-5)
    path = interp.slerp(a, b, t)
    cosines = torch.nn.functional.cosine_similarity(path[:-1], path[1:], dim=1)
    assert torch.allclose(cosines, cosines[0].expand(20), atol=1e-5)


def test_slerp_awkward_pairs_stay_finite():
    t = interp.mixing_ratios(11)
    a = torch.tensor([1.0, 2.0, -0.5])
    nearly_same = interp.slerp(a, a * (1 + 1e-7), t)
    assert torch.isfinite(nearly_same).all()
    assert torch.allclose(nearly_same, interp.lerp(a, a * (1 + 1e-7), t))
    opposite = interp.slerp(a, -2 * a, t)
    assert torch.isfinite(opposite).all()
    assert torch.equal(opposite[0], a) and torch.equal(opposite[-1], -2 * a)
    norms = opposite.norm(dim=1)
    assert torch.allclose(norms, torch.linspace(1, 2, 11) * a.norm(), rtol=1e-5)  # no cut through 0
    same = interp.slerp(a, a, t)
    assert torch.allclose(same, a.expand(11, -1))
    from_zero = interp.slerp(torch.zeros(3), a, t)
    assert torch.allclose(from_zero[5], 0.5 * a)
    one_d = interp.slerp(torch.tensor([1.0]), torch.tensor([-1.0]), t)
    assert torch.isfinite(one_d).all() and one_d[-1].item() == -1.0


def test_slerp_to_a_code_near_the_origin_goes_straight(bundled, mnist_test):
    """The binarized model, A a digit's code and B about the origin (a slider nudged z17 to
    0.04): the spherical frame at t = 0.56 had z17 at +1.51, an unused dimension far out along
    the tiny code's arbitrary direction. An end that short against the other has no direction
    worth turning to: the path is the straight line, and z17 stays between its ends."""
    model = bundled["mnist-vae-z50-binarized"].model.eval()
    images, _ = mnist_test
    with torch.no_grad():
        a = model.encode(images[3].float().div(255).reshape(1, 1, 28, 28))[0][0]
    b = torch.zeros(50)
    b[17] = 0.04
    codes = interp.strip_codes(a, b, 10, "spherical")
    assert torch.allclose(codes, interp.strip_codes(a, b, 10, "linear"))
    z17 = codes[:, 17]
    assert float(z17.min()) >= min(0.0, float(a[17])) - 1e-6
    assert float(z17.max()) <= max(0.04, float(a[17])) + 1e-6
    # A short end that is still a direction (a fifth of the other) is turned to as before.
    c = torch.randn(50, generator=torch.Generator().manual_seed(3))
    c = c / c.norm() * 0.2 * a.norm()
    t = interp.mixing_ratios(10)
    assert not torch.allclose(interp.slerp(a, c, t), interp.lerp(a, c, t), atol=1e-3)


def test_label_blending_rows_sum_to_one():
    t = interp.mixing_ratios(5)
    rows = interp.blend_labels(3, 8, t, 10)
    assert rows.shape == (5, 10)
    assert torch.allclose(rows.sum(1), torch.ones(5))
    assert rows[0].argmax() == 3 and rows[0, 3] == 1 and rows[-1, 8] == 1
    assert rows[2, 3] == pytest.approx(0.5) and rows[2, 8] == pytest.approx(0.5)
    assert rows[1, 8] == pytest.approx(0.25)
    fixed = interp.fixed_labels(4, 6, 10)
    assert torch.equal(fixed, torch.nn.functional.one_hot(torch.full((6,), 4), 10).float())
    with pytest.raises(ValueError, match="labels must be from 0 to 9"):
        interp.blend_labels(3, 10, t, 10)


def test_blended_labels_reach_the_decoder(bundled):
    model = bundled["mnist-cvae-z2"].model.eval()
    a, b = torch.tensor([0.3, -0.2]), torch.tensor([-0.5, 0.8])
    codes = interp.strip_codes(a, b, 5, "spherical")
    labels = interp.blend_labels(1, 7, interp.mixing_ratios(5), 10)
    frames = interp.decode_strip(model, codes, labels)
    with torch.no_grad():
        assert same_image(frames[0], model.decode(a[None], torch.tensor([1]))[0])
        assert same_image(frames[-1], model.decode(b[None], torch.tensor([7]))[0])
    with pytest.raises(ValueError, match="label row"):
        interp.decode_strip(model, codes)


def test_there_and_back_loops_without_repeating_ends():
    assert interp.there_and_back([0, 1, 2, 3]) == [0, 1, 2, 3, 2, 1]
    assert interp.there_and_back([0, 1]) == [0, 1]
    for steps in (2, 5, 30):
        assert len(interp.there_and_back(range(steps))) == 2 * steps - 2
