"""A shorter test set for tests whose tabs run a test-set pass (shared by test modules)."""

from __future__ import annotations


def use_test_digits(state, mnist_test, monkeypatch, count: int):
    """Make `state`'s test set the first `count` test digits, so each model's test-set pass is
    quick."""
    from vae_desktop.core.data import to_float

    images, labels = mnist_test[0][:count], mnist_test[1][:count]
    monkeypatch.setattr(state, "test_set", lambda: (images, labels))
    monkeypatch.setattr(state, "test_images", lambda: to_float(images))
    return state


def evaluated_tab(qtbot, app_state, mnist_test, monkeypatch, count: int = 300):
    """An Evaluate tab (1280×640, shown) whose report of the bundled z16 model on the first
    `count` test digits is done. The caller shuts it down (`assert tab.shutdown()`)."""
    from vae_desktop.gui.tabs.evaluate.tab import EvaluateTab

    use_test_digits(app_state, mnist_test, monkeypatch, count)
    app_state.set_active(app_state.find_model(conditional=False, latent_dim=16))
    tab = EvaluateTab(app_state)
    qtbot.addWidget(tab)
    tab.resize(1280, 640)
    with qtbot.waitSignal(tab.evaluated, timeout=60_000):
        tab.show()
    return tab
