"""The Improvement Plan: its measures' trajectories and progress (contract 1.1, plan.parquet)."""
