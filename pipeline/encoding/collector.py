"""Pausing the cyclic garbage collector while repairs run (see `PausedCollector`)."""

from __future__ import annotations

import gc
import threading


class PausedCollector:
    """Pause Python's cyclic garbage collector while repairs run (re-entrant and thread-safe:
    the first caller in pauses it if it was running, the last one out restores it).

    Repairing dense damage allocates hundreds of thousands of short-lived tuples and lists
    (lattice edges, candidate scores); none form reference cycles, so reference counting frees
    them all, but their sheer number triggers a hundred or so collections per document that find
    nothing, ~15 % of the repair time (measured on bench/repair_eval.py's dense Chinese input).
    Cycles anyone creates meanwhile are collected at the first collection after the pause.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._depth = 0
        self._restore = False

    def __enter__(self) -> None:
        with self._lock:
            if self._depth == 0:
                self._restore = gc.isenabled()
                gc.disable()
            self._depth += 1

    def __exit__(self, *exc_info: object) -> None:
        with self._lock:
            self._depth -= 1
            if self._depth == 0 and self._restore:
                gc.enable()


COLLECTOR_PAUSED = PausedCollector()
