"""``commit --lightweight-copies`` and ``convert-copies``: the store they write hg refuses,
our verify passes; converted back, hg verifies it."""

from __future__ import annotations

from explorer.cli import main
from explorer.engine import Store
from explorer.engine.format.constants import REVIDX_COPY_DELTA
from explorer.engine.format.copydelta import REQUIREMENT
from tests import hgrepos


def test_commit_light_weight_then_convert_back_and_forth(tmp_path, monkeypatch, capsys):
    repo = tmp_path / "r"
    assert main(["init", str(repo)]) == 0
    monkeypatch.chdir(repo)
    big = "".join(f"line {i} of a file worth copying\n" for i in range(300))
    assert main(["commit", "-m", "one", "-d", "1 0", "--text", f"a.txt={big}"]) == 0
    assert main(["commit", "-m", "two", "-d", "2 0", "--lightweight-copies",
                 "--copy", "c.txt=a.txt", "--text", f"c.txt={big}x\n"]) == 0
    with Store.open(repo) as store:
        assert REQUIREMENT in store.requirements
        assert store.filelog("c.txt").flags(0) & REVIDX_COPY_DELTA
    code, _, err = hgrepos.hg_run(repo, "verify")
    assert code != 0 and REQUIREMENT.encode() in err
    assert main(["verify"]) == 0
    capsys.readouterr()
    assert main(["convert-copies", "--to-standard"]) == 0
    assert capsys.readouterr().out.startswith("1 copies rewritten as full texts: ")
    hgrepos.hg(repo, "verify")
    assert main(["convert-copies", "--to-lightweight"]) == 0
    assert capsys.readouterr().out.startswith("1 copies rewritten as light-weight copies: ")
    assert main(["copies"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[1].split()[1:4] == ["c.txt", "0", "a.txt"]
    assert "*" in table[1]  # stored light-weight


def test_convert_copies_needs_a_direction(tmp_path, monkeypatch, capsys):
    assert main(["init", str(tmp_path / "r")]) == 0
    monkeypatch.chdir(tmp_path / "r")
    assert main(["convert-copies"]) != 0
    assert "one of the arguments --to-lightweight --to-standard is required" in \
        capsys.readouterr().err
