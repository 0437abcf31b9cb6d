"""Turn Ofsted's Annex A lists into a contract snapshot: `python -m metrics.ingest --annex-a WORKBOOK`."""
