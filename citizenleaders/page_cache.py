"""The information pages, served to anonymous visitors from the cache.

The home page, the "About the programme" pages and the statements (accessibility,
privacy, cookies, data sources) are templates only: they show no figures, no
forms and nothing about the person reading them. Rendering them again for every
visitor costs a whole trip through the middleware and the template engine; the
cache makes them nearly as cheap as a static file (WEB-PERFORMANCE.md).

What keeps it safe:

- Only views marked with :func:`public_page` are stored, only after a GET with
  no query string, a 200 answer with no cookie set, no CSRF token used, no
  ``private``/``no-store`` and no ``Vary`` beyond ``Cookie``.
- A request that carries the session cookie or the messages cookie is never
  answered from the cache, so a signed-in person (whose page says "Log out",
  with a CSRF token) and anyone with a message waiting always get a fresh page.
  That is what the page's ``Vary: Cookie`` asks for.
- The middleware sits inside the security, CSP and WhiteNoise middleware, so a
  cached page gets the same security headers as a fresh one; the headers set
  further in (X-Frame-Options, Vary) are stored with the page.
- The key carries a version made from the templates, the code and the static
  files' manifest (plus ``RELEASE`` if set), so a deploy starts a fresh set of
  pages; ``PAGE_CACHE_SECONDS`` bounds the life of each one anyway.

A gzip copy is stored beside each page (the pages carry no secret, so
compressing them cannot leak one: see BREACH in WEB-PERFORMANCE.md), and an
ETag lets a browser revalidate with a 304.
"""

import functools
import gzip
import hashlib
import os
import re
from pathlib import Path

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers

ACCEPTS_GZIP = re.compile(r"\bgzip\b")
# Headers that are worked out again for each answer rather than stored.
NOT_STORED = {"content-length", "content-encoding", "etag"}
# The source whose change changes what the pages say.
VERSIONED_SUFFIXES = (".html", ".py", ".txt")


def public_page(view):
    """Mark a view as an information page that anonymous visitors may be
    served from the cache. Use it only for pages that show no data, no form
    and nothing personal."""
    view.public_page = True
    return view


def pages_version(base_dir=None):
    """A short hash of everything that shapes the pages: templates and code
    of the project's apps, the static files' manifest (the hashed names the
    pages link to) and the ``RELEASE`` environment variable."""
    base_dir = Path(base_dir or settings.BASE_DIR)
    digest = hashlib.sha256(os.environ.get("RELEASE", "").encode())
    for folder in ("templates", "citizenleaders", "leaders", "ulos", "events"):
        for path in sorted((base_dir / folder).rglob("*")):
            if path.suffix in VERSIONED_SUFFIXES and path.is_file():
                digest.update(str(path.relative_to(base_dir)).encode())
                digest.update(path.read_bytes())
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.is_file():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()[:16]


@functools.cache
def running_pages_version():
    """``pages_version()`` of the code this process runs, worked out once."""
    return pages_version()


class AnonymousPageCacheMiddleware:
    """Answer anonymous GETs of the information pages from the cache, and
    store them there after the first time."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.cache = caches[settings.PAGE_CACHE_ALIAS]
        self.timeout = settings.PAGE_CACHE_SECONDS
        self.version = running_pages_version()
        self.private_cookies = {settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name}

    def __call__(self, request):
        if not self._may_use_cache(request):
            return self.get_response(request)
        key = self._key(request)
        stored = self.cache.get(key)
        if stored is not None:
            return self._answer(request, stored)
        response = self.get_response(request)
        if request.method == "GET" and self._may_store(request, response):
            stored = self._stored(response)
            self.cache.set(key, stored, self.timeout)
            return self._answer(request, stored)
        return response

    def _may_use_cache(self, request):
        return (
            self.timeout > 0
            and request.method in ("GET", "HEAD")
            and not request.META.get("QUERY_STRING")
            and not self.private_cookies.intersection(request.COOKIES)
        )

    def _key(self, request):
        where = "|".join(
            [
                "https" if request.is_secure() else "http",
                request.META.get("HTTP_HOST", ""),
                request.path,
            ]
        )
        return f"page:{self.version}:{hashlib.sha256(where.encode()).hexdigest()}"

    @staticmethod
    def _may_store(request, response):
        match = getattr(request, "resolver_match", None)
        if match is None or not getattr(match.func, "public_page", False):
            return False
        user = getattr(request, "user", None)
        vary = {
            header.strip().lower()
            for header in response.get("Vary", "").split(",")
            if header.strip()
        }
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_USED")
            and not (user is not None and user.is_authenticated)
            and not vary - {"cookie"}
            and "private" not in response.get("Cache-Control", "")
            and "no-store" not in response.get("Cache-Control", "")
        )

    @staticmethod
    def _stored(response):
        body = response.content
        return {
            "headers": [
                (name, value)
                for name, value in response.headers.items()
                if name.lower() not in NOT_STORED
            ],
            "body": body,
            # mtime=0 keeps the copy the same from one process to the next.
            "gzip": gzip.compress(body, compresslevel=9, mtime=0),
            "etag": f'"{hashlib.sha256(body).hexdigest()[:32]}"',
        }

    @staticmethod
    def _answer(request, stored):
        compressed = bool(ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))
        etag = stored["etag"]
        if compressed:
            etag = f'{etag[:-1]}-gzip"'
        if etag in request.META.get("HTTP_IF_NONE_MATCH", ""):
            response = HttpResponseNotModified()
        else:
            response = HttpResponse(stored["gzip"] if compressed else stored["body"])
        for name, value in stored["headers"]:
            if response.status_code == 200 or name.lower() != "content-type":
                response.headers[name] = value
        patch_vary_headers(response, ["Accept-Encoding"])
        response.headers["ETag"] = etag
        if response.status_code == 200:
            response.headers["Content-Length"] = str(len(response.content))
            if compressed:
                response.headers["Content-Encoding"] = "gzip"
        return response
