"""The domain: pure Python, no Streamlit. Packages in layers, each importing only those below it
(tests/test_architecture.py enforces the order):

core < snapshot < annex_a < disclosure < comparators < rating < prepare < plan < outputs < demo < commands

The data contract's commands keep their names as thin entries (`python -m metrics.ingest`,
`metrics.validate`, `metrics.scorecard`, `metrics.report`, `metrics.comparators`, `metrics.plan`), each
running its module in metrics/commands/.
"""
