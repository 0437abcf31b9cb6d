"""Snapshots prepared once and kept: checks and rated tables in a local cache, read back by row groups,
and large snapshots prepared ahead by a process of their own."""
