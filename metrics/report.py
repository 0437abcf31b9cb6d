"""`python -m metrics.report`: the command's name; the command itself is metrics/commands/report.py."""

import sys

if __name__ == "__main__":
    from metrics.commands.report import main

    sys.exit(main())
