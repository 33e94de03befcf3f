"""A national programme's worth of made-up data, to measure the portal at scale.

``seed_scale(leaders=N)`` creates, for N leaders, about 10 N activities,
N / 5 events with 5 N bookings, N / 10 ULOs, the applications the leaders came
from (and others submitted, declined and withdrawn), a training record per
module per leader, stories and a few hundred requests for involvement, spread
over every council and region and the last three years.

It writes with ``bulk_create`` in batches, so ten thousand leaders take
seconds rather than the hours that saving row by row would. Bulk inserts skip
``save()`` and signals, so every invariant the models and services keep is
kept here by construction: ``Event.places_taken`` equals the confirmed
bookings and never exceeds the capacity, waiting bookings have a date, each
leader has one record per module, and active leaders completed them all.

Everything it makes is marked so it can be found and removed quickly: people
at ``SCALE_DOMAIN``, events and ULOs whose address starts ``scale-`` and
requests whose description ends with ``REQUEST_MARK``. Running it again removes
the previous data first. The random choices come from a seeded generator, so
the same N gives the same programme.
"""

import datetime
import random
from decimal import Decimal
from itertools import islice

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from citizenleaders.models import User
from events.models import ACCESS_FEATURES, ACCESS_REQUIREMENTS, Event, Registration
from leaders.models import (
    Activity,
    Application,
    ApplicationEvent,
    Interest,
    InvolvementMatch,
    InvolvementRequest,
    Leader,
    Module,
    Skill,
    Story,
    TrainingRecord,
    Travel,
)
from ulos.models import Assessment, Criterion, LegalForm, LocalAuthority, Service, Stage, Ulo
from ulos.selectors import coverage_cache_clear

SCALE_DOMAIN = "scale.example.org"
SLUG_PREFIX = "scale-"
REQUEST_MARK = "(Made up by seed_demo --scale.)"
BATCH = 2000
YEARS = 3

FIRST_NAMES = [
    "Aisha",
    "Ben",
    "Chloe",
    "Dev",
    "Ella",
    "Femi",
    "Gita",
    "Harry",
    "Imran",
    "Jade",
    "Kofi",
    "Laura",
    "Mo",
    "Nia",
    "Owen",
    "Pat",
    "Qasim",
    "Rosa",
    "Sunil",
    "Tara",
    "Uma",
    "Vic",
    "Wendy",
    "Xander",
    "Yusuf",
    "Zoe",
    "Alan",
    "Bea",
    "Carl",
    "Dina",
    "Ewan",
    "Faye",
    "Glen",
    "Hana",
    "Ivan",
    "June",
    "Kemi",
    "Liam",
    "Maya",
    "Noah",
]
LAST_NAMES = [
    "Ahmed",
    "Brown",
    "Clarke",
    "Davies",
    "Evans",
    "Fisher",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Moore",
    "Nolan",
    "Okafor",
    "Patel",
    "Quinn",
    "Roberts",
    "Singh",
    "Taylor",
    "Usman",
    "Walker",
    "Young",
    "Baker",
    "Cooper",
    "Edwards",
    "Hall",
    "Kaur",
    "Mitchell",
    "Price",
]
ACTIVITY_TEXT = {
    Activity.Kind.STORY: "Told my story to a team of social workers.",
    Activity.Kind.STAFF_TRAINING: "Co-delivered a session on direct payments.",
    Activity.Kind.CITIZEN_TRAINING: "Ran a session on personal budgets for citizens.",
    Activity.Kind.PEER_SUPPORT: "Met people new to personal budgets.",
    Activity.Kind.LOCAL_MEETING: "Partnership board meeting.",
    Activity.Kind.REGIONAL_MEETING: "Regional Citizen Leaders meeting.",
    Activity.Kind.EVENT_PLANNING: "Helped plan the regional event.",
    Activity.Kind.EVENT_SPEAKING: "Spoke at a conference on choice and control.",
    Activity.Kind.OTHER: "Reviewed the council's new leaflet on support plans.",
}
EVENT_TITLES = {
    Event.Kind.REGIONAL_MEETING: "regional meeting",
    Event.Kind.STAFF_TRAINING: "direct payments training for council staff",
    Event.Kind.CITIZEN_TRAINING: "personal budgets: a session for citizens",
    Event.Kind.PEER_SUPPORT: "peer support group",
    Event.Kind.CONFERENCE: "conference on choice and control",
    Event.Kind.PLANNING: "planning meeting",
}


def _batches(items, size=BATCH):
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _insert(model, objects):
    """Insert in batches; returns the objects, with primary keys on PostgreSQL
    and SQLite (both return them from a bulk insert)."""
    created = []
    for batch in _batches(objects):
        created.extend(model.objects.bulk_create(batch, batch_size=BATCH))
    return created


def _link(through, pairs, left, right):
    """Fill a many-to-many table from (left id, right id) pairs."""
    _insert(through, [through(**{f"{left}_id": a, f"{right}_id": b}) for a, b in pairs])


def _raw_delete(queryset):
    """Delete the rows with one DELETE, without loading them or following
    relations: the caller removes what points at them first."""
    queryset._raw_delete(queryset.db)


@transaction.atomic
def remove_scale_data():
    """Remove everything a previous run made, children first, each table with
    one statement, so a re-run replaces the data rather than doubling it."""
    people = User.objects.filter(email__endswith=f"@{SCALE_DOMAIN}")
    leaders = Leader.objects.filter(user__in=people)
    events = Event.objects.filter(slug__startswith=SLUG_PREFIX)
    requests = InvolvementRequest.objects.filter(description__endswith=REQUEST_MARK)
    ulos = Ulo.objects.filter(slug__startswith=SLUG_PREFIX)
    activities = Activity.objects.filter(leader__in=leaders)

    # Other events whose bookings included made-up people keep a true count.
    touched = set(
        Registration.objects.filter(user__in=people)
        .exclude(event__in=events)
        .values_list("event_id", flat=True)
    )
    Registration.objects.filter(activity__in=activities).update(activity=None)
    InvolvementMatch.objects.filter(activity__in=activities).update(activity=None)
    _raw_delete(InvolvementMatch.objects.filter(Q(leader__in=leaders) | Q(request__in=requests)))
    through = InvolvementRequest.leaders.through
    _raw_delete(through.objects.filter(Q(leader__in=leaders) | Q(involvementrequest__in=requests)))
    _raw_delete(InvolvementRequest.skills.through.objects.filter(involvementrequest__in=requests))
    _raw_delete(requests)
    _raw_delete(Registration.objects.filter(Q(user__in=people) | Q(event__in=events)))
    _raw_delete(Event.organisers.through.objects.filter(Q(event__in=events) | Q(user__in=people)))
    _raw_delete(
        Event.co_organisers.through.objects.filter(Q(event__in=events) | Q(leader__in=leaders))
    )
    _raw_delete(Event.invited.through.objects.filter(Q(event__in=events) | Q(user__in=people)))
    _raw_delete(events)
    _raw_delete(Story.objects.filter(leader__in=leaders))
    _raw_delete(activities)
    _raw_delete(TrainingRecord.objects.filter(leader__in=leaders))
    _raw_delete(Leader.interests.through.objects.filter(leader__in=leaders))
    _raw_delete(Leader.skills.through.objects.filter(leader__in=leaders))
    _raw_delete(leaders)
    applications = Application.objects.filter(user__in=people)
    _raw_delete(ApplicationEvent.objects.filter(application__in=applications))
    _raw_delete(Application.interests.through.objects.filter(application__in=applications))
    _raw_delete(Application.skills.through.objects.filter(application__in=applications))
    _raw_delete(applications)
    _raw_delete(Assessment.objects.filter(ulo__in=ulos))
    _raw_delete(Ulo.local_authorities.through.objects.filter(ulo__in=ulos))
    _raw_delete(Ulo.services.through.objects.filter(ulo__in=ulos))
    _raw_delete(ulos)
    # The raw deletes send no signals.
    coverage_cache_clear()
    # Whatever else points at the people (sessions, history, email
    # addresses) goes the ordinary way, with its cascades.
    people.delete()
    for event in Event.objects.filter(pk__in=touched).annotate(
        confirmed=Count("registrations", filter=Q(registrations__status="confirmed"))
    ):
        Event.objects.filter(pk=event.pk).update(places_taken=event.confirmed)


class _Generator:
    def __init__(self, leaders, by=None):
        self.n = leaders
        self.by = by
        # Made-up demo data, seeded so a run can be repeated: not for secrets.
        self.rng = random.Random(f"citizen-leaders-scale-{leaders}")  # nosec B311
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.start = self.now - datetime.timedelta(days=365 * YEARS)
        self.councils = list(LocalAuthority.objects.current().select_related("region"))
        self.by_region = {}
        for council in self.councils:
            self.by_region.setdefault(council.region_id, []).append(council)
        self.modules = list(Module.objects.all())
        self.interests = list(Interest.objects.values_list("pk", flat=True))
        self.skills = list(Skill.objects.values_list("pk", flat=True))
        self.password = make_password(None)

    # Helpers ---------------------------------------------------------------------------

    def when(self, after=None, before=None):
        """A random moment between two others (by default the last three years)."""
        after = after or self.start
        before = before or self.now
        seconds = max(int((before - after).total_seconds()), 1)
        return after + datetime.timedelta(seconds=self.rng.randrange(seconds))

    def council(self):
        """Councils in proportion to nothing in particular, but every one used."""
        return self.rng.choice(self.councils)

    def some(self, values, low, high):
        return self.rng.sample(values, min(len(values), self.rng.randint(low, high)))

    # Generation ------------------------------------------------------------------------

    def people(self, count, kind):
        users = []
        for number in range(count):
            full_name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"
            users.append(
                User(
                    email=f"{kind}{number:06d}@{SCALE_DOMAIN}",
                    full_name=full_name,
                    password=self.password,
                    date_joined=self.when(),
                )
            )
        return _insert(User, users)

    def run(self):
        rng, n = self.rng, self.n
        leader_users = self.people(n, "leader")
        applicant_users = self.people(max(n // 4, 1), "applicant")
        member_users = self.people(max(n // 2, 1), "member")
        counts = {"people": len(leader_users) + len(applicant_users) + len(member_users)}

        # Applications: accepted for every leader, and others at each stage.
        applications, plans = [], []
        for user in leader_users:
            council = self.council()
            status = rng.choices(
                [
                    Leader.Status.ACTIVE,
                    Leader.Status.IN_TRAINING,
                    Leader.Status.PAUSED,
                    Leader.Status.LEFT,
                ],
                weights=[65, 20, 8, 7],
            )[0]
            if status == Leader.Status.IN_TRAINING:
                submitted = self.when(self.now - datetime.timedelta(days=300))
            else:
                submitted = self.when(before=self.now - datetime.timedelta(days=200))
            decided = submitted + datetime.timedelta(days=rng.randint(7, 40))
            applications.append(self.application(user, council, Application.Status.ACCEPTED))
            applications[-1].submitted_at, applications[-1].decided_at = submitted, decided
            plans.append((user, council, status, decided))
        for user in applicant_users:
            status = rng.choices(
                [
                    Application.Status.SUBMITTED,
                    Application.Status.UNDER_REVIEW,
                    Application.Status.INTERVIEW,
                    Application.Status.DECLINED,
                    Application.Status.WITHDRAWN,
                    Application.Status.DRAFT,
                ],
                weights=[25, 15, 10, 25, 15, 10],
            )[0]
            application = self.application(user, self.council(), status)
            if status != Application.Status.DRAFT:
                application.submitted_at = self.when()
            if status == Application.Status.INTERVIEW:
                application.interview_at = self.now + datetime.timedelta(days=rng.randint(1, 30))
            if status in (Application.Status.DECLINED, Application.Status.WITHDRAWN):
                application.decided_at = self.when(application.submitted_at)
            if status == Application.Status.DECLINED:
                application.decline_reason = "We had more applications than places this time."
            applications.append(application)
        applications = _insert(Application, applications)
        counts["applications"] = len(applications)
        history = []
        for application in applications:
            if application.submitted_at:
                history.append(
                    ApplicationEvent(
                        application=application,
                        status=Application.Status.SUBMITTED,
                        by_id=application.user_id,
                        at=application.submitted_at,
                    )
                )
            if application.decided_at:
                history.append(
                    ApplicationEvent(
                        application=application,
                        status=application.status,
                        by=self.by,
                        at=application.decided_at,
                    )
                )
        _insert(ApplicationEvent, history)
        pairs = []
        for application in applications:
            pairs += [(application.pk, pk) for pk in self.some(self.interests, 1, 3)]
        _link(Application.interests.through, pairs, "application", "interest")

        # Leaders, from their accepted applications.
        leaders = []
        for application, (user, council, status, decided) in zip(applications, plans, strict=False):
            activated = None
            if status != Leader.Status.IN_TRAINING:
                activated = min(decided + datetime.timedelta(days=rng.randint(30, 120)), self.now)
            leaders.append(
                Leader(
                    user=user,
                    application=application,
                    status=status,
                    local_authority=council,
                    preferred_name=user.full_name.split(" ")[0],
                    bio="I use a personal budget and help my council listen. (Made up.)",
                    in_directory=status == Leader.Status.ACTIVE and rng.random() < 0.85,
                    directory_shows_email=rng.random() < 0.5,
                    available_daytime=rng.random() < 0.8,
                    available_evenings=rng.random() < 0.4,
                    available_online=rng.random() < 0.8,
                    available_in_person=rng.random() < 0.6,
                    days=sorted(self.some(["monday", "tuesday", "wednesday", "thursday"], 1, 3)),
                    travel=rng.choice(Travel.values),
                    access_needs="Papers a week before meetings." if rng.random() < 0.3 else "",
                    formats=["large_print"] if rng.random() < 0.2 else [],
                    contact_methods=["email"],
                    accepted_at=decided,
                    activated_at=activated,
                    status_changed_at=activated or decided,
                )
            )
        leaders = _insert(Leader, leaders)
        Leader.objects.refresh_names()  # bulk inserts bypass Leader.save()
        counts["leaders"] = len(leaders)
        pairs = [(leader.pk, pk) for leader in leaders for pk in self.some(self.interests, 1, 3)]
        _link(Leader.interests.through, pairs, "leader", "interest")
        pairs = [(leader.pk, pk) for leader in leaders for pk in self.some(self.skills, 1, 4)]
        _link(Leader.skills.through, pairs, "leader", "skill")

        counts["training records"] = self.training(leaders)
        working = [leader for leader in leaders if leader.activated_at]
        counts["activities"] = self.activities(working)
        counts["stories"] = self.stories(working)
        counts["ULOs"] = self.ulos()
        counts["events"], counts["bookings"] = self.events(
            [leader.user for leader in leaders] + member_users, working
        )
        counts["involvement requests"] = self.requests(working)
        return counts

    def application(self, user, council, status):
        rng = self.rng
        return Application(
            user=user,
            status=status,
            full_name=user.full_name,
            preferred_name=user.full_name.split(" ")[0],
            is_disabled_person=rng.random() < 0.6,
            is_older_person=rng.random() < 0.3,
            is_carer=rng.random() < 0.3,
            support_experience="I have a personal budget and employ a personal assistant.",
            local_authority=council,
            available_daytime=True,
            available_online=rng.random() < 0.8,
            days=["tuesday", "thursday"],
            travel=rng.choice(Travel.values),
            contact_methods=["email"],
            consented_at=self.start,
        )

    def training(self, leaders):
        records = []
        for leader in leaders:
            started = leader.accepted_at.date()
            done = len(self.modules)
            if leader.status == Leader.Status.IN_TRAINING:
                done = self.rng.randint(0, len(self.modules) - 1)
            for position, module in enumerate(self.modules):
                completed = position < done
                booked = not completed and position == done and self.rng.random() < 0.5
                day = started + datetime.timedelta(days=3 * (position + 1))
                records.append(
                    TrainingRecord(
                        leader=leader,
                        module=module,
                        status=(
                            TrainingRecord.Status.COMPLETED
                            if completed
                            else TrainingRecord.Status.BOOKED
                            if booked
                            else TrainingRecord.Status.NOT_STARTED
                        ),
                        session_date=day if completed or booked else None,
                        completed_on=min(day, self.today) if completed else None,
                        trainer="Regional trainer" if completed else "",
                    )
                )
        return len(_insert(TrainingRecord, records))

    def activities(self, leaders):
        rng, kinds = self.rng, list(Activity.Kind)
        rows = []
        # About ten for each of N leaders, carried by those who finished training.
        per_leader = 10 * self.n / max(len(leaders), 1)
        for leader in leaders:
            for _ in range(max(int(rng.gauss(per_leader, per_leader / 3)), 0)):
                kind = rng.choice(kinds)
                meeting = kind in Activity.MEETINGS
                status = rng.choices(list(Activity.Status), weights=[15, 80, 5])[0]
                date = self.when(leader.activated_at).date()
                rows.append(
                    Activity(
                        leader=leader,
                        kind=kind,
                        date=date,
                        hours=Decimal(rng.choice(["0.50", "1.00", "1.50", "2.00", "3.00", "6.50"])),
                        local_authority_id=(
                            leader.local_authority_id if rng.random() < 0.8 else self.council().pk
                        ),
                        people_reached=rng.randint(1, 60),
                        description=ACTIVITY_TEXT[kind],
                        challenge="Asked why people wait for a support plan." if meeting else "",
                        council_response="The council agreed to look at it." if meeting else "",
                        status=status,
                        checked_by=self.by if status != Activity.Status.PENDING else None,
                        checked_at=(self.now if status != Activity.Status.PENDING else None),
                        query="Which council was this with?"
                        if status == Activity.Status.QUERIED
                        else "",
                    )
                )
        return len(_insert(Activity, rows))

    def stories(self, leaders):
        rows = []
        for leader in self.rng.sample(leaders, min(len(leaders), max(self.n // 10, 1))):
            status = self.rng.choices(list(Story.Status), weights=[20, 75, 5])[0]
            approved = status == Story.Status.APPROVED
            rows.append(
                Story(
                    leader=leader,
                    title=f"What choice and control means to me ({leader.preferred_name})",
                    body=(
                        "Before I had a personal budget, other people decided when I got up. "
                        "Now I decide. (A made-up story.)"
                    ),
                    name_shown=self.rng.choice(list(Story.NameShown)),
                    on_website=approved and self.rng.random() < 0.7,
                    in_training=self.rng.random() < 0.5,
                    status=status,
                    approved_by=self.by if approved else None,
                    approved_at=self.when(leader.activated_at) if approved else None,
                )
            )
        return len(_insert(Story, rows))

    def ulos(self):
        rng = self.rng
        services = list(Service.objects.values_list("pk", flat=True))
        criteria = list(Criterion.objects.all())
        rows, served = [], []
        for number in range(max(self.n // 10, 1)):
            # Every council is served by at least one, then at random within a region.
            first = self.councils[number % len(self.councils)]
            neighbours = self.by_region[first.region_id]
            councils = {first.pk} | {c.pk for c in self.some(neighbours, 0, 2)}
            stage = rng.choice(list(Stage))
            rows.append(
                Ulo(
                    name=f"{first.name} {rng.choice(['Disability', 'Carers', 'Peer'])} "
                    f"Network {number + 1}",
                    slug=f"{SLUG_PREFIX}ulo-{number + 1:05d}",
                    description="A made-up user-led organisation for measuring the portal.",
                    website=f"https://ulo{number + 1}.{SCALE_DOMAIN}/",
                    email=f"ulo{number + 1}@{SCALE_DOMAIN}",
                    postcode="LS1 1AA",
                    legal_form=rng.choice(list(LegalForm)),
                    year_founded=rng.randint(1985, 2024),
                    committee_user_share=rng.randint(30, 100),
                    stage=stage,
                    is_centre_for_independent_living=rng.random() < 0.2,
                    is_action_and_learning_site=stage == Stage.NETWORKED,
                    last_checked_on=self.when().date(),
                    is_published=rng.random() < 0.9,
                )
            )
            served.append(councils)
        ulos = _insert(Ulo, rows)
        _link(
            Ulo.local_authorities.through,
            [(ulo.pk, pk) for ulo, councils in zip(ulos, served, strict=True) for pk in councils],
            "ulo",
            "localauthority",
        )
        _link(
            Ulo.services.through,
            [(ulo.pk, pk) for ulo in ulos for pk in self.some(services, 1, len(services))],
            "ulo",
            "service",
        )
        assessments = []
        for ulo in ulos:
            for criterion in criteria:
                result = criterion.result_for_committee_share(ulo.committee_user_share)
                if result is None:
                    result = rng.choices(list(Assessment.Result), weights=[70, 20, 10])[0]
                assessments.append(
                    Assessment(
                        ulo=ulo,
                        criterion=criterion,
                        result=result,
                        assessed_on=ulo.last_checked_on,
                        assessed_by=self.by,
                        evidence="Made-up assessment.",
                    )
                )
        _insert(Assessment, assessments)
        # Bulk inserts send no signals.
        coverage_cache_clear()
        return len(ulos)

    def events(self, people, leaders):
        rng = self.rng
        rows = []
        for number in range(max(self.n // 5, 1)):
            host = self.council()
            kind = rng.choice(list(Event.Kind))
            audience = rng.choices(list(Event.Audience), weights=[60, 25, 12, 3])[0]
            start = self.when(before=self.now + datetime.timedelta(days=180)).replace(
                minute=0, second=0, microsecond=0
            )
            online = rng.random() < 0.3
            status = rng.choices(list(Event.Status), weights=[2, 95, 3])[0]
            capacity = None if rng.random() < 0.1 else rng.choice([10, 15, 20, 30, 40, 60])
            rows.append(
                Event(
                    title=f"{host.name} {EVENT_TITLES[kind]}",
                    slug=f"{SLUG_PREFIX}{start:%Y-%m}-{number + 1:05d}",
                    kind=kind,
                    audience=audience,
                    summary=f"A made-up {EVENT_TITLES[kind]}, hosted by {host.name}.",
                    description="People meet to share what works in self-directed support.",
                    region_id=host.region_id,
                    host_council=host,
                    start=start,
                    end=start + datetime.timedelta(hours=rng.choice([1, 2, 3, 5, 7])),
                    online=online,
                    joining_link=f"https://meet.{SCALE_DOMAIN}/{number + 1}" if online else "",
                    venue_name="" if online else f"{host.name} Civic Centre",
                    venue_address="" if online else f"Town Hall Square, {host.name}",
                    access_features=self.some([v for v, _ in ACCESS_FEATURES], 1, 5),
                    capacity=capacity,
                    status=status,
                    cancelled_at=self.when(start - datetime.timedelta(days=30), start)
                    if status == Event.Status.CANCELLED
                    else None,
                    cancel_reason="The venue is no longer available."
                    if status == Event.Status.CANCELLED
                    else "",
                )
            )
        # Places are filled before the events are written, so each is
        # inserted with its true count.
        bookings = []
        for event in rows:
            if event.status == Event.Status.DRAFT:
                continue
            taken = 0
            for order, person in enumerate(
                rng.sample(people, min(len(people), rng.randint(5, 45)))
            ):
                booked = self.when(event.start - datetime.timedelta(days=60), event.start)
                cancelled = rng.random() < 0.08
                has_place = event.capacity is None or taken < event.capacity
                if cancelled:
                    status = Registration.Status.CANCELLED
                elif has_place:
                    status = Registration.Status.CONFIRMED
                else:
                    status = Registration.Status.WAITING
                past = event.end < self.now
                attended = ""
                if past and status == Registration.Status.CONFIRMED:
                    attended = rng.choices(
                        [Registration.Attendance.ATTENDED, Registration.Attendance.ABSENT],
                        weights=[85, 15],
                    )[0]
                bookings.append(
                    Registration(
                        event=event,
                        user=person,
                        status=status,
                        confirmed_at=booked if status == Registration.Status.CONFIRMED else None,
                        waiting_since=(
                            booked + datetime.timedelta(seconds=order)
                            if status == Registration.Status.WAITING
                            else None
                        ),
                        cancelled_at=booked if cancelled else None,
                        access_requirements=self.some([v for v, _ in ACCESS_REQUIREMENTS], 0, 2)
                        if rng.random() < 0.3
                        else [],
                        bringing_assistant=rng.random() < 0.1,
                        dietary_needs="Vegetarian" if rng.random() < 0.1 else "",
                        share_needs=True,
                        attendance=attended,
                        attendance_recorded_at=event.end if attended else None,
                    )
                )
                taken += status == Registration.Status.CONFIRMED
            event.places_taken = taken
        events = _insert(Event, rows)
        bookings = _insert(Registration, bookings)
        if self.by is not None:
            _link(Event.organisers.through, [(e.pk, self.by.pk) for e in events], "event", "user")
        planning = [e for e in events if e.kind == Event.Kind.PLANNING and leaders]
        _link(
            Event.co_organisers.through,
            [(e.pk, rng.choice(leaders).pk) for e in planning],
            "event",
            "leader",
        )
        return len(events), len(bookings)

    def requests(self, leaders):
        rng = self.rng
        by_council = {}
        for leader in leaders:
            if leader.status == Leader.Status.ACTIVE:
                by_council.setdefault(leader.local_authority_id, []).append(leader)
        rows = []
        statuses = list(InvolvementRequest.Status)
        for _ in range(max(self.n * 3 // 100, 1)):
            council = self.council()
            status = rng.choices(statuses, weights=[30, 20, 20, 25, 5])[0]
            date = self.when(self.now - datetime.timedelta(days=365)).date()
            if status in InvolvementRequest.LIVE_STATUSES:
                date = self.today + datetime.timedelta(days=rng.randint(1, 60))
            purpose = rng.choice(list(InvolvementRequest.Purpose))
            rows.append(
                InvolvementRequest(
                    local_authority=council,
                    title=f"{InvolvementRequest.Purpose(purpose).label} in {council.name}",
                    purpose=purpose,
                    purpose_other="A coffee morning"
                    if purpose == InvolvementRequest.Purpose.OTHER
                    else "",
                    date=date,
                    start_time=datetime.time(rng.randint(9, 16), 0),
                    hours=Decimal(rng.choice(["1.00", "2.00", "2.50", "3.00"])),
                    online=rng.random() < 0.4,
                    expenses_offered=True,
                    payment_offered=rng.random() < 0.5,
                    description="We would like a Citizen Leader to help us plan what we "
                    f"do next. {REQUEST_MARK}",
                    status=status,
                    completed_at=self.now
                    if status == InvolvementRequest.Status.COMPLETED
                    else None,
                    cancelled_at=self.now
                    if status == InvolvementRequest.Status.CANCELLED
                    else None,
                    cancel_reason="Plans changed."
                    if status == InvolvementRequest.Status.CANCELLED
                    else "",
                )
            )
        requests = _insert(InvolvementRequest, rows)
        matches = []
        for request in requests:
            if request.status == InvolvementRequest.Status.OPEN:
                continue
            nearby = by_council.get(request.local_authority_id) or leaders
            for leader in rng.sample(nearby, min(len(nearby), rng.randint(1, 3))):
                answer = rng.choice(list(InvolvementMatch.Status))
                matches.append(
                    InvolvementMatch(
                        request=request,
                        leader=leader,
                        status=answer,
                        matched_by=self.by,
                        responded_at=self.now
                        if answer in (InvolvementMatch.Status.ACCEPTED, "declined")
                        else None,
                        decline_reason="I am away that week." if answer == "declined" else "",
                    )
                )
        _insert(InvolvementMatch, matches)
        return len(requests)


def seed_scale(*, leaders: int, by=None) -> dict[str, int]:
    """Replace the made-up national programme with one for ``leaders`` leaders.
    Returns how many of each thing it made."""
    with transaction.atomic():
        remove_scale_data()
        counts = _Generator(leaders, by=by).run()
    analyse()
    return counts


def analyse():
    """Refresh PostgreSQL's statistics after the bulk load. Until autovacuum
    gets round to it, the planner believes the tables are as small as before
    and picks plans that scan thousands of rows per row (the directory took a
    quarter of a second at N = 10,000 before this).

    Outside a transaction (where VACUUM may run) it vacuums too, as
    autovacuum would later: that marks the new pages all-visible, so a count
    reads an index alone rather than every row of the table (the back
    office's count of 10,000 leaders: 3.4 ms to 1.5 ms)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
