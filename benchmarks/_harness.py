"""Tiny timing harness: medians of repeated runs, CPU time, and peak memory.

Benchmarks compare carbonledger with a minimal hand-written pandas baseline on the same data
in the same process, so the ratio is meaningful on any machine. Peak memory is the process's
maximum resident set size (``ru_maxrss``) — measure each case in its own process
(``--only``) for an uncluttered figure.
"""

from __future__ import annotations

import gc
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass
class Timing:
    name: str
    wall: list[float]
    cpu: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    @property
    def median_cpu(self) -> float:
        return statistics.median(self.cpu)

    def line(self) -> str:
        return (
            f"{self.name:<34} median {self.median:7.3f} s (cpu {self.median_cpu:7.3f} s)  "
            f"runs: {', '.join(f'{w:.3f}' for w in self.wall)}"
        )


def measure(name: str, fn: Callable[[], Any], repeats: int = 5, warmup: int = 1) -> Timing:
    for _ in range(warmup):
        fn()
    wall, cpu = [], []
    for _ in range(repeats):
        gc.collect()
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return Timing(name, wall, cpu)


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
