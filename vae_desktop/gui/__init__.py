"""The Qt layer: one module per tab over vae_desktop.core."""

from vae_desktop.gui.compat import protect_none_refcount

protect_none_refcount()
