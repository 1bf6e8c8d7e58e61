"""Production settings plus the trivial view the HTTP benchmarks measure against."""

from wekker.settings import *  # noqa: F403 – the project's settings, unchanged but for the URLs

ROOT_URLCONF = "urls_bench"
