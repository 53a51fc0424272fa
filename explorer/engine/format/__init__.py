"""The bytes on disk, decoded and encoded: header word, index entries, dockets, nodemap,
chunk compression, deltas (mpatch applies them, bdiff makes them), node hashes. Nothing
here opens a revlog or knows a store."""
