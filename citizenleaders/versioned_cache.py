"""Figures and pages worked out from the database and kept in the cache until
what they depend on changes: the coverage of England by ULOs (versions in the
cache), the directory's lists of leaders and lists to choose from (versions in
the database).

What is kept is found under a version, so old figures are never read again
once the version changes. The version lives in one of two places:

- ``versions="cache"`` (the default): in the cache itself, given a new value
  by ``clear()``, which signals call on a change. With a shared cache (Redis,
  ``CACHE_URL``) every instance sees a change at once; with the default
  local-memory cache each worker process keeps its own copy, and ``timeout``
  bounds how long another worker shows old figures. Costs no query.
- ``versions="database"``: in a ``DataVersion`` row that triggers in the
  database renew on any write to the tables it depends on (made by a
  migration, such as ``leaders/migrations/0008``). Every instance and worker
  sees a change as soon as it commits, whatever the cache, at the cost of one
  small query per read. For what must never be shown out of date, such as
  who is in the directory.

The key also carries the date, for figures (such as which councils are
current) that change at midnight by themselves.

``KeptContentMixin`` keeps a whole page's content this way, for each address;
``KeptListMixin`` does it for a list with filters and pages.
"""

import hashlib
import uuid

from django.core.cache import cache
from django.db import transaction
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone

from citizenleaders.page_cache import running_pages_version


class VersionedCache:
    """``name`` prefixes the keys. ``follows`` names the version, where
    several caches depend on the same data (the directory's lists and the
    back office's list of leaders): by default, ``name``."""

    def __init__(self, name: str, timeout: int, *, versions: str = "cache", follows: str = ""):
        if versions not in ("cache", "database"):
            raise ValueError(f"versions must be 'cache' or 'database', not {versions!r}")
        self.name = name
        self.timeout = timeout
        self.versions = versions
        self.follows = follows or name
        self.version_key = f"{self.follows}:version"

    def get_or_set(self, work_out, part: str = "", *, version: str | None = ""):
        """What is kept (for ``part``, when one name keeps several things), or
        ``work_out()``'s answer, kept for next time. ``version`` is one read
        with ``version()`` before reading what ``work_out()`` uses, where that
        was read first (by default, it is read now)."""
        if version == "":
            version = self.version()
        if version is None:
            return work_out()
        # Hashed: ``part`` may be as long and as odd as an address.
        part = hashlib.sha256(part.encode()).hexdigest()[:32] if part else ""
        key = f"{self.name}:{version}:{timezone.localdate().isoformat()}:{part}"
        found = cache.get(key)
        if found is None:
            found = work_out()
            cache.set(key, found, self.timeout)
        return found

    def clear(self) -> None:
        """Forget what is kept: call it after any change the figures depend on
        (the database's triggers do it for ``versions="database"``).

        The version changes at once, so the next read (in this transaction
        too) works them out afresh. A version in the cache changes again when
        the transaction commits, so figures that another request worked out
        from the data as it was before the commit are not kept either; one in
        the database changes with the transaction, so needs no second go."""
        self._renew()
        if self.versions == "cache" and transaction.get_connection().in_atomic_block:
            transaction.on_commit(self._renew)

    def version(self) -> str | None:
        """A new version is a random value, not a count, so a version lost
        (evicted, the cache restarted, the table emptied) is never taken up
        again by older figures still kept. ``None``: keep nothing, for lack of
        a version (a database version not yet made)."""
        if self.versions == "database":
            from citizenleaders.models import DataVersion

            return (
                DataVersion.objects.filter(name=self.follows)
                .values_list("version", flat=True)
                .first()
            )
        version = cache.get(self.version_key)
        if version is None:
            fresh = uuid.uuid4().hex
            # Another request may be starting the version at the same moment.
            if cache.add(self.version_key, fresh, None):
                return fresh
            version = cache.get(self.version_key, fresh)
        return version

    def _renew(self) -> None:
        if self.versions == "database":
            from citizenleaders.models import DataVersion

            DataVersion.objects.update_or_create(
                name=self.follows, defaults={"version": uuid.uuid4().hex}
            )
        else:
            cache.set(self.version_key, uuid.uuid4().hex, None)


class KeptContentMixin:
    """For a view whose content is the same for everyone who may see it at
    one address (its filters, sort and page): the content is drawn once from
    ``content_template_name`` and kept in ``kept_content`` for each address
    until the version changes. The page's ``template_name`` shows
    ``{{ kept.content }}`` inside the layout, which is drawn for each request,
    so the person's own links (their name, the log-out form) are never kept.

    The content template must show nothing about the person reading it and
    hold no CSRF token: it is served to others."""

    kept_content: VersionedCache
    content_template_name: str

    def get(self, request, *args, **kwargs):
        # The code's version too, so a deploy never shows content drawn by
        # the templates before it (the cache may be shared and outlive it).
        part = f"{running_pages_version()}:{request.path}?{request.GET.urlencode()}"
        kept = self.kept_content.get_or_set(self.draw_content, part=part)
        return TemplateResponse(request, self.template_name, {"kept": kept})

    def draw_content(self) -> dict:
        """What is kept: ``content`` and the ``kept_details()`` of it that the
        page around it shows (a title, whether the form has errors)."""
        context = self.content_context()
        return {
            **self.kept_details(context),
            "content": render_to_string(self.content_template_name, context, self.request),
        }

    def content_context(self) -> dict:
        return self.get_context_data()

    def kept_details(self, context) -> dict:
        return {}


class KeptListMixin(KeptContentMixin):
    """``KeptContentMixin`` for a ``ListView`` with a filter form (in
    ``context["form"]``) and pages: the list is read only when drawn, and the
    page's title, ``list_title``, says which page it is and whether the form
    has errors."""

    list_title: str

    def content_context(self):
        self.object_list = self.get_queryset()
        return self.get_context_data()

    def kept_details(self, context):
        page = context["page_obj"]
        title = self.list_title
        if page.number > 1:
            title += f" (page {page.number} of {page.paginator.num_pages})"
        return {"title": title, "has_errors": bool(context["form"].errors)}
