"""The notebook widget's Python side over a million-revision revlog: what one step costs.

    python benchmarks/widget.py [--revisions 1000000] [--rounds 21] [--real /tmp/real/click-hg]

The widget never sends the index: the page asks for the rows it shows. This
times what the kernel does for each thing a user does (open the explorer, select a
revision, scroll the index to its start, middle and end, show the lines of a
text) and the size of what it sends back, on the filelog ``benchmarks/tui.py``
builds (cached) and, with ``--real``, a real store. Each figure is the median of
``--rounds`` rounds, in this process (the kernel's work, without the Jupyter
protocol around it).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.read import host  # noqa: E402
from benchmarks.tui import build_million  # noqa: E402

WINDOW = 40  # rows a page shows


def median_ms(work, rounds: int, prepare=lambda: None) -> tuple[float, object]:
    """Median time of ``work`` (``prepare`` runs untimed before each round)."""
    times = []
    result = None
    for _ in range(rounds):
        prepare()
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, result


def measure(label: str, path: Path, revlog: str, rounds: int) -> None:
    from explorer.notebook.widget import explore

    def opened():
        w = explore(path)
        w.revlog = revlog
        return w

    ms, w = median_ms(opened, max(3, rounds // 4))
    print(f"| {label} | explore() and open {revlog}, tip selected | {ms:.1f} ms | "
          f"{_state_kib(w):.1f} KiB state |", flush=True)
    n = w.count
    for name, rev in (("first", 0), ("middle", n // 2), ("last", n - 1)):
        ms, _ = median_ms(lambda rev=rev: setattr(w, "rev", rev), rounds,
                          lambda rev=rev: _away(w, rev))
        print(f"| {label} | select the {name} revision (texts not cached) | {ms:.1f} ms | "
              f"{_state_kib(w):.1f} KiB state |", flush=True)
    for name, start in (("start", 0), ("middle", n // 2), ("end", max(0, n - WINDOW))):
        request = {"kind": "index", "revlog": w.revlog, "start": start, "stop": start + WINDOW}
        ms, reply = median_ms(lambda request=request: _fresh_index(w, request), rounds)
        print(f"| {label} | {WINDOW} index rows at the {name} (facts not known yet) | {ms:.2f} ms"
              f" | {len(json.dumps(reply)) / 1024:.1f} KiB reply |", flush=True)
    request = {"kind": "lines", "revlog": w.revlog, "rev": w.rev, "mode": "text",
               "start": 0, "stop": WINDOW}
    ms, reply = median_ms(lambda: w.answer(request), rounds)
    print(f"| {label} | {WINDOW} lines of the selected text | {ms:.2f} ms | "
          f"{len(json.dumps(reply)) / 1024:.1f} KiB reply |", flush=True)


def _away(w, rev: int) -> None:
    """Make selecting ``rev`` a first visit: another revision selected (a real change),
    no text cached (the revlog's text cache would make every round after the first
    a hit)."""
    w.rev = 0 if rev else 1 if w.count > 1 else 0
    w._view.revlog.clear_caches()


def _fresh_index(w, request: dict) -> dict:
    """A window whose chain facts are not known yet (the first visit's cost)."""
    view = w._view
    for rev in range(request["start"], min(request["stop"], len(view))):  # untimed: tiny
        view.chain_length[rev] = view.snapshot_depth[rev] = -2
    return w.answer(request)


def _state_kib(w) -> float:
    return len(json.dumps(w.get_state(["chain", "dag", "text", "hexdump"]))) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--revisions", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--real", type=Path, help="a real repository to measure as well")
    args = parser.parse_args()
    big = build_million(args.revisions)
    import anywidget

    print(f"machine: {host()}; anywidget {anywidget.__version__}")
    print(f"command: python benchmarks/widget.py --revisions {args.revisions} "
          f"--rounds {args.rounds}" + (f" --real {args.real}" if args.real else "") + "\n")
    print("| store | step | median | sent |")
    print("|---|---|---|---|")
    measure(f"{args.revisions:,}-revision filelog", big, "data/big.txt.i", args.rounds)
    if args.real:
        measure(f"{args.real.name} manifest", args.real, "00manifest.i", args.rounds)


if __name__ == "__main__":
    main()
