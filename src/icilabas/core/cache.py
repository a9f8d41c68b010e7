"""The cache backend: Django's files, without listing the whole folder at every write."""

import itertools

from django.core.cache.backends.filebased import FileBasedCache


class FileCache(FileBasedCache):
    """Django's file-based cache checks whether it holds more than `MAX_ENTRIES` by listing
    its folder at every write: with the visitors' page store full (20,000 files) each write
    cost 22 ms of CPU, and every first visit of a page writes it, every save writes the
    registry version (docs/benchmarks.md). The count is checked at one write in
    `CHECK_EVERY` instead (the folder may hold that many more files in between), then Django
    culls as before."""

    CHECK_EVERY = 100
    _writes = itertools.count()  # shared by the threads of a process; next() is atomic

    def _cull(self) -> None:
        if next(self._writes) % self.CHECK_EVERY == 0:
            super()._cull()
