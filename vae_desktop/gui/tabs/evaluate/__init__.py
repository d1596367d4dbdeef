from vae_desktop.gui.tabs.evaluate.tab import EvaluateTab

__all__ = ["EvaluateTab"]
