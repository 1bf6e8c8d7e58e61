"""The project's settings, with a trivial view beside the real pages: the benchmark's yardstick."""

from wekker.settings import *  # noqa: F403 – the project's settings, unchanged but for the URLs

ROOT_URLCONF = "benchmarks.load.urls"
