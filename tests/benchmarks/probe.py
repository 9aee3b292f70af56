"""What every benchmark prints at its start and end: how fast the shared CPU is just then."""

import os
import time


def cpu_probe() -> float:
    """Milliseconds of a fixed pure-Python loop: how fast the (shared) CPU is just now (about
    40 ms when the development machine is quiet)."""
    start, total = time.perf_counter(), 0
    for number in range(1_000_000):
        total += number * number
    return (time.perf_counter() - start) * 1000


def conditions(moment: str) -> str:
    """The date, the load average and the CPU probe, for the README beside each figure."""
    return (
        f"{time.strftime('%Y-%m-%d %H:%M')}: load average {os.getloadavg()[0]:.2f} and CPU probe "
        f"{cpu_probe():.0f} ms at the {moment}."
    )
