from vae_desktop.gui.tabs.draw.tab import DrawTab

__all__ = ["DrawTab"]
