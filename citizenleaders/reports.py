"""The figures a coordinator shows a board: applications, leaders, training,
what leaders did, events and ULO coverage, for a period and for England or one
region.

Every figure is worked out by the database in a fixed number of queries,
whatever the size of the programme: aggregates and grouped counts, never a
query per row. Each table on the reports page is a ``Table``, which the page
draws and the CSV download writes, so the two cannot disagree.

What counts (the page says the same in words):

- applications *received* were sent in the period; *accepted*, *declined* and
  *withdrawn* were decided in it;
- *leaders by status* is how things stand today;
- the *training completion rate* is the share of the leaders accepted in the
  period who have since completed every required module (and so became
  active); the *median days* run from acceptance to becoming active, for the
  leaders who became active in the period;
- *activities* are the verified entries in leaders' logs dated in the period
  (the number still waiting to be checked is given beside them);
- a *meeting* is a local or regional meeting; a *challenge that led to a
  change* is one where the leader recorded both the challenge and what changed;
- *events held* are published events that started in the period and have
  ended; the *share who attended* is of the confirmed places at them;
- the *journey* follows the applications sent in the period: how many were
  accepted, how many of those leaders completed their training, and how many
  are active today;
- *ULO coverage* is today's, of the current council areas.
"""

import datetime
import statistics
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth, TruncQuarter
from django.utils import timezone

from citizenleaders import charts
from events.models import Event, Registration
from leaders.models import Activity, Application, Leader
from leaders.templatetags.participation import hours_number
from ulos.models import Region
from ulos.selectors import coverage

MONTH, QUARTER = "month", "quarter"
# How long the reports page keeps figures it has worked out (shared by
# everyone who asks for the same period and region).
REPORT_CACHE_SECONDS = 300


@dataclass(frozen=True)
class Period:
    """The dates a report covers (both included, in UK time), the region it
    is narrowed to (``None`` for England) and how activity over time is
    grouped."""

    start: datetime.date
    end: datetime.date
    region: Region | None = None
    by: str = MONTH

    @property
    def starts_at(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.start, datetime.time()))

    @property
    def ends_before(self) -> datetime.datetime:
        """The first moment after the period."""
        day_after = self.end + datetime.timedelta(days=1)
        return timezone.make_aware(datetime.datetime.combine(day_after, datetime.time()))

    @property
    def place(self) -> str:
        return self.region.name if self.region else "England"

    def during(self, path: str) -> Q:
        """``path`` (a date and time) falls in the period."""
        return Q(**{f"{path}__gte": self.starts_at, f"{path}__lt": self.ends_before})

    def in_region(self, path: str) -> Q:
        """``path`` (the path to a region) is the period's region, if it has one."""
        return Q(**{path: self.region}) if self.region else Q()


def financial_year_start(day: datetime.date) -> datetime.date:
    """1 April of the financial year ``day`` falls in."""
    year = day.year if day.month >= 4 else day.year - 1
    return datetime.date(year, 4, 1)


@dataclass
class Table:
    """A table of figures: drawn on the page and downloaded as CSV."""

    slug: str
    title: str
    header: list[str]
    rows: list[list] = field(default_factory=list)


@dataclass
class Figure:
    label: str
    value: object
    detail: str = ""


def percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def hours_text(hours: Decimal | None) -> str:
    """Hours as people write them: 12, 12.5 or 12.25 (0 for none)."""
    return hours_number(hours or Decimal(0))


@dataclass
class Report:
    period: Period
    headline: list[Figure]
    sections: dict[str, list[Figure]]
    leaders_by_status: Table
    activities_by_kind: Table
    journey: Table
    over_time: Table
    activities_waiting: int

    @property
    def tables(self) -> dict[str, Table]:
        tables = [
            self.headline_table,
            self.leaders_by_status,
            self.activities_by_kind,
            self.journey,
            self.over_time,
        ]
        return {table.slug: table for table in tables}

    @property
    def headline_table(self) -> Table:
        rows = [
            [section, figure.label, "" if figure.value is None else figure.value]
            for section, figures in self.sections.items()
            for figure in figures
        ]
        return Table("headline-figures", "Headline figures", ["Section", "Figure", "Value"], rows)


def application_rows(period: Period) -> dict:
    """The applications sent or decided in the period, counted by region in
    one grouped query: what was received and decided, and where the ones
    sent have got to (for the journey)."""
    sent = period.during("submitted_at")
    decided = period.during("decided_at")
    status = Application.Status
    return {
        row["local_authority__region"]: row
        for row in Application.objects.exclude(status=status.DRAFT)
        .filter(period.in_region("local_authority__region"))
        .filter(sent | decided)
        .order_by()
        .values("local_authority__region")
        .annotate(
            received=Count("pk", filter=sent),
            decided_accepted=Count("pk", filter=Q(status=status.ACCEPTED) & decided),
            decided_declined=Count("pk", filter=Q(status=status.DECLINED) & decided),
            decided_withdrawn=Count("pk", filter=Q(status=status.WITHDRAWN) & decided),
            accepted=Count("pk", filter=sent & Q(status=status.ACCEPTED)),
            trained=Count("pk", filter=sent & Q(leader__activated_at__isnull=False)),
            active=Count("pk", filter=sent & Q(leader__status=Leader.Status.ACTIVE)),
        )
    }


def applications_figures(rows: dict) -> list[Figure]:
    def total(name):
        return sum(row[name] for row in rows.values())

    return [
        Figure("Applications received", total("received")),
        Figure("Applications accepted", total("decided_accepted")),
        Figure("Applications declined", total("decided_declined")),
        Figure("Applications withdrawn", total("decided_withdrawn")),
    ]


def leader_counts(period: Period) -> dict:
    """Leaders in the region by status today, and how many of those accepted
    in the period have been trained, in one query."""
    accepted = period.during("accepted_at")
    return Leader.objects.filter(period.in_region("local_authority__region")).aggregate(
        **{
            f"status_{value}": Count("pk", filter=Q(status=value)) for value in Leader.Status.values
        },
        accepted=Count("pk", filter=accepted),
        trained=Count("pk", filter=accepted & Q(activated_at__isnull=False)),
    )


def leaders_by_status(counts: dict) -> Table:
    rows = [[label, counts[f"status_{value}"]] for value, label in Leader.Status.choices]
    rows.append(["All leaders", sum(row[1] for row in rows)])
    return Table("leaders-by-status", "Leaders by status today", ["Status", "Leaders"], rows)


def training_figures(period: Period, counts: dict) -> list[Figure]:
    durations = [
        (activated - accepted).total_seconds() / 86400
        for accepted, activated in Leader.objects.filter(
            period.in_region("local_authority__region"),
            period.during("activated_at"),
            accepted_at__isnull=False,
        ).values_list("accepted_at", "activated_at")
    ]
    rate = percent(counts["trained"], counts["accepted"])
    median = round(statistics.median(durations)) if durations else None
    return [
        Figure(
            "Training completion rate",
            None if rate is None else f"{rate}%",
            f"{counts['trained']} of the {counts['accepted']} leaders accepted in the period "
            "have completed every required module",
        ),
        Figure(
            "Median days from acceptance to active",
            median,
            f"for the {len(durations)} leaders who became active in the period",
        ),
    ]


ACTIVITY_SUMS = ["count", "hours", "people", "challenges", "changed", "waiting"]


def activity_rows(period: Period) -> list[dict]:
    """Verified activities in the period by kind and by month (or quarter),
    with the number still waiting to be checked, in one grouped query: the
    page sums them by kind and by month."""
    verified = Q(status=Activity.Status.VERIFIED)
    truncate = TruncQuarter if period.by == QUARTER else TruncMonth
    return list(
        Activity.objects.filter(
            period.in_region("leader__local_authority__region"),
            date__gte=period.start,
            date__lte=period.end,
        )
        .annotate(when=truncate("date"))
        .order_by()
        .values("kind", "when")
        .annotate(
            count=Count("pk", filter=verified),
            hours=Sum("hours", filter=verified),
            people=Sum("people_reached", filter=verified),
            challenges=Count("pk", filter=verified & ~Q(challenge="")),
            changed=Count("pk", filter=verified & ~Q(challenge="") & ~Q(change="")),
            waiting=Count("pk", filter=Q(status=Activity.Status.PENDING)),
        )
    )


def summed_by(rows: list[dict], key: str) -> dict:
    """``rows`` added up for each value of ``key`` (an empty sum is 0)."""
    found = {}
    for row in rows:
        total = found.setdefault(row[key], dict.fromkeys(ACTIVITY_SUMS, 0))
        for name in ACTIVITY_SUMS:
            total[name] += row[name] or 0
    return found


def activities_by_kind(rows) -> Table:
    table_rows = []
    for value, label in Activity.Kind.choices:
        row = rows.get(value, {})
        table_rows.append(
            [label, row.get("count", 0), hours_text(row.get("hours")), row.get("people", 0)]
        )
    table_rows.append(
        [
            "All activities",
            sum(row[1] for row in table_rows),
            hours_text(sum((row["hours"] for row in rows.values()), Decimal(0))),
            sum(row[3] for row in table_rows),
        ]
    )
    return Table(
        "activities-by-kind",
        "Verified activities by kind",
        ["What leaders did", "Activities", "Hours", "People reached"],
        table_rows,
    )


def activity_figures(rows) -> list[Figure]:
    meetings = [rows.get(kind, {}) for kind in Activity.MEETINGS]
    every = rows.values()
    return [
        Figure("Activities", sum(row["count"] for row in every)),
        Figure("Hours", hours_text(sum((row["hours"] for row in every), Decimal(0)))),
        Figure("People reached", sum(row["people"] for row in every)),
        Figure("Meetings attended", sum(row.get("count", 0) for row in meetings)),
        Figure(
            "Challenges raised at meetings that led to a change",
            sum(row.get("changed", 0) for row in meetings),
            f"of {sum(row.get('challenges', 0) for row in meetings)} challenges raised",
        ),
    ]


def event_figures(period: Period) -> list[Figure]:
    confirmed = Q(registrations__status=Registration.Status.CONFIRMED)
    counts = Event.objects.filter(
        period.in_region("region"),
        period.during("start"),
        status=Event.Status.PUBLISHED,
        end__lt=timezone.now(),
    ).aggregate(
        held=Count("pk", distinct=True),
        booked=Count("registrations", filter=confirmed),
        attended=Count(
            "registrations",
            filter=confirmed & Q(registrations__attendance=Registration.Attendance.ATTENDED),
        ),
        unrecorded=Count(
            "registrations",
            filter=confirmed & Q(registrations__attendance=Registration.Attendance.UNKNOWN),
        ),
    )
    share = percent(counts["attended"], counts["booked"])
    detail = f"{counts['attended']} of {counts['booked']} confirmed places"
    if counts["unrecorded"]:
        detail += f" (attendance not recorded for {counts['unrecorded']})"
    return [
        Figure("Events held", counts["held"]),
        Figure("Booked people who attended", None if share is None else f"{share}%", detail),
    ]


def coverage_figures(period: Period, regions: list[Region]) -> list[Figure]:
    found = coverage(regions)
    summary = found.england
    if period.region:
        summary = next(item for item in found.regions if item.gss_code == period.region.gss_code)
    return [
        Figure("Council areas", summary.area_count),
        Figure(
            "Areas with a ULO",
            summary.with_ulo,
            f"{summary.with_ulo_percent}% of {summary.area_count}",
        ),
        Figure(
            "Areas with a ULO that meets the criteria",
            summary.meeting_criteria,
            f"{summary.meeting_criteria_percent}% of {summary.area_count}",
        ),
    ]


JOURNEY_STAGES = ["Applied", "Accepted", "Trained", "Active today"]


def journey(period: Period, regions: list[Region], rows: dict) -> Table:
    """From applying to being active, for the applications sent in the
    period, by region (``rows`` from ``application_rows``)."""
    stages = ["received", "accepted", "trained", "active"]
    shown = [period.region] if period.region else regions
    table_rows = [
        [region.name, *(rows.get(region.pk, {}).get(stage, 0) for stage in stages)]
        for region in shown
    ]
    if not period.region:
        # Applications from no council area yet still count for England.
        table_rows.append(
            ["England", *(sum(row[stage] for row in rows.values()) for stage in stages)]
        )
    return Table(
        "journey",
        "From applying to active, by region",
        ["Region", *JOURNEY_STAGES],
        table_rows,
    )


def periods_between(start: datetime.date, end: datetime.date, by: str) -> list[datetime.date]:
    """The first day of every month (or quarter) from ``start`` to ``end``."""
    step = 3 if by == QUARTER else 1
    month = (start.month - 1) // step * step + 1
    current = datetime.date(start.year, month, 1)
    found = []
    while current <= end:
        found.append(current)
        month_index = current.month - 1 + step
        current = datetime.date(current.year + month_index // 12, month_index % 12 + 1, 1)
    return found


def period_label(first_day: datetime.date, by: str) -> str:
    """ "Apr 2026" for a month, "Apr–Jun 2026" for a quarter."""
    if by == QUARTER:
        last_month = datetime.date(first_day.year, first_day.month + 2, 1)
        return f"{first_day:%b}–{last_month:%b %Y}"
    return f"{first_day:%b %Y}"


def over_time(period: Period, rows: list[dict]) -> Table:
    found = summed_by(rows, "when")
    table_rows = []
    for first_day in periods_between(period.start, period.end, period.by):
        row = found.get(first_day, {})
        table_rows.append(
            [period_label(first_day, period.by), row.get("count", 0), hours_text(row.get("hours"))]
        )
    what = "quarter" if period.by == QUARTER else "month"
    return Table(
        "activity-over-time",
        f"Verified activities by {what}",
        [what.capitalize(), "Activities", "Hours"],
        table_rows,
    )


def report(period: Period, regions: list[Region]) -> Report:
    """Every figure on the reports page for ``period``. ``regions`` is the
    list of England's regions, read once by the caller."""
    activities = activity_rows(period)
    by_kind = summed_by(activities, "kind")
    applications = application_rows(period)
    leaders = leader_counts(period)
    sections = {
        "Applications": applications_figures(applications),
        "Training": training_figures(period, leaders),
        "What leaders did": activity_figures(by_kind),
        "Events": event_figures(period),
        "User-led organisations": coverage_figures(period, regions),
    }
    headline = [
        sections["Applications"][0],
        sections["Applications"][1],
        sections["Training"][0],
        sections["What leaders did"][0],
        sections["What leaders did"][1],
        sections["What leaders did"][2],
        sections["User-led organisations"][1],
    ]
    return Report(
        period=period,
        headline=headline,
        sections=sections,
        leaders_by_status=leaders_by_status(leaders),
        activities_by_kind=activities_by_kind(by_kind),
        journey=journey(period, regions, applications),
        over_time=over_time(period, activities),
        activities_waiting=sum(row["waiting"] for row in by_kind.values()),
    )


def presets(today: datetime.date) -> list[tuple[str, datetime.date, datetime.date]]:
    """Periods a coordinator often reports on: (label, start, end)."""
    this_year = financial_year_start(today)
    last_year = this_year.replace(year=this_year.year - 1)
    year_ago = (
        today.replace(year=today.year - 1)
        if (today.month, today.day) != (2, 29)
        else (today.replace(year=today.year - 1, day=28))
    )
    return [
        ("This financial year so far", this_year, today),
        ("Last financial year", last_year, this_year - datetime.timedelta(days=1)),
        ("The last 12 months", year_ago + datetime.timedelta(days=1), today),
    ]


def _items(table: Table, *, column: int = 1, skip_last: bool = True):
    rows = table.rows[:-1] if skip_last else table.rows
    return [(row[0], float(row[column]), str(row[column])) for row in rows]


def _largest(items) -> str:
    if not items or not any(value for _, value, _ in items):
        return "There is nothing to show for this period."
    label, _, text = max(items, key=lambda item: item[1])
    return f"The most: {label} ({text})."


def charts_for(report: Report) -> dict:
    """The report's charts, each with a summary in words."""
    place, period = report.period.place, report.period
    during = f"from {period.start:%-d %B %Y} to {period.end:%-d %B %Y}"

    status_items = _items(report.leaders_by_status)
    kind_items = _items(report.activities_by_kind)
    journey_row = report.journey.rows[-1]
    journey_items = [
        (stage, float(value), str(value))
        for stage, value in zip(JOURNEY_STAGES, journey_row[1:], strict=True)
    ]
    applied, accepted, trained, active = journey_row[1:]
    time_items = _items(report.over_time, skip_last=False)
    if any(value for _, value, _ in time_items):
        busiest = max(time_items, key=lambda item: item[1])
        quietest = min(time_items, key=lambda item: item[1])
        time_summary = (
            f"Verified activities in {place} {during}: most in {busiest[0]} ({busiest[2]}), "
            f"fewest in {quietest[0]} ({quietest[2]})."
        )
    else:
        time_summary = f"No verified activities in {place} {during}."
    return {
        "leaders_by_status": charts.bar_chart(
            id="chart-leaders-by-status",
            title=f"Leaders by status today, {place}",
            summary=f"{report.leaders_by_status.rows[-1][1]} leaders. " + _largest(status_items),
            items=status_items,
        ),
        "activities_by_kind": charts.bar_chart(
            id="chart-activities-by-kind",
            title=f"Verified activities by kind, {place}",
            summary=_largest(kind_items),
            items=kind_items,
        ),
        "journey": charts.bar_chart(
            id="chart-journey",
            title=f"From applying to active, {journey_row[0]}",
            summary=(
                f"Of {applied} applications sent {during}, {accepted} were accepted, "
                f"{trained} of those leaders completed their training and {active} are "
                "active today."
            ),
            items=journey_items,
        ),
        "over_time": charts.line_chart(
            id="chart-over-time",
            title=f"Verified activities by {period.by}, {place}",
            summary=time_summary,
            items=time_items,
        ),
    }
