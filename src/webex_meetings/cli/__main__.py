"""Entry point of ``python -m webex_meetings.cli``."""

import sys

from webex_meetings.cli import main

sys.exit(main())
