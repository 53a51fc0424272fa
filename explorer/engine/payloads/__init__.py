"""What revision texts mean: a changeset, a manifest, a file text with its copy metadata,
a sidedata blob. Parsers and formatters over bytes; nothing here reads a file."""
