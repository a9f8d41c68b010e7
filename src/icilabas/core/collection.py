"""Python's cycle collector during long loops that build many objects."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Automatic collections paused, and every object that existed before frozen out of them.

    Building hundreds of thousands of small records (the duplicate scan), or decoding an
    activity's kept data into thousands of dicts (the IATI export), sets off the collector
    again and again, and each full collection walks everything the process holds, Django's
    own objects included: 13 % of a scan, a third of an export (docs/benchmarks.md). A loop
    that makes reference cycles calls `gc.collect()` now and then, which then walks its own
    objects only. Both restored after."""
    enabled = gc.isenabled()
    gc.disable()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
        if enabled:
            gc.enable()
