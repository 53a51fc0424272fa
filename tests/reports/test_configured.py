"""Reports read the repository's configuration as hg does: with ``.hg/hgrc`` setting
sparse reading, ``deltachain`` shows hg's read columns, sliced at hg's thresholds."""

from __future__ import annotations

import pytest

from tests.reports.runner import Comparison, compare_all, revlog_targets

OPTIONS = [["--all-info"], ["--sparse-info"], ["--all-info", "-T", "json"]]
SPARSE_READ = """[experimental]
sparse-read = yes
sparse-read.density-threshold = 0.9
sparse-read.min-gap-size = 1K
"""


@pytest.mark.hgrepos("gd-no-sparse", "long-chain-sparse", "zstd", "no-generaldelta")
def test_sparse_read_options_in_the_repository_configuration(hg_server, hgrepo_copy,
                                                              hgconfig):
    (hgrepo_copy / ".hg" / "hgrc").write_text(SPARSE_READ)
    cmp = Comparison(hg_server, hgconfig)
    compare_all(cmp, hgrepo_copy, "deltachain", OPTIONS,
                revlog_targets(hg_server, hgrepo_copy, hgconfig))
    cmp.check()


@pytest.mark.hgrepos("long-chain-sparse")
def test_options_from_an_included_file_and_unset(hg_server, hgrepo_copy, hgconfig, tmp_path):
    """``%include`` is read relative to the including file; ``%unset`` drops a value
    set before it, so hg's default applies again."""
    (tmp_path / "shared.rc").write_text(SPARSE_READ)
    (hgrepo_copy / ".hg" / "hgrc").write_text(
        "%include ../../shared.rc\n[experimental]\n%unset sparse-read.min-gap-size\n"
        "sparse-read.density-threshold = 0.99\n")
    cmp = Comparison(hg_server, hgconfig)
    compare_all(cmp, hgrepo_copy, "deltachain", OPTIONS,
                revlog_targets(hg_server, hgrepo_copy, hgconfig))
    cmp.check()
    out = hg_server.run(hgrepo_copy, "config", "experimental", config=hgconfig).out
    assert b"sparse-read.density-threshold=0.99" in out and b"min-gap-size" not in out
