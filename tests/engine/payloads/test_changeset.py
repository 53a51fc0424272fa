"""Changeset texts: Mercurial's changelog code and real repositories are the oracle."""

from __future__ import annotations

import os
import subprocess
import sys
import types
import warnings
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from mercurial import changelog as hgchangelog
from mercurial import encoding as hgencoding
from mercurial import hg as hgmod
from mercurial import metadata as hgmetadata
from mercurial import ui as uimod
from mercurial.revlogutils import sidedata as hgsidedata

from explorer.engine.errors import CorruptionError, RevlogError
from explorer.engine.format.constants import NULL_NODE
from explorer.engine.payloads.changeset import (
    ChangedFiles,
    ChangesetEntry,
    changeset_branch,
    copies_extra,
    decode_changed_files,
    decode_extra,
    encode_changed_files,
    encode_extra,
    format_changeset,
    parse_changeset,
    strip_description,
)

HG = Path(sys.executable).parent / "hg"
HG_ENV = {
    **os.environ,
    "HGRCPATH": os.devnull,
    "HGPLAIN": "1",
    "HGUSER": "test",
    "HGENCODING": "utf-8",
}
_NULL_CL = types.SimpleNamespace(nullid=NULL_NODE)


def hg(cwd: Path, *args: str | bytes, config: Sequence[str] = ()) -> bytes:
    """Run Mercurial in ``cwd`` with no user configuration; return its stdout."""
    options = [arg for item in config for arg in ("--config", item)]
    result = subprocess.run(
        [HG, *options, *args], cwd=cwd, env=HG_ENV, capture_output=True, check=False
    )
    if result.returncode:
        raise AssertionError(f"hg {args} failed: {result.stderr.decode(errors='replace')}")
    return result.stdout


def hg_python(cwd: Path, script: str) -> None:
    """Run a script using Mercurial's API, for what the command line cannot do."""
    subprocess.run([sys.executable, "-c", script], cwd=cwd, env=HG_ENV, check=True)


def raw(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def text_of(raw_bytes: bytes) -> str:
    return raw_bytes.decode("utf-8", "surrogateescape")


@pytest.fixture(autouse=True)
def _utf8_mercurial(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make Mercurial's local-encoding layer return stored UTF-8 bytes unchanged."""
    monkeypatch.setattr(hgencoding, "encoding", b"UTF-8")


def hg_view(text: bytes, sidedata: dict | None = None) -> hgchangelog.changelogrevision:
    return hgchangelog.changelogrevision(_NULL_CL, text, sidedata or {}, sidedata is not None)


def assert_same_as_mercurial(text: bytes) -> ChangesetEntry:
    """Our parse of ``text`` agrees field by field with Mercurial's."""
    ours = parse_changeset(text)
    theirs = hg_view(text)
    assert ours.manifest == theirs.manifest
    assert raw(ours.user) == theirs.user
    assert ours.date == theirs.date
    assert [raw(f) for f in ours.files] == theirs.files
    assert raw(ours.description) == theirs.description
    assert {raw(k): raw(v) for k, v in ({"branch": "default"} | ours.extra).items()} == theirs.extra
    assert (raw(ours.branch), ours.closed) == theirs.branchinfo
    assert _raw_copies(ours.p1copies) == theirs.p1copies
    assert _raw_copies(ours.p2copies) == theirs.p2copies
    assert _raw_list(ours.filesadded) == theirs.filesadded
    assert _raw_list(ours.filesremoved) == theirs.filesremoved
    return ours


def _raw_copies(copies: dict[str, str] | None) -> dict[bytes, bytes] | None:
    return None if copies is None else {raw(k): raw(v) for k, v in copies.items()}


def _raw_list(names: list[str] | None) -> list[bytes] | None:
    return None if names is None else [raw(n) for n in names]


def refields(entry: ChangesetEntry) -> bytes:
    return format_changeset(
        entry.manifest, entry.user, entry.date, entry.files, entry.description, entry.extra
    )


# -- real repositories -------------------------------------------------------

EXTRA_SCRIPT = """
from mercurial import hg, ui
repo = hg.repository(ui.ui(), b".")
with repo.wlock(), repo.lock():
    repo.commit(text=b"odd extras\\n", user=b"script <s@example.com>", date=b"1234567890 0",
                extra={b"weird": b"a\\nb\\x00c\\\\d:e\\r\\\\0f\\x01", b"empty": b"",
                       b"zz:top": b"colon in key", b"source": b"ab" * 20})
"""


@pytest.fixture(scope="module")
def history_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository whose changesets exercise every changelog feature."""
    repo = tmp_path_factory.mktemp("changelog") / "repo"
    changeset_copies = ["experimental.copies.write-to=changeset-only"]
    hg(repo.parent, "init", "repo")
    (repo / "dïr").mkdir()
    (repo / "dïr" / "fïlé.txt").write_bytes(b"unicode path\n")
    (repo / "a.txt").write_bytes(b"a\n")
    hg(repo, "add")
    hg(
        repo,
        "commit",
        "-u",
        "Zoë Ünïcode <zoe@example.com>",
        "-d",
        "1700000000 -3600",
        "-m",
        "first line   \n\n  body with trailing spaces  \t\n\n\n",
    )
    hg(repo, "branch", "stable")
    (repo / "a.txt").write_bytes(b"a\nstable\n")
    hg(repo, "commit", "-m", "on stable", "-d", "1700000100 25200")
    hg(repo, "commit", "--close-branch", "-m", "close stable")
    hg(repo, "update", "default")
    hg(repo, "copy", "a.txt", "b.txt", config=changeset_copies)
    hg(repo, "rename", "dïr/fïlé.txt", "moved.txt", config=changeset_copies)
    (repo / "new.txt").write_bytes(b"new\n")
    hg(repo, "add", "new.txt")
    hg(repo, "commit", "-m", "copies in extra", config=changeset_copies)
    (repo / "a.txt").write_bytes(b"a\nextras\n")
    hg_python(repo, EXTRA_SCRIPT)
    hg(repo, "update", "0")
    (repo / "side.txt").write_bytes(b"side\n")
    hg(repo, "add", "side.txt")
    hg(repo, "commit", "-m", "side head")
    hg(repo, "update", "4")
    hg(repo, "merge", "5")
    hg(repo, "copy", "side.txt", "from-p2.txt", config=changeset_copies)
    hg(repo, "commit", "-m", "merge with a p2 copy", config=changeset_copies)
    return repo


@pytest.fixture(scope="module")
def history_texts(history_repo: Path) -> list[bytes]:
    """Every changelog revision text of ``history_repo``, as ``hg debugdata -c`` prints it."""
    count = int(hg(history_repo, "log", "-r", "tip", "-T", "{rev}")) + 1
    return [hg(history_repo, "debugdata", "-c", str(rev)) for rev in range(count)]


def test_real_changesets_parse_like_mercurial(history_texts: list[bytes]) -> None:
    entries = [assert_same_as_mercurial(text) for text in history_texts]
    first, stable, closing, copies, extras, _side, merge = entries
    assert first.user == "Zoë Ünïcode <zoe@example.com>"
    assert first.date == (1700000000, -3600)
    assert first.files == ("a.txt", "dïr/fïlé.txt")
    assert first.description == "first line\n\n  body with trailing spaces"
    assert first.extra == {} and first.branch == "default" and not first.closed
    assert stable.branch == "stable" and not stable.closed
    assert closing.branch == "stable" and closing.closed
    assert copies.p1copies == {"b.txt": "a.txt", "moved.txt": "dïr/fïlé.txt"}
    assert copies.filesadded == ["b.txt", "moved.txt", "new.txt"]
    assert copies.filesremoved == ["dïr/fïlé.txt"]
    assert copies.p2copies is None
    assert extras.extra["weird"] == "a\nb\0c\\d:e\r\\0f\x01"
    assert extras.extra["zz"] == "top:colon in key"  # hg wrote a key with ':' unchecked
    assert merge.p2copies == {"from-p2.txt": "side.txt"}


def test_real_changesets_round_trip(history_texts: list[bytes]) -> None:
    for text in history_texts:
        assert refields(parse_changeset(text)) == text


def test_real_truncations_never_escape_corruption(history_texts: list[bytes]) -> None:
    text = history_texts[3]
    for cut in range(1, len(text)):
        try:
            parse_changeset(text[:cut])
        except CorruptionError as error:
            assert error.offset is not None and 0 <= error.offset <= cut


# -- Mercurial's helpers as oracle ---------------------------------------------

no_newline = st.binary(max_size=40).filter(lambda b: b"\n" not in b)
extra_keys = st.binary(min_size=0, max_size=12).filter(lambda b: b":" not in b)


@given(st.dictionaries(extra_keys, st.binary(max_size=30), max_size=6))
def test_encode_extra_matches_mercurial(extra: dict[bytes, bytes]) -> None:
    ours = encode_extra({text_of(k): text_of(v) for k, v in extra.items()})
    assert ours == hgchangelog.encodeextra(extra)
    decoded = decode_extra(ours)
    assert {raw(k): raw(v) for k, v in decoded.items()} == extra


@given(
    st.lists(
        st.sampled_from(
            [
                b"\\",
                b"0",
                b"n",
                b"x",
                b"4",
                b"1",
                b"7",
                b"8",
                b"a",
                b":",
                b"\0",
                b"r",
                b"q",
                b"'",
                b"\r",
                b"\xc3",
                b"f",
            ]
        ),
        max_size=14,
    )
)
def test_decode_extra_matches_mercurial(pieces: list[bytes]) -> None:
    """Escapes old and new, well formed or not, read as Mercurial reads them."""
    text = b"".join(pieces)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            theirs = hgchangelog.decodeextra(text)
        except ValueError:
            theirs = None
    if theirs is None:
        with pytest.raises(CorruptionError):
            decode_extra(text)
        return
    ours = {raw(k): raw(v) for k, v in decode_extra(text).items()}
    assert {b"branch": b"default"} | ours == theirs


@given(st.binary(max_size=60))
def test_strip_description_matches_mercurial(desc: bytes) -> None:
    assert raw(strip_description(text_of(desc))) == hgchangelog.stripdesc(desc)


utf8_line = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"), max_size=20
)
file_names = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r\0"),
    min_size=1,
    max_size=10,
)


@given(
    manifest=st.binary(min_size=20, max_size=20),
    user=utf8_line.filter(lambda u: raw(u).strip()),
    date=st.tuples(st.integers(-(2**40), 2**40), st.integers(-50400, 50400)),
    files=st.lists(file_names, max_size=5),
    description=st.text(st.characters(blacklist_categories=("Cs",)), max_size=40),
    extra=st.dictionaries(utf8_line.filter(lambda k: ":" not in k), utf8_line, max_size=4),
)
def test_format_then_parse_agrees_with_mercurial(
    manifest: bytes,
    user: str,
    date: tuple[int, int],
    files: list[str],
    description: str,
    extra: dict[str, str],
) -> None:
    assume(extra.get("branch") not in (".", "null", "tip"))
    text = format_changeset(manifest, user, date, files, description, extra)
    entry = assert_same_as_mercurial(text)
    assert entry.user == text_of(raw(user).strip())
    assert entry.files == tuple(sorted(set(files), key=raw))
    assert entry.description == strip_description(description)
    assert refields(entry) == text


@given(st.binary(max_size=120))
def test_arbitrary_texts_only_raise_corruption(text: bytes) -> None:
    try:
        parse_changeset(text)
    except CorruptionError:
        pass


SAMPLE = format_changeset(
    b"\xab" * 20,
    "Al <al@x>",
    (1700000000, -3600),
    ["a", "b/c", "d"],
    "subject\n\nbody",
    {"branch": "stable", "close": "1", "p1copies": "1\0a", "filesadded": "1\n2", "k": "v\\0"},
)


@given(
    st.lists(
        st.tuples(st.integers(0, len(SAMPLE) - 1), st.sampled_from(b"\n\0:\\ 0a1x")),
        min_size=1,
        max_size=3,
    )
)
def test_damaged_texts_read_as_mercurial_reads_them(edits: list[tuple[int, int]]) -> None:
    """Either both readers accept a damaged text and agree, or ours raises CorruptionError."""
    text = bytearray(SAMPLE)
    for at, byte in edits:
        text[at] = byte
    try:
        ours = parse_changeset(bytes(text))
    except CorruptionError:
        return
    assert ours is not None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        assert_same_as_mercurial(bytes(text))


def test_surrogateescape_round_trips_any_bytes() -> None:
    user = text_of(b"latin1 \xe9 user")
    text = format_changeset(
        b"\1" * 20,
        user,
        (0, 0),
        [text_of(b"f\xff")],
        text_of(b"d\xe9sc"),
        {text_of(b"k\xfe"): text_of(b"\x00\xff")},
    )
    entry = parse_changeset(text)
    assert raw(entry.user) == b"latin1 \xe9 user"
    assert entry.files == (text_of(b"f\xff"),)
    assert refields(entry) == text


def test_only_ascii_whitespace_is_stripped() -> None:
    """A no-break space or a Unicode line separator is content, as for Mercurial."""
    text = format_changeset(b"\1" * 20, "\xa0user\xa0", (0, 0), [], "a\u2028b\xa0\n", None)
    assert b"\xc2\xa0user\xc2\xa0\n" in text
    assert text.endswith("a\u2028b\xa0".encode())


def test_format_layout() -> None:
    text = format_changeset(
        b"\xab" * 20,
        " Al <al@x> ",
        (1.9, -7200),
        ["b", "a", "b"],
        "msg\n",
        {"branch": "default", "close": "1"},
    )
    assert text == b"ab" * 20 + b"\nAl <al@x>\n1 -7200 close:1\na\nb\n\nmsg"
    assert (
        format_changeset(b"\0" * 20, "u", (0, 0), [], "", {"branch": ""})
        == b"0" * 40 + b"\nu\n0 0\n\n"
    )


def test_format_rejects_what_mercurial_rejects() -> None:
    """Plus an extra key with ':', which Mercurial writes but reads back split."""
    node = b"\0" * 20
    with pytest.raises(RevlogError, match="':'"):
        format_changeset(node, "u", (0, 0), [], "", {"zz:top": "x"})
    for user in ("", "   ", "a\nb"):
        with pytest.raises(RevlogError):
            format_changeset(node, user, (0, 0), [], "")
    for branch in (".", "null", "tip"):
        with pytest.raises(RevlogError, match="reserved"):
            format_changeset(node, "u", (0, 0), [], "", {"branch": branch})
    with pytest.raises(RevlogError):
        format_changeset(node, "u", (0, 0), ["a\nb"], "")
    with pytest.raises(RevlogError):
        format_changeset(node[:4], "u", (0, 0), [], "")
    nan = parse_changeset(b"0" * 40 + b"\nu\nnan 0\n\n").date
    with pytest.raises(RevlogError, match="finite"):
        format_changeset(node, "u", nan, [], "")


def test_empty_text_is_the_null_changeset() -> None:
    entry = parse_changeset(b"")
    assert entry == ChangesetEntry(NULL_NODE, "", (0, 0), (), "")
    assert entry.branch == "default" and entry.extra == {}


def test_dates_as_mercurial_reads_them() -> None:
    base = b"0" * 40 + b"\nu\n"
    assert parse_changeset(base + b"12.5 60\n\n").date == (12.5, 60)
    assert parse_changeset(base + b"12 bogus\n\n").date == (12, 0)
    assert hg_view(base + b"12 bogus\n\n").date == (12.0, 0)
    assert isinstance(parse_changeset(base + b"12 0\n\n").date[0], int)


def test_damage_offsets() -> None:
    good = b"0" * 40 + b"\nuser\n0 0 a:b\x00c:d\nf\n\ndesc"
    assert parse_changeset(good).extra == {"a": "b", "c": "d"}
    cases = {
        b"zz" + good[2:]: 0,
        good[:40]: 0,
        good[:45]: 41,
        b"0" * 40 + b"\nuser\n0\n\n": 47,
        b"0" * 40 + b"\nuser\nnow 0\n\n": 46,
        good.replace(b"\nf\n\ndesc", b"\nf\ndesc"): len(good) - 1,
        good.replace(b"c:d", b"cd"): 54,
        good.replace(b"c:d", b"c:d\\"): 57,
        good.replace(b"c:d", b"c:\\x4"): 56,
    }
    for text, offset in cases.items():
        with pytest.raises(CorruptionError) as info:
            parse_changeset(text)
        assert info.value.offset == offset, text


# -- copies in extra ---------------------------------------------------------


@given(
    files=st.lists(file_names, min_size=1, max_size=6, unique=True),
    data=st.data(),
)
def test_copies_extra_matches_mercurial(files: list[str], data: st.DataObject) -> None:
    ordered = sorted(files, key=raw)
    dests = data.draw(st.lists(st.sampled_from(ordered), unique=True))
    p1 = {d: data.draw(file_names) for d in dests}
    added = data.draw(st.lists(st.sampled_from(ordered), unique=True))
    extra = copies_extra(files, p1copies=p1, added=added, removed=[])
    raw_files = [raw(f) for f in ordered]
    assert raw(extra["p1copies"]) == hgmetadata.encodecopies(
        raw_files, {raw(k): raw(v) for k, v in p1.items()}
    )
    assert raw(extra["filesadded"]) == hgmetadata.encodefileindices(
        raw_files, [raw(a) for a in added]
    )
    assert extra["filesremoved"] == "" and "p2copies" not in extra
    text = format_changeset(b"\0" * 20, "u", (0, 0), files, "", extra)
    entry = assert_same_as_mercurial(text)
    assert entry.p1copies == p1 and entry.filesadded == [f for f in ordered if f in added]


def test_copies_extra_rejects_unlisted_destination() -> None:
    with pytest.raises(RevlogError):
        copies_extra(["a"], p1copies={"b": "a"})


def test_garbage_copy_entries_read_as_none() -> None:
    entry = ChangesetEntry(
        NULL_NODE,
        "u",
        (0, 0),
        ("a", "b"),
        "",
        {"p1copies": "5\0a", "p2copies": "x", "filesadded": "0\n9", "filesremoved": "z"},
    )
    assert entry.p1copies is entry.p2copies is entry.filesadded is entry.filesremoved is None
    assert ChangesetEntry(NULL_NODE, "u", (0, 0), (), "", {"p1copies": ""}).p1copies == {}


# -- changed-files sidedata ----------------------------------------------------


def _hg_changes(changes: ChangedFiles) -> hgmetadata.ChangingFiles:
    def names(values: frozenset[str]) -> list[bytes]:
        return [raw(v) for v in values]

    return hgmetadata.ChangingFiles(
        touched=names(changes.touched),
        added=names(changes.added),
        removed=names(changes.removed),
        merged=names(changes.merged),
        salvaged=names(changes.salvaged),
        p1_copies={raw(k): raw(v) for k, v in changes.p1_copies.items()},
        p2_copies={raw(k): raw(v) for k, v in changes.p2_copies.items()},
    )


def _same_changes(ours: ChangedFiles, theirs: hgmetadata.ChangingFiles) -> bool:
    return _hg_changes(ours) == theirs


@st.composite
def changed_files(draw: st.DrawFn) -> ChangedFiles:
    """Consistent ChangedFiles: each touched file has one action, copies to touched files."""
    names = draw(st.lists(file_names, min_size=1, max_size=8, unique=True))
    touched = draw(st.lists(st.sampled_from(names), unique=True))
    action = {n: draw(st.sampled_from("amrst")) for n in touched}
    copied = draw(st.lists(st.sampled_from(touched), unique=True)) if touched else []
    p1, p2 = {}, {}
    for dest in copied:
        (p1 if draw(st.booleans()) else p2)[dest] = draw(st.sampled_from(names))

    def having(code: str) -> frozenset[str]:
        return frozenset(n for n, a in action.items() if a == code)

    return ChangedFiles(
        frozenset(touched), having("a"), having("m"), having("r"), having("s"), p1, p2
    )


@given(changed_files())
def test_changed_files_match_mercurial(changes: ChangedFiles) -> None:
    block = encode_changed_files(changes)
    assert block == hgmetadata.encode_files_sidedata(_hg_changes(changes))[hgsidedata.SD_FILES]
    decoded = decode_changed_files(block)
    assert decoded == changes
    assert _same_changes(decoded, hgmetadata.decode_files_sidedata({hgsidedata.SD_FILES: block}))
    assert decoded.has_copies_info == _hg_changes(changes).has_copies_info


@given(changed_files(), st.data())
def test_damaged_changed_files_only_raise_corruption(
    changes: ChangedFiles, data: st.DataObject
) -> None:
    block = bytearray(encode_changed_files(changes))
    cut = data.draw(st.integers(0, len(block)))
    if block and data.draw(st.booleans()):
        at = data.draw(st.integers(0, len(block) - 1))
        block[at] = data.draw(st.integers(0, 255))
    try:
        decode_changed_files(bytes(block[:cut]))
    except CorruptionError as error:
        assert error.offset is not None


def test_changed_files_offsets() -> None:
    block = encode_changed_files(ChangedFiles(frozenset({"b"}), p1_copies={"b": "a"}))
    assert decode_changed_files(block).p1_copies == {"b": "a"}
    with pytest.raises(CorruptionError) as header:
        decode_changed_files(block[:3])
    assert header.value.offset == 0
    with pytest.raises(CorruptionError) as index:
        decode_changed_files(block[:10])
    assert index.value.offset == 4
    with pytest.raises(CorruptionError) as name:
        decode_changed_files(block[:-1])
    assert name.value.offset == 4 + 9 + 1
    bad_copy = bytearray(block)
    bad_copy[4 + 9 + 8] = 7
    with pytest.raises(CorruptionError) as copy:
        decode_changed_files(bytes(bad_copy))
    assert copy.value.offset == 4 + 9 + 5


def test_real_changed_files_sidedata(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    sidedata_config = ["format.exp-use-copies-side-data-changeset=yes"]
    hg(tmp_path, "init", "repo", config=sidedata_config)
    (repo / "a").write_bytes(b"a\n")
    (repo / "gone").write_bytes(b"g\n")
    hg(repo, "add")
    hg(repo, "commit", "-m", "add")
    hg(repo, "copy", "a", "b")
    hg(repo, "rename", "a", "c")
    hg(repo, "remove", "gone")
    hg(repo, "commit", "-m", "copies")
    changelog = hgmod.repository(uimod.ui(), os.fsencode(repo)).changelog
    seen = []
    for rev in range(len(changelog)):
        sidedata = changelog.sidedata(rev)
        block = sidedata[hgsidedata.SD_FILES]
        changes = decode_changed_files(block)
        assert _same_changes(changes, hgmetadata.decode_files_sidedata(sidedata))
        assert encode_changed_files(changes) == block
        text = changelog.revision(rev)
        entry = parse_changeset(text)
        assert entry.files == tuple(sorted(changes.touched))
        assert entry.files == tuple(text_of(f) for f in hg_view(text, sidedata).files)
        seen.append(changes)
    assert seen[1].p1_copies == {"b": "a", "c": "a"}
    assert seen[1].removed == {"a", "gone"} and seen[1].added == {"b", "c"}


def test_branch_alone_reads_as_the_full_parse(history_texts: list[bytes]) -> None:
    """``changeset_branch`` (the date line's extra only) gives the full parse's branch and
    closing flag on hg's texts."""
    for text in [*history_texts, b""]:
        entry = parse_changeset(text)
        assert changeset_branch(text) == (entry.branch, "close" in entry.extra)


@given(st.lists(st.tuples(st.integers(0, len(SAMPLE) - 1), st.sampled_from(b"\n\0:\\ 0a1x")),
                min_size=1, max_size=3))
def test_branch_alone_on_damaged_texts(edits: list[tuple[int, int]]) -> None:
    """Where the full parse accepts a damaged text, the branch alone agrees; otherwise it
    answers or raises CorruptionError, never anything else."""
    text = bytearray(SAMPLE)
    for at, byte in edits:
        text[at] = byte
    try:
        entry = parse_changeset(bytes(text))
    except CorruptionError:
        try:
            changeset_branch(bytes(text))
        except CorruptionError:
            pass
        return
    assert changeset_branch(bytes(text)) == (entry.branch, "close" in entry.extra)
