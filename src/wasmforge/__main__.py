"""``python -m wasmforge`` runs the command-line interface."""

from wasmforge.cli.main import main

raise SystemExit(main())
