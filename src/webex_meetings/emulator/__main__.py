"""Entry point of ``python -m webex_meetings.emulator``."""

import sys

from .cli import main

sys.exit(main())
