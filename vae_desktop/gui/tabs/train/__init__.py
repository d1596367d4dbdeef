from vae_desktop.gui.tabs.train.tab import TrainTab

__all__ = ["TrainTab"]
