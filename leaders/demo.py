"""Demo Citizen Leaders: leaders in several regions, at different points in
their training, with activities and stories, and the demo applicant's answers.

Every person here is fictional. Running it again resets the same records and
creates nothing twice.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

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
)
from ulos.models import LocalAuthority


@dataclass(frozen=True)
class DemoLeader:
    email: str
    full_name: str
    council: str
    status: str
    modules_done: int | None = None  # None: every module


DEMO_LEADERS = [
    DemoLeader("leader@example.org", "Lena Leader", "E08000035", Leader.Status.ACTIVE),
    DemoLeader("demo.priya@example.org", "Priya Demo", "E08000032", Leader.Status.ACTIVE),
    DemoLeader("demo.tom@example.org", "Tom Demo", "E08000036", Leader.Status.IN_TRAINING, 3),
    DemoLeader("demo.grace@example.org", "Grace Demo", "E08000003", Leader.Status.ACTIVE),
    DemoLeader("demo.sam@example.org", "Sam Demo", "E06000063", Leader.Status.PAUSED),
    DemoLeader("demo.ade@example.org", "Ade Demo", "E09000007", Leader.Status.ACTIVE),
    DemoLeader("demo.mei@example.org", "Mei Demo", "E09000023", Leader.Status.IN_TRAINING, 1),
    DemoLeader("demo.rob@example.org", "Rob Demo", "E06000023", Leader.Status.ACTIVE),
    DemoLeader("demo.fatima@example.org", "Fatima Demo", "E08000025", Leader.Status.ACTIVE),
]

BIO = (
    "I have used a personal budget for ten years. I like helping council staff see what "
    "choice and control means in real life. (A fictional demo leader.)"
)

# (kind, days ago, hours, people reached, description)
DEMO_ACTIVITIES = [
    (Activity.Kind.STORY, 12, "2.00", 25, "Told my story to a team of social workers."),
    (Activity.Kind.STAFF_TRAINING, 30, "3.50", 18, "Co-delivered a session on direct payments."),
    (Activity.Kind.LOCAL_MEETING, 45, "2.00", 12, "Partnership board meeting."),
    (Activity.Kind.PEER_SUPPORT, 60, "1.50", 3, "Met people new to personal budgets."),
    (Activity.Kind.REGIONAL_MEETING, 95, "4.00", 40, "Regional Citizen Leaders meeting."),
]


def _person(email, full_name):
    """A demo person. Those without a demo login cannot log in at all."""
    user, created = get_user_model().objects.get_or_create(
        email=email, defaults={"full_name": full_name}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _answers(application, council, full_name):
    """Fill an application with the answers a real one has."""
    application.full_name = full_name
    application.preferred_name = full_name.split(" ")[0]
    application.is_disabled_person = True
    application.is_carer = council.gss_code.endswith("3")
    application.support_experience = "I have a personal budget and employ two personal assistants."
    application.local_authority = council
    application.available_daytime = True
    application.available_online = True
    application.available_in_person = True
    application.days = ["tuesday", "thursday"]
    application.travel = "region"
    application.access_needs = "Step-free access and papers a week before meetings."
    application.formats = ["large_print"]
    application.contact_methods = ["email"]
    application.consented_at = application.consented_at or timezone.now()


def seed_leaders(*, by=None):
    """Create or reset the demo leaders and the demo applicant's answers."""
    today = timezone.localdate()
    now = timezone.now()
    councils = {council.gss_code: council for council in LocalAuthority.objects.all()}
    modules = list(Module.objects.all())
    required = [module for module in modules if module.is_required]
    interests = list(Interest.objects.all())
    skills = list(Skill.objects.all())

    for number, demo in enumerate(DEMO_LEADERS):
        user = _person(demo.email, demo.full_name)
        council = councils[demo.council]
        application = user.applications.filter(status=Application.Status.ACCEPTED).first()
        if application is None:
            application = Application(user=user, status=Application.Status.ACCEPTED)
        _answers(application, council, demo.full_name)
        application.submitted_at = application.submitted_at or now - datetime.timedelta(days=200)
        application.decided_at = application.decided_at or now - datetime.timedelta(days=180)
        application.save()
        application.interests.set(interests[number % 3 :: 2])
        application.skills.set(skills[number % 4 :: 3])
        if not application.events.exists():
            ApplicationEvent.objects.bulk_create(
                [
                    ApplicationEvent(
                        application=application,
                        status=Application.Status.SUBMITTED,
                        by=user,
                        at=application.submitted_at,
                    ),
                    ApplicationEvent(
                        application=application,
                        status=Application.Status.ACCEPTED,
                        by=by,
                        at=application.decided_at,
                    ),
                ]
            )

        leader, _ = Leader.objects.update_or_create(
            user=user,
            defaults={
                "application": application,
                "status": demo.status,
                "local_authority": council,
                "preferred_name": demo.full_name.split(" ")[0],
                "bio": BIO,
                "in_directory": demo.status == Leader.Status.ACTIVE,
                "directory_shows_email": number % 2 == 0,
                "available_daytime": True,
                "available_evenings": number % 2 == 1,
                "available_online": True,
                "available_in_person": number % 3 != 0,
                "days": ["monday", "wednesday"] if number % 2 else ["tuesday", "thursday"],
                "travel": "region",
                "access_needs": "Papers a week before meetings, in large print.",
                "formats": ["large_print"],
                "contact_methods": ["email"],
                "accepted_at": application.decided_at,
                "activated_at": (
                    application.decided_at + datetime.timedelta(days=40 + number)
                    if demo.status != Leader.Status.IN_TRAINING
                    else None
                ),
            },
        )
        leader.interests.set(application.interests.all())
        leader.skills.set(application.skills.all())

        done = len(modules) if demo.modules_done is None else demo.modules_done
        for position, module in enumerate(modules):
            completed = position < done or (demo.modules_done is None and module in required)
            TrainingRecord.objects.update_or_create(
                leader=leader,
                module=module,
                defaults={
                    "status": (
                        TrainingRecord.Status.COMPLETED
                        if completed
                        else TrainingRecord.Status.NOT_STARTED
                    ),
                    "completed_on": (
                        today - datetime.timedelta(days=150 - position) if completed else None
                    ),
                    "trainer": "Demo trainer" if completed else "",
                },
            )

        if demo.status == Leader.Status.IN_TRAINING:
            continue
        for index, (kind, days_ago, hours, reached, description) in enumerate(DEMO_ACTIVITIES):
            date = today - datetime.timedelta(days=days_ago + number)
            meeting = kind in Activity.MEETINGS
            Activity.objects.update_or_create(
                leader=leader,
                kind=kind,
                date=date,
                defaults={
                    "hours": Decimal(hours),
                    "people_reached": reached,
                    "local_authority": council,
                    "description": description,
                    "challenge": "Asked why people wait months for a support plan."
                    if meeting
                    else "",
                    "council_response": "The council agreed to review waiting times."
                    if meeting
                    else "",
                    "change": "Support plans now start within six weeks." if meeting else "",
                    "status": (Activity.Status.PENDING if index == 0 else Activity.Status.VERIFIED),
                    "checked_by": None if index == 0 else by,
                    "checked_at": None if index == 0 else now,
                },
            )
        if number % 2 == 0:
            Story.objects.update_or_create(
                leader=leader,
                title=f"How a personal budget changed my life ({demo.full_name.split(' ')[0]})",
                defaults={
                    "body": (
                        "Before I had a personal budget, other people decided when I got up and "
                        "when I went to bed. Now I employ my own personal assistants and I "
                        "decide. I go to work, I see my friends, and I help my council listen "
                        "to people like me.\n\nThis is a fictional demo story."
                    ),
                    "name_shown": [Story.NameShown.FIRST, Story.NameShown.ANONYMOUS][
                        number % 4 // 2
                    ],
                    "on_website": True,
                    "in_training": True,
                    "status": Story.Status.APPROVED,
                    "approved_by": by,
                    "approved_at": now - datetime.timedelta(days=20 + number),
                },
            )

    applicant = get_user_model().objects.filter(email="applicant@example.org").first()
    if applicant:
        application = applicant.applications.filter(status__in=Application.OPEN_STATUSES).first()
        if application:
            _answers(application, application.local_authority, applicant.full_name)
            application.save()
            application.interests.set(interests[:3])
            application.skills.set(skills[:2])
            ApplicationEvent.objects.get_or_create(
                application=application,
                status=Application.Status.SUBMITTED,
                defaults={"by": applicant, "at": application.submitted_at or now},
            )

    seed_requests(by=by)


# Requests for involvement ---------------------------------------------------------------


@dataclass(frozen=True)
class DemoRequest:
    title: str
    purpose: str
    days_from_today: int
    status: str
    # (a demo leader's email, their answer)
    matches: tuple[tuple[str, str], ...] = ()
    feedback: str = ""


Purpose = InvolvementRequest.Purpose
Answer = InvolvementMatch.Status

DEMO_REQUESTS = [
    DemoRequest("Carers’ strategy workshop", Purpose.MEETING, 21, InvolvementRequest.Status.OPEN),
    DemoRequest(
        "Direct payments training for new social workers",
        Purpose.TEAM_TRAINING,
        14,
        InvolvementRequest.Status.MATCHED,
        (("leader@example.org", Answer.OFFERED),),
    ),
    DemoRequest(
        "Interview panel for a team manager",
        Purpose.INTERVIEW_PANEL,
        7,
        InvolvementRequest.Status.ACCEPTED,
        (("demo.priya@example.org", Answer.ACCEPTED), ("demo.grace@example.org", Answer.OFFERED)),
    ),
    DemoRequest(
        "Personal budgets consultation event",
        Purpose.EVENT,
        -10,
        InvolvementRequest.Status.COMPLETED,
        (("leader@example.org", Answer.ACCEPTED), ("demo.fatima@example.org", Answer.DECLINED)),
        feedback=(
            "Lena’s story made the room go quiet, then everyone wanted to talk. Three teams "
            "have asked for the session again. (Demo feedback.)"
        ),
    ),
    DemoRequest(
        "Coffee morning for new carers",
        Purpose.OTHER,
        30,
        InvolvementRequest.Status.CANCELLED,
        (("demo.priya@example.org", Answer.WITHDRAWN),),
    ),
]


def seed_requests(*, by=None):
    """Requests from the demo council staff member (Leeds) in each state, with
    offers to the demo leader, so every requests page has something to show.
    Does nothing until the demo accounts exist."""
    staff = get_user_model().objects.filter(email="council.staff@example.org").first()
    if staff is None or not hasattr(staff, "staff_role"):
        return
    council = staff.staff_role.local_authority
    if council is None:
        return
    today = timezone.localdate()
    now = timezone.now()
    skills = list(Skill.objects.all()[:2])
    leaders = {leader.user.email: leader for leader in Leader.objects.select_related("user")}
    for number, demo in enumerate(DEMO_REQUESTS):
        completed = demo.status == InvolvementRequest.Status.COMPLETED
        cancelled = demo.status == InvolvementRequest.Status.CANCELLED
        involvement_request, _ = InvolvementRequest.objects.update_or_create(
            local_authority=council,
            title=demo.title,
            defaults={
                "requester": staff,
                "purpose": demo.purpose,
                "purpose_other": "A coffee morning" if demo.purpose == Purpose.OTHER else "",
                "date": today + datetime.timedelta(days=demo.days_from_today),
                "start_time": datetime.time(10 + number, 30 if number % 2 else 0),
                "hours": Decimal("2.5") if number % 2 else Decimal("2"),
                "online": number % 2 == 1,
                "location": "" if number % 2 else "Civic Hall, Calverley Street, Leeds",
                "expenses_offered": True,
                "payment_offered": number % 2 == 0,
                "payment_details": "£25 an hour" if number % 2 == 0 else "",
                "description": (
                    "We would like a Citizen Leader to share what choice and control means "
                    "in real life, and to help us plan what we do next. (A demo request.)"
                ),
                "status": demo.status,
                "completed_at": now - datetime.timedelta(days=8) if completed else None,
                "cancelled_at": now - datetime.timedelta(days=2) if cancelled else None,
                "cancel_reason": "The venue is no longer available." if cancelled else "",
                "feedback": demo.feedback,
                "feedback_at": now - datetime.timedelta(days=5) if demo.feedback else None,
            },
        )
        involvement_request.skills.set(skills[number % 2 :] if skills else [])
        asked = [leaders[email] for email, _ in demo.matches[:1] if email in leaders]
        involvement_request.leaders.set(asked)
        for email, answer in demo.matches:
            if email not in leaders:
                continue
            InvolvementMatch.objects.update_or_create(
                request=involvement_request,
                leader=leaders[email],
                defaults={
                    "status": answer,
                    "matched_by": by,
                    "responded_at": now if answer in (Answer.ACCEPTED, Answer.DECLINED) else None,
                    "decline_reason": "I am away that week." if answer == Answer.DECLINED else "",
                },
            )
