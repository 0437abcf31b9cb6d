"""`python -m metrics.validate`: the data contract's name for metrics/commands/validate.py."""

import sys

if __name__ == "__main__":
    from metrics.commands.validate import main

    sys.exit(main())
