"""A writer that dies on cue: commits a fixed series of transactions into REPO, and
SIGKILLs itself at fault point KILL_AT (see ``faultydisk``), or runs to the end.

    python tests/engine/transaction/crashwriter.py REPO [KILL_AT]

After each transaction has committed it prints ``committed <hex node>``; at the
end, ``points <count>``. The series covers the first commit of an empty
repository (its changelog written aside, then renamed), new files (fncache),
edits, a file that grows until its filelog is split mid-transaction, and a
branch with a merge.
"""

from __future__ import annotations

import os
import random
import signal
import sys

from explorer.engine import Repo
from tests.engine.transaction.faultydisk import FaultyOS, disk


def text(seed: str, n: int) -> bytes:
    """``n`` lines of 64 pseudo-random hex digits: cheap to make, compresses ~2x."""
    raw = random.Random(seed).randbytes(32 * n).hex().encode()
    return b"\n".join(raw[i : i + 64] for i in range(0, len(raw), 64)) + b"\n"


def transactions(repo: Repo):
    """The series: each item commits one transaction and gives its last node."""
    for step in range(1, 6):
        tip = len(repo) - 1
        files = {
            f"notes/{step % 3}.txt": text(f"note-{step}", 50),
            "grow.txt": text("grow", 700 * step),  # an inline filelog, split at step 4
        }
        if step % 2:
            files[f"new/{step}.txt"] = text(f"new-{step}", 10)
        with repo.transaction():
            node = repo.commit(files, f"step {step}", "crash <crash@example.org>", (step, 0))
            if step == 4:
                repo.commit({"side.txt": text("side", 20)}, "side", "crash", (step, 0),
                            parents=(tip, -1))
                node = repo.commit({}, "merge", "crash", (step, 0),
                                   parents=(len(repo) - 2, len(repo) - 1))
        yield node


def main(path: str, kill_at: int | None) -> None:
    def die(n: int, name: str) -> None:
        if n == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    faulty = FaultyOS(before=die)
    with disk(faulty), Repo.open(path) as repo:
        for node in transactions(repo):
            print(f"committed {node.hex()}", flush=True)
    print(f"points {len(faulty.calls)}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else None)
