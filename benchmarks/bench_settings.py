"""The product's settings, plus the framework floor view used as the in-run baseline."""

from icilabas.settings import *  # noqa: F403  (benchmark-only settings module)

ROOT_URLCONF = "benchmarks.bench_urls"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
LOGGING = {"version": 1, "disable_existing_loggers": True}
