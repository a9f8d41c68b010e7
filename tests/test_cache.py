"""The cache backend (`core.cache.FileCache`): Django's file cache, culled without listing its
folder at every write."""

from icilabas.core.cache import FileCache


class CountingFileCache(FileCache):
    listings = 0

    def _list_cache_files(self):
        CountingFileCache.listings += 1
        return super()._list_cache_files()


def test_the_file_cache_stays_bounded_without_listing_its_folder_at_every_write(tmp_path):
    cache = CountingFileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 50, "CULL_FREQUENCY": 2}})
    for n in range(1000):
        cache.set(f"page-{n}", n, None)
    files = list(tmp_path.glob("*.djcache"))
    assert len(files) <= 250  # culled: 1,000 written, 50 allowed, a check every 100 writes
    assert CountingFileCache.listings <= 11  # Django's own lists the folder at each write
    assert cache.get("page-999") == 999
