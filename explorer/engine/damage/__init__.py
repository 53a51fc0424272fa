"""Damage on purpose and damage found: faults injected for teaching and tests, and the
comparison of a damaged store with a good copy."""
