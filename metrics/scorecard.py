"""`python -m metrics.scorecard`: the command's name; the command itself is metrics/commands/scorecard.py."""

import sys

if __name__ == "__main__":
    from metrics.commands.scorecard import main

    sys.exit(main())
