"""`python -m metrics.ingest`: the command's name; the command itself is metrics/commands/ingest.py."""

import sys

if __name__ == "__main__":
    from metrics.commands.ingest import main

    sys.exit(main())
