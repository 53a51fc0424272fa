"""A writer to be killed: commits transactions into REPO forever, reporting each.

    python tests/engine/transaction/crashwriter.py REPO SEED

After each transaction has committed it prints ``committed <hex node>``. Each
transaction touches enough to have work in flight when the kill lands: a file
that grows until its filelog is split, new files (fncache), edits, and every
few transactions a branch and a merge.
"""

from __future__ import annotations

import random
import sys

from explorer.engine.repo.repo import Repo


def text(seed: str, n: int) -> bytes:
    """``n`` lines of 64 pseudo-random hex digits: cheap to make, compresses ~2x."""
    raw = random.Random(seed).randbytes(32 * n).hex().encode()
    return b"\n".join(raw[i : i + 64] for i in range(0, len(raw), 64)) + b"\n"


def main(path: str, seed: str) -> None:
    repo = Repo.open(path)
    step = 0
    while True:
        step += 1
        tip = len(repo) - 1
        files = {
            f"notes/{step % 5}.txt": text(f"{seed}-{step}", 50),
            # a new file each run, growing until its filelog splits mid-transaction
            f"grow-{seed}.txt": text(f"grow-{seed}", 600 * step),
        }
        if step % 3 == 0:
            files[f"new/{seed}-{step}.txt"] = text(f"new-{seed}", 10)
        with repo.transaction():
            node = repo.commit(files, f"step {step}", "crash <crash@example.org>", (step, 0))
            if step % 4 == 0 and tip >= 0:
                repo.commit({"side.txt": text(f"side-{step}", 20)}, "side", "crash",
                            (step, 0), parents=(tip, -1))
                node = repo.commit({}, "merge", "crash", (step, 0),
                                   parents=(len(repo) - 2, len(repo) - 1))
        print(f"committed {node.hex()}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
