"""Figures rated: team and whole-service figures by the aggregation rules, targets and RAG, runs of
months at a status, SPC, caseloads, the performance table of a snapshot, and revisions between two."""
