"""Reads that span several records: how well England's council areas are
covered by user-led organisations.

Coverage is the same for everyone and read on every visit to the coverage
page, its CSV, the councils page and the reports, so it is worked out once and
kept in the cache (``citizenleaders.versioned_cache``) until
:func:`coverage_cache_clear` is called. The signals in
``ulos.signals`` call it whenever a ULO, the councils a ULO serves, an
assessment, a criterion, a council or a region is saved or deleted; a write
that bypasses signals (``QuerySet.update()``, ``bulk_create()``, a data
migration's historical models) must call it itself.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from citizenleaders.versioned_cache import VersionedCache
from ulos.models import LocalAuthority, Region, Stage, Ulo, UloStrategy

NO_ULO = "none"
CATEGORY_LABELS = {
    NO_ULO: "No ULO",
    Stage.EMERGING: "Emerging ULO",
    Stage.ESTABLISHED: "Established ULO",
    Stage.NETWORKED: "Established and networked ULO",
}


@dataclass
class Area:
    """One council's area and the published ULOs that serve it."""

    council: LocalAuthority
    ulo_count: int = 0
    best_stage: str | None = None
    meets_criteria: bool = False

    @property
    def has_ulo(self):
        return self.ulo_count > 0

    @property
    def category(self):
        """What the map colours the area by: its most developed ULO, or none."""
        return self.best_stage or NO_ULO

    @property
    def category_label(self):
        return CATEGORY_LABELS[self.category]

    @property
    def strategy(self):
        """The council's strategy to develop a ULO, where it has none."""
        return None if self.has_ulo else self.council.ulo_strategy

    @property
    def strategy_label(self):
        return "" if self.has_ulo else self.council.get_ulo_strategy_display()

    @property
    def description(self):
        """Everything the map shows about the area, in words."""
        if not self.has_ulo:
            return f"{self.council.name}: no ULO, {self.strategy_label.lower()}"
        meets = "meets the criteria" if self.meets_criteria else "does not yet meet the criteria"
        label = self.category_label
        return f"{self.council.name}: {label[0].lower()}{label[1:]}, {meets}"


@dataclass
class Summary:
    """Coverage of a set of areas: England, or one region."""

    name: str
    gss_code: str
    areas: list[Area] = field(default_factory=list)

    @property
    def area_count(self):
        return len(self.areas)

    @property
    def with_ulo(self):
        return sum(area.has_ulo for area in self.areas)

    @property
    def meeting_criteria(self):
        return sum(area.meets_criteria for area in self.areas)

    @property
    def without_ulo(self):
        return self.area_count - self.with_ulo

    def _strategies(self, strategy):
        return sum(area.strategy == strategy for area in self.areas)

    @property
    def strategy_adopted(self):
        return self._strategies(UloStrategy.ADOPTED)

    @property
    def strategy_in_development(self):
        return self._strategies(UloStrategy.IN_DEVELOPMENT)

    @property
    def no_strategy(self):
        return self._strategies(UloStrategy.NONE)

    @property
    def with_ulo_percent(self):
        return round(100 * self.with_ulo / self.area_count) if self.area_count else 0

    @property
    def meeting_criteria_percent(self):
        return round(100 * self.meeting_criteria / self.area_count) if self.area_count else 0


@dataclass
class Coverage:
    areas: list[Area]
    england: Summary
    regions: list[Summary]


# The longest figures are kept, in case a change slips past the signals (a
# write straight to the database) or the cache is each process's own memory,
# which another gunicorn worker's change does not reach. As for the reports.
COVERAGE_CACHE_SECONDS = 300
KEPT_COVERAGE = VersionedCache("ulos:coverage", COVERAGE_CACHE_SECONDS)
# The ULO directory's pages, forgotten with the coverage (ulos.signals).
KEPT_ULO_LIST = VersionedCache("ulos:list", COVERAGE_CACHE_SECONDS, follows="ulos:coverage")
COVERAGE_VERSION_KEY = KEPT_COVERAGE.version_key


def coverage(regions: list[Region] | None = None) -> Coverage:
    """Coverage of every current council area by published ULOs, summed for
    England and for each region (for the ``regions`` given, when the caller
    has read them already).

    From the cache when nothing it depends on has changed since it was last
    worked out (no query at all); otherwise in two queries, whatever the
    number of councils and ULOs."""
    areas, all_regions = KEPT_COVERAGE.get_or_set(_areas_and_regions)

    by_region = defaultdict(list)
    for area in areas:
        by_region[area.council.region_id].append(area)
    return Coverage(
        areas=areas,
        england=Summary(name="England", gss_code="E92000001", areas=areas),
        regions=[
            Summary(name=region.name, gss_code=region.gss_code, areas=by_region.get(region.pk, []))
            for region in (all_regions if regions is None else regions)
        ],
    )


def coverage_cache_clear() -> None:
    """Forget the coverage worked out so far, and the ULO directory's pages
    (whose version is the coverage's): call it after any change to ULOs, the
    councils they serve, their services, assessments, criteria, councils or
    regions that does not send the models' signals."""
    KEPT_COVERAGE.clear()


def _areas_and_regions() -> tuple[list[Area], list[Region]]:
    """Every current council's area, with the published ULOs that serve it,
    and the regions of those councils: in two queries. Each council points at
    the same region object, so the pickled copy in the cache stays small."""
    region_by_pk = {}
    councils = list(LocalAuthority.objects.current().select_related("region"))
    for council in councils:
        council.region = region_by_pk.setdefault(council.region_id, council.region)
    regions = sorted(region_by_pk.values(), key=lambda region: region.gss_code)
    served_by = defaultdict(list)
    # One row for each council a published ULO serves (and one, with no
    # council, for a ULO that serves none).
    for ulo in (
        Ulo.objects.published()
        .with_meets_criteria()
        .order_by()
        .values("stage", "meets_criteria", "local_authorities")
    ):
        served_by[ulo["local_authorities"]].append(ulo)

    areas = []
    for council in councils:
        serving = served_by.get(council.pk, [])
        best = max((ulo["stage"] for ulo in serving), key=Stage.rank, default=None)
        areas.append(
            Area(
                council=council,
                ulo_count=len(serving),
                best_stage=best,
                meets_criteria=any(ulo["meets_criteria"] for ulo in serving),
            )
        )
    return areas, regions
