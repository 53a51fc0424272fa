"""The subcommand names the entry point knows before loading them are the ones registered."""

from __future__ import annotations

import argparse

from explorer.cli import build_parser, names


def test_names_are_the_registered_subcommands() -> None:
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert tuple(sub.choices) == names.COMMANDS
