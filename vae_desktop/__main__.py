from vae_desktop.cli import main

raise SystemExit(main())
