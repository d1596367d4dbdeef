from vae_desktop.gui.tabs.latent.tab import LatentTab

__all__ = ["LatentTab"]
