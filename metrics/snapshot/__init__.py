"""Snapshots as the data contract fixes them: the contract itself, dates, workbooks, the indicator
catalogue, finding and reading snapshots under the data root, checking them, and writing new ones."""
