"""hg's configuration files read as hg reads them: every value equals what ``hg config``
prints for the same files, environment and repository."""

from __future__ import annotations

import os
import subprocess

import pytest
from hypothesis import given
from hypothesis import strategies as st

from explorer.engine.store.config import ConfigError, parse_size, read_config
from tests.reports.hgserver import hg_environment, hg_executable

TRICKY = """\ufeff# a comment
[ui]
username = someone
; another comment
[experimental]
sparse-read = yes
long = first line
  second line
# a comment inside a continued value is skipped
    third line
%include missing.rc
%include sub/part.rc
[format]
maxchainlen=7
%unset nothing-here
[phases]
new-commit = secret
"""
PART = """[experimental]
sparse-read.min-gap-size = 2.5kb
[format]
maxchainlen = 3
%unset maxchainlen
[extensions]
x =
"""


def hg_config(cwd, env) -> dict[tuple[str, str], str]:
    """``hg config``'s values, keyed as ours."""
    out = subprocess.run([hg_executable(), "config"], cwd=cwd, env=env, capture_output=True,
                         check=True).stdout.decode()
    values: dict[tuple[str, str], str] = {}
    for line in out.splitlines():
        name, value = line.split("=", 1)
        section, item = name.split(".", 1)
        values[(section, item)] = value.replace("\\n", "\n")  # hg escapes line breaks
    return values


def ours(hg_dir, env) -> dict[tuple[str, str], str]:
    return {k: v for k, (v, _) in read_config(hg_dir, env).values.items()}


@pytest.fixture
def layout(tmp_path):
    repo = tmp_path / "repo"
    (repo / ".hg" / "sub").mkdir(parents=True)
    (repo / ".hg" / "hgrc").write_text(TRICKY, encoding="utf-8")
    (repo / ".hg" / "sub" / "part.rc").write_text(PART)
    (repo / ".hg" / "requires").write_text("store\n")
    (repo / ".hg" / "store").mkdir()
    user = tmp_path / "user"
    user.mkdir()
    (user / "b.rc").write_text("[format]\nmaxchainlen = 100\n[alpha]\none = 1\n")
    (user / "a.rc").write_text("[alpha]\none = 0\ntwo = 1\n")
    (user / "ignored.txt").write_text("[alpha]\ntwo = 2\n")
    return repo, user


def test_repository_file_with_includes_unsets_and_continuations(layout):
    repo, user = layout
    env = {**hg_environment(), "HGRCPATH": str(user)}
    theirs = hg_config(repo, env)
    got = ours(str(repo / ".hg"), env)
    for key, value in got.items():
        assert theirs.get(key) == value, key
    assert got[("experimental", "long")] == "first line\nsecond line\nthird line"
    assert got[("format", "maxchainlen")] == "7"
    assert got[("alpha", "one")] == "1" and got[("alpha", "two")] == "1"


def test_hgrcpath_entries_and_skip_repo(layout):
    repo, user = layout
    env = {**hg_environment(), "HGRCPATH": f"{user / 'a.rc'}::{user}/b.rc",
           "HGRCSKIPREPO": "1"}
    got = ours(str(repo / ".hg"), env)
    assert got == {k: v for k, v in hg_config(repo, env).items() if k in got}
    assert ("phases", "new-commit") not in got and got[("format", "maxchainlen")] == "100"


def test_typed_values_and_errors(layout):
    repo, user = layout
    config = read_config(str(repo / ".hg"), {"HGRCPATH": os.devnull})
    assert config.bool("experimental", "sparse-read", False) is True
    assert config.size("experimental", "sparse-read.min-gap-size", "65K") == 2560
    assert config.int("format", "maxchainlen") == 7
    assert config.source("format", "maxchainlen").endswith("hgrc:14")
    with pytest.raises(ConfigError, match="ui.username is not a boolean"):
        config.bool("ui", "username", False)


def test_a_line_hg_cannot_parse_is_refused_as_hg_refuses_it(tmp_path):
    (tmp_path / ".hg").mkdir()
    (tmp_path / ".hg" / "hgrc").write_text("[ui]\n  indented = 1\n")
    env = {**hg_environment(), "HGRCPATH": os.devnull}
    hg = subprocess.run([hg_executable(), "config"], cwd=tmp_path, env=env, capture_output=True)
    assert hg.returncode != 0 and b"hgrc:2" in hg.stderr
    with pytest.raises(ConfigError, match=r"parse error at .*hgrc:2"):
        read_config(str(tmp_path / ".hg"), env)


def test_a_fifo_or_an_include_loop_is_an_error_not_a_hang(tmp_path):
    (tmp_path / ".hg").mkdir()
    (tmp_path / ".hg" / "hgrc").write_text("%include hgrc\n")
    with pytest.raises(ConfigError, match="nested %include"):
        read_config(str(tmp_path / ".hg"), {"HGRCPATH": os.devnull})
    fifo = tmp_path / "fifo.rc"
    os.mkfifo(fifo)
    with pytest.raises(ConfigError, match="FIFO"):
        read_config(None, {"HGRCPATH": str(fifo)})


@given(st.integers(0, 10**6), st.sampled_from(["", "b", "k", "kb", "m", "mb", "g", "gb"]),
       st.sampled_from(["", " "]))
def test_sizes_as_hg_reads_them(number, unit, space):
    from mercurial import util
    text = f"{number}{space}{unit.upper() if number % 2 else unit}"
    assert parse_size(text) == util.sizetoint(text.encode())
