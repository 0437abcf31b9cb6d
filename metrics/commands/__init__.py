"""The command-line entry points, apart from the library they drive.

The data contract's commands keep their names: `python -m metrics.validate`, `python -m
metrics.ingest` and `python -m metrics.scorecard` run validate.py, ingest.py and scorecard.py here.
The others run from here: `python -m metrics.commands.prepare`, `python -m metrics.commands.demo`.
"""
