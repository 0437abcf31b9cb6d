"""The ground floor: array helpers, problems in input, settings, months, threads, memory budgets and the
allocator. It imports nothing else of metrics."""
