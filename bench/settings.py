"""Settings of the benchmark (`make bench`): production-like (DEBUG off, same middleware), PostgreSQL only.

The test client talks to the host "testserver"; uploaded report files go to a temporary directory so the
benchmark leaves `var/media` alone.
"""

import tempfile

from config.settings.base import *  # noqa: F401,F403
from config.settings.base import ALLOWED_HOSTS

DEBUG = False
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="buendnis-bench-media-")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "ERROR"},
}
