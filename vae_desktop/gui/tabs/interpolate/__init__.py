from vae_desktop.gui.tabs.interpolate.tab import InterpolateTab

__all__ = ["InterpolateTab"]
