"""The directory's lists to choose from (regions, council areas, interests,
skills and training modules), read once and kept in the cache, so that a page
of the directory does not ask the database for them each time.

They are kept under a version that the database renews on any write to those
tables (triggers made by ``leaders/migrations/0008``, which renew the
directory's own version too), so a change reaches every worker and instance
on its next request, whether made through ``save()``, ``update()``, a bulk
insert or raw SQL, and whatever the cache.
"""

from dataclasses import dataclass

from citizenleaders.versioned_cache import VersionedCache

KEPT_CHOICES = VersionedCache("leaders:directory-choices", timeout=5 * 60, versions="database")


@dataclass(frozen=True)
class Council:
    gss_code: str
    name: str
    region: str
    is_current: bool


@dataclass(frozen=True)
class DirectoryChoices:
    regions: list[tuple[str, str]]  # (GSS code, name), in GSS code order
    councils: list[Council]  # every council, current or not, by region then name
    interests: list[tuple[str, str]]  # (slug, name)
    skills: list[tuple[str, str]]
    modules: list[tuple[str, str]]  # (slug, title), in the curriculum's order

    @property
    def council_choices(self):
        return [(council.gss_code, council.name) for council in self.councils]

    @property
    def current_councils_by_region(self):
        """[(region name, [current councils])], for the select's groups."""
        groups = {}
        for council in self.councils:
            if council.is_current:
                groups.setdefault(council.region, []).append(council)
        return list(groups.items())


def directory_choices(version: str | None = "") -> DirectoryChoices:
    """The lists, from the cache (one query, for the version) or read afresh.
    ``version``: ``KEPT_CHOICES.version()``, where the caller read it already."""
    return KEPT_CHOICES.get_or_set(_read, version=version)


def _read() -> DirectoryChoices:
    from leaders.models import Interest, Module, Skill
    from ulos.models import LocalAuthority, Region

    current = set(LocalAuthority.objects.current().values_list("pk", flat=True))
    councils = LocalAuthority.objects.order_by("region__gss_code", "name", "pk").values_list(
        "pk", "gss_code", "name", "region__name"
    )
    return DirectoryChoices(
        regions=list(Region.objects.order_by("gss_code").values_list("gss_code", "name")),
        councils=[
            Council(gss_code, name, region, pk in current)
            for pk, gss_code, name, region in councils
        ],
        interests=list(Interest.objects.values_list("slug", "name")),
        skills=list(Skill.objects.values_list("slug", "name")),
        modules=list(Module.objects.values_list("slug", "title")),
    )
