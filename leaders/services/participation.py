"""What a Citizen Leader writes about themselves — their profile, the activity
log and their stories — and what any person may do with their own data:
download it, or close their account.

Closing an account (``person_erase``)
-------------------------------------
The reports count what leaders did (activities, hours, people reached, by
council and year) and how many people applied. Closing an account must erase
the person but keep those figures, so the rows that carry figures stay and
everything that says who the person is, or that they wrote in their own words,
goes:

- **The account** (``User``) stays as an empty shell that the anonymous rows
  hang from: the email address becomes ``erased-<id>@erased.invalid`` (unique,
  and a reserved domain that can never receive mail), the name is blanked, the
  password made unusable and the account inactive, so nobody can log in to it
  again and every other session of it stops working at its next request.
  allauth's email addresses and two-factor authenticators are deleted.
- **The leader profile** stays, anonymised: status ``left``; the name to use,
  phone, bio, other skills, access needs, days, formats, contact methods,
  availability, travel, interests and skills are cleared, and it leaves the
  directory. The council area stays (the figures are reported by council).
- **Activities** stay with their figures — kind, date, hours, people reached,
  council, whether verified — and lose every free-text answer: description,
  other organisation, the challenge raised, the council's response, what
  changed, and a coordinator's question.
- **Training records** stay: which modules were completed, and when.
- **Stories** are deleted: they are the person's own words, and withdrawing
  consent must take them off the website at once.
- **Applications** stay as anonymous figures (status, dates, council, which
  groups the person belonged to) with every answer in the person's words or
  that could reach them blanked, and the internal notes and the notes on its
  history blanked. An open application is withdrawn; a draft, never sent to
  anyone, is deleted.
- **Bookings for events** stay, with attendance, for the figures; places at
  events still to come are given up (to the first person waiting), and what
  the person told the organisers they need is blanked.
- **The audit history** (``citizenleaders.history``) of all these records
  loses every version saved before: those still hold the name, contact
  details, access needs and words. Each record that stays keeps one version,
  as it is now, saying that the personal details were erased.
- **The outbox** (``citizenleaders.outbox``): every email to any of the
  person's addresses is deleted, and their full name is taken out of emails
  to others (an organiser's list of who is coming). The last email, saying
  the account is closed, is recorded like any other and deleted with the
  sent emails after ``OUTBOX_RETENTION_DAYS``.

Staff accounts (coordinators and council staff) cannot close themselves: a
national coordinator removes the staff role first, so the programme is never
left without a coordinator by accident.

Declined and withdrawn applications (``application_erase_expired``)
-------------------------------------------------------------------
The person who applied usually keeps their account, so an application left in
place, however blank, would still say that this person applied and was
declined. After ``APPLICATION_RETENTION_DAYS`` such applications are therefore
deleted outright, with their history (their audit history goes with them:
``Application.history`` deletes its versions with the application). The command
``manage.py erase_old_applications`` runs it (daily, from cron or similar).
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from citizenleaders import outbox, roles
from citizenleaders.history import history_erase, history_restart
from citizenleaders.mail import send_email
from leaders.models import Activity, Application, ApplicationEvent, Leader, Story, TrainingRecord

# --- Profile -------------------------------------------------------------------

PROFILE_FIELDS = [
    "preferred_name",
    "phone",
    "bio",
    "other_skills",
    "days",
    "available_daytime",
    "available_evenings",
    "available_online",
    "available_in_person",
    "travel",
    "in_directory",
    "directory_shows_email",
    "contact_methods",
    "formats",
    "access_needs",
]


@transaction.atomic
def leader_profile_update(*, leader: Leader, interests=None, skills=None, **fields) -> Leader:
    """Change the profile fields given (``PROFILE_FIELDS``), and the interests
    and skills when given. Someone who leaves the directory shares nothing in
    it, so their email is no longer shown there either."""
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"Not profile fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(leader, name, value)
    if not leader.in_directory:
        leader.directory_shows_email = False
    leader.full_clean()
    leader.save()
    if interests is not None:
        leader.interests.set(interests)
    if skills is not None:
        leader.skills.set(skills)
    return leader


# --- Activities --------------------------------------------------------------

ACTIVITY_FIELDS = [
    "kind",
    "date",
    "hours",
    "local_authority",
    "organisation",
    "people_reached",
    "description",
    "challenge",
    "council_response",
    "change",
]
MEETING_FIELDS = ["challenge", "council_response", "change"]


def _activity_set(activity: Activity, fields: dict) -> None:
    unknown = set(fields) - set(ACTIVITY_FIELDS)
    if unknown:
        raise TypeError(f"Not activity fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(activity, name, value)
    if activity.kind not in Activity.MEETINGS:
        for name in MEETING_FIELDS:
            setattr(activity, name, "")
    if activity.date and activity.date > timezone.localdate():
        raise ValidationError({"date": "The date must be today or in the past"}, code="future")
    activity.full_clean()


@transaction.atomic
def activity_create(*, leader: Leader, **fields) -> Activity:
    """Log an activity. It waits for a coordinator to check it."""
    activity = Activity(leader=leader, status=Activity.Status.PENDING)
    _activity_set(activity, fields)
    activity.save()
    return activity


def _refuse_if_verified(activity: Activity) -> Activity:
    """The activity as it is now in the database, locked until the end of the
    transaction, so a coordinator verifying it at the same moment wins."""
    current = Activity.objects.select_for_update().get(pk=activity.pk)
    if current.status == Activity.Status.VERIFIED:
        raise ValidationError(
            "A coordinator has verified this activity, so it cannot be changed.",
            code="verified",
        )
    return current


@transaction.atomic
def activity_update(*, activity: Activity, **fields) -> Activity:
    """Change an activity that has not been verified. One a coordinator
    queried goes back to waiting to be checked: the leader has answered."""
    current = _refuse_if_verified(activity)
    _activity_set(current, fields)
    current.status = Activity.Status.PENDING
    current.save()
    return current


@transaction.atomic
def activity_delete(*, activity: Activity) -> None:
    _refuse_if_verified(activity).delete()


# --- Stories -----------------------------------------------------------------

STORY_FIELDS = ["title", "body", "name_shown", "on_website", "in_training"]


def _story_set(story: Story, fields: dict) -> None:
    unknown = set(fields) - set(STORY_FIELDS)
    if unknown:
        raise TypeError(f"Not story fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(story, name, value)
    if not (story.on_website or story.in_training):
        raise ValidationError("Choose at least one place the story may be used.", code="no_consent")
    story.full_clean()


@transaction.atomic
def story_create(*, leader: Leader, **fields) -> Story:
    """A new story, waiting for a coordinator's approval."""
    story = Story(leader=leader, status=Story.Status.SUBMITTED)
    _story_set(story, fields)
    story.save()
    return story


@transaction.atomic
def story_update(*, story: Story, **fields) -> Story:
    """Change a story. An approved story goes back to waiting for approval
    (and off the website until then), since what was approved has changed.
    A withdrawn story stays withdrawn: the leader writes a new one."""
    current = Story.objects.select_for_update().get(pk=story.pk)
    if current.status == Story.Status.WITHDRAWN:
        raise ValidationError("This story has been withdrawn.", code="withdrawn")
    _story_set(current, fields)
    current.status = Story.Status.SUBMITTED
    current.approved_by = None
    current.approved_at = None
    current.save()
    return current


def first_name(user) -> str:
    """The first word of the person's name, or nothing (never their email)."""
    return user.full_name.split()[0] if user.full_name.strip() else ""


def _coordinator_emails(leader: Leader) -> list[str]:
    """National coordinators, and the regional coordinators of the leader's region."""
    from django.contrib.auth import get_user_model

    coordinators = get_user_model().objects.filter(
        Q(is_superuser=True)
        | Q(staff_role__kind=roles.Role.NATIONAL_COORDINATOR)
        | Q(
            staff_role__kind=roles.Role.REGIONAL_COORDINATOR,
            staff_role__region=leader.local_authority.region_id,
        ),
        is_active=True,
    )
    return sorted(set(coordinators.values_list("email", flat=True)))


@transaction.atomic
def story_withdraw(*, story: Story) -> Story:
    """Withdraw consent to use a story: it leaves the website at once, and
    the coordinators are told so they stop using it in training materials.
    The leader gets a confirmation."""
    current = (
        Story.objects.select_for_update(of=("self",))
        .select_related("leader__user", "leader__local_authority")
        .get(pk=story.pk)
    )
    if current.status == Story.Status.WITHDRAWN:
        return current
    was_published = current.status == Story.Status.APPROVED
    used_in_training = current.in_training
    current.status = Story.Status.WITHDRAWN
    current.on_website = False
    current.in_training = False
    current.save()
    leader = current.leader
    context = {"story": current, "was_published": was_published}
    send_email(
        to=leader.user.email,
        name="story_withdrawn",
        context={**context, "name": leader.preferred_name or first_name(leader.user)},
    )
    coordinators = _coordinator_emails(leader)
    if coordinators and (was_published or used_in_training):
        send_email(
            to=coordinators,
            name="story_withdrawn_coordinator",
            context={**context, "used_in_training": used_in_training},
        )
    return current


# --- A person's data -------------------------------------------------------------


def _choice(obj, name: str) -> dict | str:
    """A choice as its code and, for people reading the file, its label."""
    value = getattr(obj, name)
    if not value:
        return value
    return {"code": value, "label": getattr(obj, f"get_{name}_display")()}


def _council(council) -> dict | None:
    if council is None:
        return None
    return {"name": council.name, "gss_code": council.gss_code}


def _participation(obj) -> dict:
    return {
        "would_like_to_do": [interest.name for interest in obj.interests.all()],
        "skills": [skill.name for skill in obj.skills.all()],
        "other_skills": obj.other_skills,
        "days_available": obj.day_labels(),
        "available_daytime": obj.available_daytime,
        "available_evenings": obj.available_evenings,
        "available_online": obj.available_online,
        "available_in_person": obj.available_in_person,
        "how_far_they_can_travel": _choice(obj, "travel"),
        "access_needs": obj.access_needs,
        "formats": obj.format_labels(),
        "how_to_contact_them": obj.contact_method_labels(),
    }


def person_data_export(*, user) -> dict:
    """Everything the portal holds about a person, for them to download.

    Coordinators' internal notes on an application are left out (the page
    that offers the download says how to ask for them), as are the names of
    the staff who made changes: those are other people's data.
    """
    from allauth.account.models import EmailAddress

    data = {
        "exported_at": timezone.now(),
        "account": {
            "email": user.email,
            "full_name": user.full_name,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "email_addresses": [
                {"email": address.email, "verified": address.verified, "primary": address.primary}
                for address in EmailAddress.objects.filter(user=user).order_by("pk")
            ],
            "two_factor_authentication": roles.has_two_factor(user),
            "roles": sorted(
                roles.ROLE_LABELS[role] for role in roles.roles_of(user) if role != "anonymous"
            ),
        },
        "applications": [],
        "leader": None,
    }
    applications = (
        user.applications.select_related("local_authority")
        .prefetch_related("interests", "skills", "events")
        .order_by("created_at")
    )
    for application in applications:
        data["applications"].append(
            {
                "reference": application.reference,
                "status": _choice(application, "status"),
                "created": application.created_at,
                "submitted": application.submitted_at,
                "decided": application.decided_at,
                "interview": application.interview_at,
                "full_name": application.full_name,
                "name_to_use": application.preferred_name,
                "phone": application.phone,
                "connection_to_adult_social_care": application.connection_labels,
                "experience_of_self_directed_support": application.support_experience,
                "council_area": _council(application.local_authority),
                **_participation(application),
                "agreed_to_how_data_is_used": application.consented_at,
                "reason_for_declining": application.decline_reason,
                "history": [
                    {"status": _choice(event, "status"), "when": event.at, "note": event.note}
                    for event in application.events.all()
                ],
            }
        )
    leader = (
        Leader.objects.filter(user=user)
        .select_related("local_authority")
        .prefetch_related("interests", "skills")
        .first()
    )
    if leader is not None:
        data["leader"] = {
            "status": _choice(leader, "status"),
            "council_area": _council(leader.local_authority),
            "accepted": leader.accepted_at,
            "became_active": leader.activated_at,
            "name_to_use": leader.preferred_name,
            "phone": leader.phone,
            "short_bio": leader.bio,
            "appears_in_directory": leader.in_directory,
            "directory_shows_email": leader.directory_shows_email,
            **_participation(leader),
            "training": [
                {
                    "module": record.module.title,
                    "status": _choice(record, "status"),
                    "session_date": record.session_date,
                    "completed_on": record.completed_on,
                    "trainer": record.trainer,
                }
                for record in leader.training.select_related("module")
            ],
            "activities": [
                {
                    "what": _choice(activity, "kind"),
                    "date": activity.date,
                    "hours": activity.hours,
                    "council_involved": _council(activity.local_authority),
                    "other_organisation": activity.organisation,
                    "people_reached": activity.people_reached,
                    "description": activity.description,
                    "challenge_raised": activity.challenge,
                    "council_response": activity.council_response,
                    "what_changed": activity.change,
                    "status": _choice(activity, "status"),
                    "checked": activity.checked_at,
                    "question_for_the_leader": activity.query,
                    "logged": activity.created_at,
                }
                for activity in leader.activities.select_related("local_authority")
            ],
            "stories": [
                {
                    "title": story.title,
                    "story": story.body,
                    "how_your_name_is_shown": _choice(story, "name_shown"),
                    "may_appear_on_the_website": story.on_website,
                    "may_be_used_in_training": story.in_training,
                    "status": _choice(story, "status"),
                    "written": story.created_at,
                    "approved": story.approved_at,
                }
                for story in leader.stories.order_by("created_at")
            ],
            "requests_for_involvement": [
                {
                    "title": match.request.title,
                    "council": _council(match.request.local_authority),
                    "date": match.request.date,
                    "request_status": _choice(match.request, "status"),
                    "your_answer": _choice(match, "status"),
                    "answered": match.responded_at,
                    "reason_for_declining": match.decline_reason,
                }
                for match in leader.involvement_matches.select_related(
                    "request__local_authority"
                ).order_by("created_at")
            ],
        }
    return data


PARTICIPATION_BLANK = {
    "other_skills": "",
    "days": [],
    "available_daytime": False,
    "available_evenings": False,
    "available_online": False,
    "available_in_person": False,
    "travel": "",
    "access_needs": "",
    "formats": [],
    "contact_methods": [],
}


def _application_anonymise(application: Application) -> None:
    if application.status == Application.Status.DRAFT:
        application.delete()
        return
    application.events.exclude(note="").update(note="")
    if application.is_open:
        application.status = Application.Status.WITHDRAWN
        application.decided_at = timezone.now()
        ApplicationEvent.objects.create(
            application=application,
            status=Application.Status.WITHDRAWN,
            note="Withdrawn when the applicant closed their account.",
        )
    for name, value in PARTICIPATION_BLANK.items():
        setattr(application, name, value)
    application.full_name = ""
    application.preferred_name = ""
    application.phone = ""
    application.support_experience = ""
    application.decline_reason = ""
    application.notes = ""
    application.save()
    application.interests.clear()
    application.skills.clear()


def _leader_anonymise(leader: Leader) -> None:
    for name, value in PARTICIPATION_BLANK.items():
        setattr(leader, name, value)
    leader.preferred_name = ""
    leader.phone = ""
    leader.bio = ""
    leader.in_directory = False
    leader.directory_shows_email = False
    if leader.status != Leader.Status.LEFT:
        leader.status = Leader.Status.LEFT
        leader.status_changed_at = timezone.now()
    leader.save()
    leader.interests.clear()
    leader.skills.clear()
    leader.stories.all().delete()
    leader.involvement_matches.update(decline_reason="")
    leader.activities.update(
        organisation="",
        description="",
        challenge="",
        council_response="",
        change="",
        query="",
    )


def erased_email(user) -> str:
    return f"erased-{user.pk}@erased.invalid"


@transaction.atomic
def person_erase(*, user) -> None:
    """Close a person's account: erase everything that identifies them and
    keep only anonymous figures (see the module's docstring). The caller logs
    them out. They are sent a last email to say it is done."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    if roles.is_staff_member(user):
        raise ValidationError(
            "Staff accounts cannot be closed here. Ask a national coordinator to remove "
            "your staff role first.",
            code="staff",
        )
    from events.services import registrations_erase

    address = user.email
    addresses = {address, *EmailAddress.objects.filter(user=user).values_list("email", flat=True)}
    names = {user.full_name}
    leader = Leader.objects.filter(user=user).first()
    for application in user.applications.all():
        names |= {application.full_name, application.preferred_name}
    outbox.forget(addresses=addresses, names=names)
    if leader is not None:
        _leader_anonymise(leader)
    for application in user.applications.all():
        _application_anonymise(application)
    registrations_erase(user=user)
    _history_erase(user=user, leader=leader)
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    user.email = erased_email(user)
    user.full_name = ""
    user.is_active = False
    user.last_login = None
    user.set_unusable_password()
    user.save()
    roles.forget_roles(user)
    send_email(to=address, name="me_account_closed", context={})


ERASED_REASON = "Personal details erased when the account was closed"


def _history_erase(*, user, leader) -> None:
    """The audit history of the person's records loses every version that
    said who they were or held their words (deleted records' versions too);
    each record that stays keeps one version, as it is now, anonymised."""
    from events.models import Registration

    history_erase(Application, user_id=user.pk)
    history_restart(Application.objects.filter(user=user), reason=ERASED_REASON)
    history_erase(Registration, user_id=user.pk)
    history_restart(Registration.objects.filter(user=user), reason=ERASED_REASON)
    if leader is None:
        return
    history_erase(Leader, id=leader.pk)
    history_restart(Leader.objects.filter(pk=leader.pk), reason=ERASED_REASON)
    for model in (Activity, TrainingRecord):
        history_erase(model, leader_id=leader.pk)
        history_restart(model.objects.filter(leader=leader), reason=ERASED_REASON)


@transaction.atomic
def application_erase_expired(*, older_than_days: int, now=None) -> int:
    """Delete declined and withdrawn applications, with their history, once
    they were decided (or last changed) more than ``older_than_days`` ago.
    Returns how many were deleted."""
    cutoff = (now or timezone.now()) - timedelta(days=older_than_days)
    expired = (
        Application.objects.filter(
            status__in=[Application.Status.DECLINED, Application.Status.WITHDRAWN]
        )
        .annotate(closed_at=Coalesce("decided_at", "updated_at"))
        .filter(closed_at__lt=cutoff)
        .values_list("pk", flat=True)
    )
    deleted = Application.objects.filter(pk__in=list(expired)).delete()[1]
    return deleted.get(Application._meta.label, 0)
