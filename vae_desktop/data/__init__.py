"""Files shipped with the package: the freedesktop launcher, the icon (SVG and PNGs) and the
guide shown by Help ▸ Guide (HTML and small pictures). Found with vae_desktop.core.paths."""
