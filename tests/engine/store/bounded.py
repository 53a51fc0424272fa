"""Running a hostile read in a child process that cannot hang the run or eat the machine.

A read that blocks (a FIFO opened for reading waits for a writer forever) or
allocates without end (``/dev/zero``, a sparse file declaring gigabytes)
must fail its test, not the test run: ``bounded(fn)`` runs ``fn`` in a
forked child with its address space capped and a wall-clock limit, and
returns what happened as plain data for the test to assert on.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
from collections.abc import Callable
from typing import Any, NamedTuple


class Outcome(NamedTuple):
    """``status`` is "ok" (``value`` is what ``fn`` returned), "raised" (``error`` is the
    exception's class name, ``value`` its message) or "hang" (no answer in time)."""

    status: str
    value: Any = None
    error: str | None = None

    def raised(self, *names: str) -> bool:
        return self.status == "raised" and self.error in names


def _address_space() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def bounded(fn: Callable[[], Any], *, seconds: float = 60, memory: int = 1 << 30) -> Outcome:
    """Run ``fn()`` in a forked child allowed ``memory`` bytes of address space beyond
    what it starts with, and ``seconds`` to answer (generous: a hang, not a slow
    machine, is what runs out of it)."""
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)

    def child() -> None:
        limit = _address_space() + memory
        resource.setrlimit(resource.RLIMIT_AS, (limit, resource.RLIM_INFINITY))
        try:
            outcome = Outcome("ok", fn())
        except BaseException as exc:  # noqa: BLE001 - the parent judges what was raised
            outcome = Outcome("raised", str(exc), type(exc).__name__)
        send.send(outcome)

    process = ctx.Process(target=child, daemon=True)
    process.start()
    send.close()
    try:
        if not receive.poll(seconds):
            return Outcome("hang")
        return receive.recv()
    except EOFError:
        process.join(5)
        return Outcome("raised", f"the child died (exit {process.exitcode})", "Died")
    finally:
        process.kill()
        process.join()
        receive.close()
