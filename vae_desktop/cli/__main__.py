"""`python -m vae_desktop.cli`: the vae-desktop command, as `python -m vae_desktop` runs it."""

from vae_desktop.cli import main

raise SystemExit(main())
