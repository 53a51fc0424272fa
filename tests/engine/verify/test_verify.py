"""Verify against hg verify: intact stores are clean, and every fault is found and pinpointed.

The fault matrix damages, with each kind of ``faults.KINDS``, a private copy of
four revlogs written by real hg: an inline filelog, a split filelog, the
changelog and a non-generaldelta manifest. For each it checks that:

* verify finishes (no exception) and reports damage;
* one problem names the damaged revlog, the revision and the byte offset
  of the fault (``PINPOINT`` says how exactly, per kind);
* every problem ``hg verify`` reports on the same copy we report too: a
  problem in the same revlog at the same revision, or an error of ours in a
  changeset hg names (hg cannot read a changeset we repaired, and then
  reports its manifest and files as unexpected; we report the changeset).

Where hg crashes with a traceback or aborts instead of reporting, the test
still requires our report; ``test_where_hg_falls_short`` records those cases.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from explorer.engine import Store
from explorer.engine.damage import faults
from explorer.engine.verify.problems import Problem
from explorer.engine.verify.run import Report, verify_store
from tests import hgrepos as hgrepos_module
from tests.engine import hgverify_output

REV = 3
TARGETS = [
    ("zstd", "data/README.txt.i", "inline filelog"),
    ("split-inline", "data/big.txt.i", "split filelog"),
    ("zstd", "00changelog.i", "changelog"),
    ("no-generaldelta", "00manifest.i", "non-generaldelta manifest"),
]

# How exactly a problem must locate each kind of fault:
#   exact: at the first damaged byte; within: its range holds it; ends-at: its range
#   ends where the file was cut.
PINPOINT = {
    "flip-bit": "within",
    "truncate-data": "ends-at",
    "truncate-index": "ends-at",
    "zero-tail": "exact",
    "wrong-node": "within",
    "bad-compression": "exact",
    "base-past-rev": "exact",
    "parent-out-of-range": "exact",
    "overlap-offsets": "exact",
    "lost-journal": "exact",
}


def located(p: Problem, fault: faults.Fault, how: str) -> bool:
    if p.file != fault.file or p.offset is None:
        return False
    end = p.offset + (p.length or 0)
    if how == "exact":
        return p.offset == fault.offset
    if how == "ends-at":
        return end == fault.offset
    return p.offset <= fault.offset < max(end, p.offset + 1)


def damaged_copy(hgrepos, tmp_path: Path, spec: str, path: str, kind: str):
    repo = hgrepos.copy(spec, tmp_path / spec)
    store = Store.open(repo)
    rl = store.open_revlog(path)
    fault = faults.inject(rl, kind, REV, path=path, store_dir=store.store_dir)
    store.close()
    return repo, fault


def hg_verify(hgrepos, spec: str, repo: Path) -> hgverify_output.HgVerify:
    oracle = hgrepos.oracle(spec)
    status, out, err = hgrepos_module.hg_run(repo, "verify", config=hgrepos.config(spec))
    return hgverify_output.parse(status, out, err,
                                 lambda path: oracle["revlogs"].get(path, {}).get("revs", []))


def covered(hg: hgverify_output.HgProblem, ours: Report) -> bool:
    for p in ours.problems:
        if p.path == hg.path and (hg.rev is None or p.rev == hg.rev):
            return True
        if p.is_error and p.changeset is not None and p.changeset in hg.changesets:
            return True
    return False


@pytest.mark.parametrize("kind", list(faults.KINDS))
@pytest.mark.parametrize("spec, path, what", TARGETS, ids=[t[2] for t in TARGETS])
def test_fault_matrix(hgrepos, tmp_path, spec, path, what, kind):
    repo, fault = damaged_copy(hgrepos, tmp_path, spec, path, kind)
    with Store.open(repo) as store:
        report = verify_store(store)
    assert report.damaged
    on_target = [p for p in report.problems if p.path == path]
    expected_rev = fault.rev if fault.rev is not None else on_target[-1].rev
    pinpointed = [p for p in on_target
                  if p.rev == expected_rev and located(p, fault, PINPOINT[kind])]
    assert pinpointed, f"{fault.description}: nothing at {fault.file}:{fault.offset} in\n" + \
        "\n".join(map(str, on_target))
    if kind == "lost-journal":
        assert any(p.kind == "abandoned-transaction" and p.is_error for p in report.problems)
    hg = hg_verify(hgrepos, spec, repo)
    assert hg.status != 0 or kind == "base-past-rev" and what == "non-generaldelta manifest"
    missed = [p.line for p in hg.problems if not covered(p, report)]
    assert not missed, "hg reports what we do not:\n" + "\n".join(missed)


def test_where_hg_falls_short(hgrepos, tmp_path):
    """hg misses a base past the revision in a non-generaldelta revlog (it reads past the
    field) and in any manifest (it checks manifest deltas, never rebuilds a manifest),
    crashes on a changelog parent past the end, and aborts without a report on a
    truncated index; we report each, at the damaged field."""
    cases = {
        ("no-generaldelta", "00manifest.i", "base-past-rev"): "missed",
        ("zstd", "00manifest.i", "base-past-rev"): "missed",
        ("zstd", "00changelog.i", "parent-out-of-range"): "crashed",
        ("zstd", "00changelog.i", "truncate-index"): "aborted",
    }
    for (spec, path, kind), how in cases.items():
        repo, fault = damaged_copy(hgrepos, tmp_path / kind, spec, path, kind)
        hg = hg_verify(hgrepos, spec, repo)
        assert {"missed": hg.status == 0 and not hg.problems, "crashed": hg.crashed,
                "aborted": hg.aborted and not hg.crashed}[how], (kind, hg)
        with Store.open(repo) as store:
            report = verify_store(store)
        assert any(p.path == path and located(p, fault, PINPOINT[kind])
                   for p in report.problems), kind


def test_non_generaldelta_base_past_rev_data_intact(hgrepos, tmp_path):
    """Mercurial reads past a damaged non-generaldelta base, so do we: only the field
    is reported, every revision still hashes right."""
    repo, fault = damaged_copy(hgrepos, tmp_path, "no-generaldelta", "00manifest.i",
                               "base-past-rev")
    with Store.open(repo) as store:
        report = verify_store(store)
    assert [(p.kind, p.rev, p.field) for p in report.errors] == [("bad-base", REV, "base")]
    assert "hg verify does not notice" in report.errors[0].hint


@pytest.mark.parametrize("kind, explained", [
    ("flip-bit", "bit 2 of byte"),
    ("parent-out-of-range", "it should be 2"),
    ("base-past-rev", "it should be 2"),
    ("overlap-offsets", "the chunk there hashes right"),
])
def test_faults_are_explained(hgrepos, tmp_path, kind, explained):
    """Verify says what the damaged bytes should be when the hash can tell."""
    repo, fault = damaged_copy(hgrepos, tmp_path, "zstd", "data/README.txt.i", kind)
    with Store.open(repo) as store:
        report = verify_store(store)
    first = next(p for p in report.problems if p.rev == REV)
    assert explained in first.message


def test_wrong_node_is_blamed_on_the_node(hgrepos, tmp_path):
    """A damaged node, not damaged data: the child hashes right once the parent's node
    is corrected, and is reported as depending on it."""
    repo, fault = damaged_copy(hgrepos, tmp_path, "zstd", "00changelog.i", "wrong-node")
    with Store.open(repo) as store:
        report = verify_store(store)
    kinds = {(p.kind, p.rev, p.offset) for p in report.errors}
    node_field = fault.offset - 19
    assert ("wrong-node", REV, node_field) in kinds
    assert ("parent-node-damaged", REV + 1, node_field) in kinds


@pytest.mark.hgrepos(exclude={"censored"})
def test_intact_repositories_are_clean(hgrepo, hgspec):
    with Store.open(hgrepo) as store:
        report = verify_store(store)
    assert not report.errors, "\n".join(map(str, report.errors))
    assert not [p for p in report.warnings if p.kind != "split-file"]


def test_censored_is_a_warning_where_hg_reports_an_error(hgrepos):
    """hg verify fails on a censored revision (censor.policy=abort); censoring is
    deliberate, so we warn, naming the revision's flags."""
    with Store.open(hgrepos("censored")) as store:
        report = verify_store(store)
    assert not report.errors
    (p,) = report.warnings
    assert (p.kind, p.path, p.field) == ("censored", "data/secret.txt.i", "flags")


@pytest.mark.parametrize("spec", ["zstd", "treemanifest", "no-store", "v0"])
def test_counts_match_hg(hgrepos, spec):
    """The summary counts what hg counts: changesets, file revisions, files."""
    out = hgrepos.hg(spec, "verify").decode()
    line = next(x for x in out.splitlines() if x.startswith("checked "))
    with Store.open(hgrepos(spec)) as store:
        report = verify_store(store)
    assert line == (f"checked {report.changesets} changesets with {report.changes} changes to "
                    f"{report.files} files")


def test_progress_counts_revisions_and_cancels(hgrepos):
    from explorer.engine.verify.problems import Cancelled

    seen = []
    with Store.open(hgrepos("zstd")) as store:
        verify_store(store, lambda done, total, label: seen.append((done, total)))
        total = seen[-1][1]
        assert seen[-1][0] == total and all(d <= t for d, t in seen)
        with pytest.raises(Cancelled):
            verify_store(store, lambda done, total, label: False)


def test_problem_fields(hgrepos, tmp_path):
    """A problem carries exactly what the issue asks for, and serializes to JSON."""
    repo, fault = damaged_copy(hgrepos, tmp_path, "zstd", "00changelog.i", "bad-compression")
    with Store.open(repo) as store:
        problems = store.verify()
    p = next(p for p in problems if p.rev == REV)
    record = p.to_json()
    for name in ("severity", "path", "file", "rev", "offset", "field", "message", "hint"):
        assert name in record
    assert os.path.samefile(record["file"], fault.file)


def test_leftovers_of_interrupted_transactions(hgrepos, tmp_path):
    """Pending and split files a crash leaves are warned about, and named."""
    repo = hgrepos.copy("zstd", tmp_path / "repo")
    store_dir = Path(Store.open(repo).store_dir)
    (store_dir / "00changelog.i.a").write_bytes((store_dir / "00changelog.i").read_bytes())
    (store_dir / "00manifest.i.s").write_bytes(b"")
    (store_dir / "data-s").mkdir()
    (store_dir / "data-s" / "big.txt.i").write_bytes(b"")
    with Store.open(repo) as store:
        report = verify_store(store)
    assert not report.errors
    found = {(p.kind, p.path) for p in report.warnings}
    assert found == {("pending-file", "00changelog.i.a"), ("split-file", "00manifest.i.s"),
                     ("split-file", "data-s/")}


def test_malformed_journal(hgrepos, tmp_path):
    repo = hgrepos.copy("zstd", tmp_path / "repo")
    store_dir = Path(Store.open(repo).store_dir)
    (store_dir / "journal").write_bytes(b"00changelog.i\x00notanumber\n")
    with Store.open(repo) as store:
        kinds = {p.kind for p in verify_store(store).errors}
    assert {"abandoned-transaction", "bad-journal"} <= kinds


def test_a_file_revision_named_by_a_lost_manifest_text_is_the_manifests_problem(hgrepos,
                                                                              tmp_path):
    """Two bits flipped in a manifest snapshot (past the single-bit repair): hg reports
    "manifest refers to unknown revision" under the file, at the manifest's changeset.
    The name was read from the damaged text, so we file it under that manifest revision,
    at the bytes that lost its text, in the same root cause."""
    repo = hgrepos.copy("none", tmp_path / "none")
    for bit in (0, 1):
        store = Store.open(repo)
        faults.inject(store.manifest, "flip-bit", 10, path="00manifest.i", bit=bit)
        store.close()
    status, out, err = hgrepos_module.hg_run(repo, "verify", config=hgrepos.config("none"))
    hg = hgverify_output.parse(status, out, err, lambda path: [])
    (line,) = [p for p in hg.problems if "manifest refers to unknown revision" in p.line]
    node = line.line.rsplit(" ", 1)[1]
    with Store.open(repo) as store:
        report = verify_store(store)
    (p,) = [p for p in report.problems if p.kind == "missing-revision"]
    root = next(q for q in report.errors if q.path == "00manifest.i" and q.rev == 10)
    assert (p.path, p.rev, p.changeset) == ("00manifest.i", 10, min(line.changesets))
    assert node in p.message and line.path == f"data/{p.message.rsplit(' of ', 1)[1]}.i"
    assert (p.file, p.offset) == (root.file, root.offset)


def test_a_file_revision_whose_node_field_is_damaged_owns_the_manifests_reference(hgrepos,
                                                                               tmp_path):
    """A damaged node field: hg says "manifest refers to unknown revision N" under the
    file; the revision that has N for its true node is named, at its node field (the
    same bytes as the damaged node's own problem)."""
    repo, fault = damaged_copy(hgrepos, tmp_path, "zstd", "data/src/main.py.i", "wrong-node")
    hg = hg_verify(hgrepos, "zstd", repo)
    (line,) = [p for p in hg.problems if "manifest refers to unknown revision" in p.line]
    with Store.open(repo) as store:
        report = verify_store(store)
    (p,) = [p for p in report.problems if p.kind == "missing-revision"]
    root = next(q for q in report.errors if q.kind == "wrong-node")
    assert (p.path, p.rev, p.field) == (line.path, REV, "node")
    assert (p.file, p.offset) == (root.file, root.offset)
    assert p.changeset in line.changesets
