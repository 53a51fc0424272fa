"""Reports on hostile stores: they answer within bounded memory, or refuse clearly."""

from __future__ import annotations

import os
import re

import pytest

from tests.engine.store.bounded import bounded
from tests.engine.store.test_hostile import sparse_files_supported
from tests.reports.runner import ours


@pytest.mark.parametrize("args", [("stats", "-c"), ("deltachain", "-c", "-r", "5"),
                                  ("data", "-c", "5"), ("index", "-c")])
def test_sparse_index_declaring_2_31_revisions(hgrepos, tmp_path, args):
    if not sparse_files_supported(tmp_path):
        pytest.skip("this filesystem keeps no holes")
    repo = hgrepos.copy("zstd", tmp_path / "repo")
    good = ours(repo, *args)
    os.truncate(repo / ".hg" / "store" / "00changelog.i", 2**31 * 64)

    def report():
        result = ours(repo, *args)
        return result.status, result.out, result.err

    outcome = bounded(report, memory=512 << 20)
    assert outcome.status == "ok", outcome
    status, out, err = outcome.value
    assert status == 0, err
    if args[0] in ("data", "deltachain"):  # revisions before the hole read as before
        assert out == good.out
    elif args[0] == "index":  # then the zeros up to the end of the file's last block
        assert out.startswith(good.out)
    else:
        revisions = re.search(rb"^revisions +: +(\d+)$", out, re.M)
        assert revisions and int(revisions[1]) < 2**16, out
