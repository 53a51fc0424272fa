"""One revlog, read and appended to: ``Revlog`` (the public face), ``InnerRevlog`` (its
files and caches), the writer, the delta-base search and the write session."""
