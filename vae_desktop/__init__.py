"""vae-desktop: train and explore variational autoencoders on handwritten digits."""
__version__ = "0.1.0"
