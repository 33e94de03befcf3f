"""Figures worked out from the database and kept in the cache until what they
depend on changes: the coverage of England by ULOs, the directory's lists to
choose from.

What is kept is found under a version, which ``clear()`` gives a new value,
so the old figures are never read again. The version is kept in the cache
itself, so with a shared cache (Redis, ``CACHE_URL``) every instance sees a
change at once; with the default local-memory cache each worker process keeps
its own copy, and ``timeout`` bounds how long another worker shows old
figures. The key also carries the date, for figures (such as which councils
are current) that change at midnight by themselves.
"""

import uuid

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone


class VersionedCache:
    def __init__(self, name: str, timeout: int):
        self.name = name
        self.timeout = timeout
        self.version_key = f"{name}:version"

    def get_or_set(self, work_out):
        """What is kept, or ``work_out()``'s answer, kept for next time."""
        key = f"{self.name}:{self._version()}:{timezone.localdate().isoformat()}"
        found = cache.get(key)
        if found is None:
            found = work_out()
            cache.set(key, found, self.timeout)
        return found

    def clear(self) -> None:
        """Forget what is kept: call it after any change the figures depend on.

        The version changes at once, so the next read (in this transaction
        too) works them out afresh, and again when the transaction commits, so
        figures that another request worked out from the data as it was before
        the commit are not kept either."""
        self._renew()
        if transaction.get_connection().in_atomic_block:
            transaction.on_commit(self._renew)

    def _version(self) -> str:
        """A new version is a random value, not a count, so a version lost
        from the cache (evicted, or the cache restarted) is never taken up
        again by older figures still kept."""
        version = cache.get(self.version_key)
        if version is None:
            fresh = uuid.uuid4().hex
            # Another request may be starting the version at the same moment.
            if cache.add(self.version_key, fresh, None):
                return fresh
            version = cache.get(self.version_key, fresh)
        return version

    def _renew(self) -> None:
        cache.set(self.version_key, uuid.uuid4().hex, None)
