"""``python -m signing``: sign, verify, issue development certificates."""

import sys

from .cli import main

sys.exit(main())
