"""Writing safely: the journal and backup files, the store lock, commit and rollback, and
what a recover would undo."""
