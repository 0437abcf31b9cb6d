"""The demo council, Example County Council: its catalogue, the story its figures tell, its DfE-layout
comparator files, and the snapshots written from them."""
