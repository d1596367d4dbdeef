from vae_desktop.gui.tabs.conditional.tab import ConditionalTab

__all__ = ["ConditionalTab"]
