"""The Qt layer: one module per tab over vae_desktop.core."""
