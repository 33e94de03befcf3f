"""Reads about leaders and their records, each in a fixed number of queries
however many rows there are."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone

from leaders.models import Leader, Module, Story, TrainingRecord

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
