"""The monthly cycle: what an officer (or the ingest command) loads, read and checked exactly as ingest
checks it; what a new month changes, before it is published; publishing, withdrawing and the record of
who did each."""
