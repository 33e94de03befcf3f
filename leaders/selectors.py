"""Reads about leaders and their records, each in a fixed number of queries
however many rows there are."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from leaders.models import Activity, InvolvementRequest, Leader, Module, Story, TrainingRecord

RECENT = 5


@dataclass(frozen=True)
class ActivityTotals:
    year: int
    activities: int
    hours: Decimal
    people_reached: int


def activity_totals(leader: Leader, year: int | None = None) -> ActivityTotals:
    """The number of activities, hours and people reached in a calendar year
    (this year unless told), counting every entry the leader logged. One query."""
    year = year or timezone.localdate().year
    totals = leader.activities.filter(date__year=year).aggregate(
        activities=Count("pk"), hours=Sum("hours"), people_reached=Sum("people_reached")
    )
    return ActivityTotals(
        year=year,
        activities=totals["activities"],
        hours=totals["hours"] or Decimal("0"),
        people_reached=totals["people_reached"] or 0,
    )


@dataclass(frozen=True)
class ModuleProgress:
    module: Module
    record: TrainingRecord | None

    @property
    def status(self) -> str:
        return self.record.status if self.record else TrainingRecord.Status.NOT_STARTED

    @property
    def status_label(self) -> str:
        return TrainingRecord.Status(self.status).label

    @property
    def is_completed(self) -> bool:
        return self.status == TrainingRecord.Status.COMPLETED


@dataclass(frozen=True)
class TrainingProgress:
    modules: list[ModuleProgress] = field(default_factory=list)

    @property
    def required(self) -> list[ModuleProgress]:
        return [item for item in self.modules if item.module.is_required]

    @property
    def optional(self) -> list[ModuleProgress]:
        return [item for item in self.modules if not item.module.is_required]

    @property
    def required_count(self) -> int:
        return len(self.required)

    @property
    def required_completed(self) -> int:
        return sum(item.is_completed for item in self.required)

    @property
    def all_required_completed(self) -> bool:
        return self.required_completed == self.required_count

    @property
    def next_module(self) -> ModuleProgress | None:
        """The first required module, in curriculum order, not yet completed."""
        return next((item for item in self.required if not item.is_completed), None)


def training_progress(leader: Leader) -> TrainingProgress:
    """Every module in the curriculum with the leader's record for it, if
    any. Two queries."""
    records = {record.module_id: record for record in leader.training.all()}
    return TrainingProgress(
        modules=[ModuleProgress(module, records.get(module.pk)) for module in Module.objects.all()]
    )


@dataclass(frozen=True)
class LeaderSummary:
    leader: Leader
    training: TrainingProgress
    totals: ActivityTotals
    recent_activities: list
    stories: list


def leader_summary(leader: Leader) -> LeaderSummary:
    """What the leader's own home page shows: training progress, this year's
    totals, their latest activities and stories. Five queries."""
    return LeaderSummary(
        leader=leader,
        training=training_progress(leader),
        totals=activity_totals(leader),
        recent_activities=list(leader.activities.select_related("local_authority")[:RECENT]),
        stories=list(leader.stories.order_by("-created_at")[:RECENT]),
    )


def stories_published():
    """Stories anyone may read: approved, with consent to the website."""
    return Story.objects.filter(status=Story.Status.APPROVED, on_website=True).select_related(
        "leader__user"
    )


# --- The directory, for council staff and coordinators -----------------------
#
# What council staff see of a leader is only what the leader chose to share,
# and of their activities only what a coordinator has checked.


def verified_activities():
    return Activity.objects.filter(status=Activity.Status.VERIFIED)


def directory_leaders():
    """Leaders in the directory with what a list of them shows, sorted by
    name: ``last_active`` (their latest verified activity, or ``None``),
    ``completed_modules`` (how many modules they have completed), and
    prefetched skills and interests. However many leaders there are: a
    count, a page, and two prefetch queries."""
    latest_activity = (
        verified_activities().filter(leader=OuterRef("pk")).order_by("-date").values("date")[:1]
    )
    completed = (
        TrainingRecord.objects.filter(leader=OuterRef("pk"), status=TrainingRecord.Status.COMPLETED)
        .order_by()
        .values("leader")
        .annotate(modules=Count("pk"))
        .values("modules")
    )
    return (
        Leader.objects.in_directory()
        .select_related("user", "local_authority__region")
        .annotate(
            last_active=Subquery(latest_activity),
            completed_modules=Coalesce(Subquery(completed, output_field=IntegerField()), 0),
        )
        .order_by("sort_name", "pk")
        .prefetch_related("skills", "interests")
    )


def with_completed_training(leaders):
    """``leaders`` with ``completed_training``: their completed records, with
    the modules, in the curriculum's order. One query more."""
    completed = (
        TrainingRecord.objects.filter(status=TrainingRecord.Status.COMPLETED)
        .select_related("module")
        .order_by("module__position", "module__title")
    )
    return leaders.prefetch_related(
        Prefetch("training", queryset=completed, to_attr="completed_training")
    )


@dataclass(frozen=True)
class KindCount:
    kind: str
    label: str
    count: int
    hours: Decimal = Decimal("0")


YEAR_OF_ACTIVITY = timedelta(days=365)


def activity_counts_by_kind(leader: Leader, today: date | None = None) -> list[KindCount]:
    """How many verified activities of each kind the leader did in the last
    12 months, kinds they did none of left out. One query."""
    today = today or timezone.localdate()
    rows = (
        verified_activities()
        .filter(leader=leader, date__gt=today - YEAR_OF_ACTIVITY, date__lte=today)
        .values("kind")
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts = {row["kind"]: row["count"] for row in rows}
    return [
        KindCount(kind=kind.value, label=kind.label, count=counts[kind.value])
        for kind in Activity.Kind
        if kind.value in counts
    ]


RECENT_CHALLENGES = 5


@dataclass(frozen=True)
class CouncilActivity:
    """Verified activities involving a council, with no leader named."""

    by_kind: list[KindCount]
    hours: Decimal
    people_reached: int
    challenges: int
    changes: int
    recent_challenges: list[Activity]

    @property
    def activities(self) -> int:
        return sum(item.count for item in self.by_kind)


@dataclass(frozen=True)
class CouncilOverview:
    leaders: list[Leader]
    requests: list[InvolvementRequest]
    activity: CouncilActivity


def council_activity(council) -> CouncilActivity:
    """Counts by kind, hours, people reached and challenges raised at
    verified activities involving ``council``, and its latest challenges with
    what changed. Two queries."""
    involving = verified_activities().filter(local_authority=council)
    raised = ~Q(challenge="")
    rows = (
        involving.values("kind")
        .annotate(
            count=Count("pk"),
            hours=Sum("hours"),
            people_reached=Sum("people_reached"),
            challenges=Count("pk", filter=raised),
            changes=Count("pk", filter=raised & ~Q(change="")),
        )
        .order_by()
    )
    by_kind = {row["kind"]: row for row in rows}
    return CouncilActivity(
        by_kind=[
            KindCount(
                kind=kind.value,
                label=kind.label,
                count=by_kind[kind.value]["count"],
                hours=by_kind[kind.value]["hours"] or Decimal("0"),
            )
            for kind in Activity.Kind
            if kind.value in by_kind
        ],
        hours=sum((row["hours"] or Decimal("0") for row in by_kind.values()), Decimal("0")),
        people_reached=sum(row["people_reached"] or 0 for row in by_kind.values()),
        challenges=sum(row["challenges"] for row in by_kind.values()),
        changes=sum(row["changes"] for row in by_kind.values()),
        recent_challenges=list(
            involving.filter(raised)
            .only("kind", "date", "challenge", "council_response", "change")
            .order_by("-date", "-pk")[:RECENT_CHALLENGES]
        ),
    )


def council_overview(council) -> CouncilOverview:
    """What a council's own staff and coordinators see on its page: leaders in
    its area who appear in the directory, its requests for involvement, and
    activity involving it. Four queries."""
    return CouncilOverview(
        leaders=list(
            Leader.objects.in_directory()
            .filter(local_authority=council)
            .select_related("user")
            .order_by("sort_name", "pk")
        ),
        requests=list(
            InvolvementRequest.objects.filter(local_authority=council).order_by(
                F("date").desc(), "-pk"
            )
        ),
        activity=council_activity(council),
    )
