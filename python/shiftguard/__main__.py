"""``python -m shiftguard ...`` runs the command line (see shiftguard.cli)."""

import sys

from .cli import main

sys.exit(main())
