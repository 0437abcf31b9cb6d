"""`python -m metrics.plan`: the command's name; the command itself is metrics/commands/plan.py."""

import sys

from metrics.commands.plan import main

sys.exit(main())
