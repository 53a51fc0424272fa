"""Delta-chain facts, against the same facts asked of Mercurial's revlog objects here."""

from __future__ import annotations

import random

import pytest
from mercurial import hg
from mercurial import ui as uimod

from explorer.reports.chains import HgChains
from explorer.reports.target import Selection, resolve


def hg_revlogs(repo_path, config):
    """(selection, hg revlog) for the changelog, the manifest and every filelog."""
    ui = uimod.ui.load()
    for key, value in config.items():
        section, name = key.split(".", 1)
        ui.setconfig(section.encode(), name.encode(), value.encode())
    repo = hg.repository(ui, str(repo_path).encode()).unfiltered()
    yield Selection(changelog=True), repo.changelog
    yield Selection(manifest=True), repo.manifestlog.getstorage(b"")._revlog
    for entry in repo.store.data_entries():
        if entry.is_filelog:
            path = entry.target_id
            yield Selection(file=path.decode("utf-8", "surrogateescape")), repo.file(path)._revlog


def check_revlog(chains: HgChains, rl) -> None:
    for rev in range(len(rl)):
        chain = rl._deltachain(rev)[0]
        facts = chains.summary(rev)
        assert (facts.base, facts.length, facts.last) == (chain[0], len(chain), chain[-1]), rev
        assert facts.previous == (chain[-2] if len(chain) > 1 else -1), rev
        assert facts.size == rl._chaininfo(rev)[1], rev  # empty deltas add 0
        assert facts.steps == rl.chainlen(rev), rev
        assert chains.delta_parent(rev) == rl.deltaparent(rev), rev
        assert chains.is_snapshot(rev) == bool(rl.issnapshot(rev)), rev
        if chains.is_snapshot(rev):
            assert chains.snapshot_depth(rev) == rl.snapshotdepth(rev), rev
        assert chains.revlog.delta_chain(rev) == list(chain), rev
    pick = random.Random(len(rl))
    for _ in range(min(200, len(rl) ** 2)):
        a, b = sorted(pick.randrange(-1, len(rl)) for _ in range(2))
        assert chains.is_ancestor(a, b) == rl.isancestorrev(a, b), (a, b)


# lfs needs its extension, which only hg's command dispatch sets up; the report tests
# cover that repository through the hg command line.
@pytest.mark.hgrepos(exclude={"lfs"})
def test_spec_repositories(hgrepo, hgconfig, monkeypatch):
    monkeypatch.chdir(hgrepo)
    for selection, rl in hg_revlogs(hgrepo, hgconfig):
        target = resolve(selection)
        check_revlog(HgChains(target.revlog), rl)


@pytest.mark.parametrize("name", ["odd", "worktree", "dag"])
def test_handmade_repositories(handmade_repos, name, monkeypatch):
    repo = handmade_repos(name)
    monkeypatch.chdir(repo)
    for selection, rl in hg_revlogs(repo, {}):
        target = resolve(selection)
        check_revlog(HgChains(target.revlog), rl)
