"""How the council compares with others: DfE's published figures as the benchmarks table, and which
comparator a figure can fairly be set against."""
