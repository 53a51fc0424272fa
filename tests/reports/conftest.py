"""Fixtures of the report tests: a running hg command server and our own repositories."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reports import handmade
from tests.reports.hgserver import CommandServer


@pytest.fixture(scope="session")
def hg_server():
    server = CommandServer()
    yield server
    server.close()


class HandmadeRepos:
    """Builds the repositories of ``tests.reports.handmade`` once per session."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._built: dict[str, Path] = {}

    def __call__(self, name: str) -> Path:
        if name not in self._built:
            self._built[name] = handmade.BUILDERS[name](self.root / name)
        return self._built[name]


@pytest.fixture(scope="session")
def handmade_repos(tmp_path_factory) -> HandmadeRepos:
    return HandmadeRepos(tmp_path_factory.mktemp("report-repos"))
