from vae_desktop.gui.tabs.sweep.tab import SweepTab

__all__ = ["SweepTab"]
