"""`python -m metrics.comparators`: the command's name; the command itself is metrics/commands/comparators.py."""

import sys

from metrics.commands.comparators import main

sys.exit(main())
