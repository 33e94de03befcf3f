"""Requests for Citizen Leaders' involvement, from asking to feedback.

Council staff ask (``request_create``); a coordinator puts leaders forward
(``request_match``); each leader accepts or declines (``match_accept``,
``match_decline``); once it has happened the council marks it completed
(``request_complete``), each leader who took part confirms the activity
(``match_activity_create``) and the council can say how it went
(``request_feedback``). Council staff or a coordinator can cancel it until
it is completed (``request_cancel``).

Every step locks the rows it changes (on PostgreSQL), checks who is acting
and that the step is allowed now, and raises ``ValidationError`` with a plain
message otherwise, changing nothing. Everyone concerned is emailed once the
transaction commits. Emails to council staff name the leaders and nothing
else about them: never their contact details, access needs or why they
declined.

The ``request_check_<step>`` functions answer "may this happen now?" with the
same messages, so pages can explain before anyone presses a button.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.urls import reverse
from django.utils import dateformat, timezone

from citizenleaders import roles
from citizenleaders.mail import absolute_url, send_email
from leaders.models import Activity, InvolvementMatch, InvolvementRequest, Leader, Skill
from leaders.services.participation import activity_create

Status = InvolvementRequest.Status
Answer = InvolvementMatch.Status

REQUEST_FIELDS = [
    "title",
    "purpose",
    "purpose_other",
    "date",
    "start_time",
    "hours",
    "online",
    "location",
    "expenses_offered",
    "payment_offered",
    "payment_details",
    "description",
]

# What a leader logs for each kind of request.
ACTIVITY_KIND = {
    InvolvementRequest.Purpose.MEETING: Activity.Kind.LOCAL_MEETING,
    InvolvementRequest.Purpose.TEAM_TRAINING: Activity.Kind.STAFF_TRAINING,
    InvolvementRequest.Purpose.EVENT: Activity.Kind.EVENT_SPEAKING,
    InvolvementRequest.Purpose.CONSULTATION: Activity.Kind.OTHER,
    InvolvementRequest.Purpose.INTERVIEW_PANEL: Activity.Kind.OTHER,
    InvolvementRequest.Purpose.OTHER: Activity.Kind.OTHER,
}

ANONYMOUS_LEADER = "A Citizen Leader"


# --- Who may act ------------------------------------------------------------------


def leader_name(leader: Leader) -> str:
    """The name council staff see for a leader: the name they go by, never
    their email address."""
    return leader.display_name.strip() or ANONYMOUS_LEADER


def is_requesting_council_staff(user, involvement_request: InvolvementRequest) -> bool:
    """Whether the person is staff of the council that asked."""
    staff = roles.staff_role_of(user)
    return (
        roles.is_council_staff(user)
        and staff is not None
        and staff.local_authority_id == involvement_request.local_authority_id
    )


def coordinates(user, involvement_request: InvolvementRequest) -> bool:
    """Whether the person is a coordinator for the council that asked."""
    if not roles.is_coordinator(user):
        return False
    scope = roles.scope_of(user)
    return scope.everything or scope.region_id == involvement_request.local_authority.region_id


def _refuse_unless(allowed: bool, message: str) -> None:
    if not allowed:
        raise ValidationError(message, code="not_allowed")


def _lock(involvement_request: InvolvementRequest) -> InvolvementRequest:
    """The request as it is now in the database, locked until the end of the
    transaction, so two people acting on it at once cannot both move it on."""
    return (
        InvolvementRequest.objects.select_for_update(of=("self",))
        .select_related("local_authority__region", "requester")
        .get(pk=involvement_request.pk)
    )


# --- Where a request stands ---------------------------------------------------------


def request_status_from_matches(involvement_request: InvolvementRequest) -> str:
    """The status a request has from its leaders' answers: accepted when at
    least one leader accepted, matched while offers wait for an answer, open
    when no offer is live. Completed and cancelled requests stay as they are."""
    if involvement_request.status in (Status.COMPLETED, Status.CANCELLED):
        return involvement_request.status
    answers = set(involvement_request.matches.values_list("status", flat=True))
    if Answer.ACCEPTED in answers:
        return Status.ACCEPTED
    if Answer.OFFERED in answers:
        return Status.MATCHED
    return Status.OPEN


def _refresh_status(involvement_request: InvolvementRequest) -> None:
    status = request_status_from_matches(involvement_request)
    if status != involvement_request.status:
        involvement_request.status = status
        involvement_request.save(update_fields=["status", "updated_at"])


def _refuse_if_closed(involvement_request: InvolvementRequest, doing: str) -> None:
    if involvement_request.status == Status.CANCELLED:
        raise ValidationError(f"You cannot {doing}: it has been cancelled.", code="cancelled")
    if involvement_request.status == Status.COMPLETED:
        raise ValidationError(f"You cannot {doing}: it has been completed.", code="completed")


def request_check_match(involvement_request: InvolvementRequest) -> None:
    _refuse_if_closed(involvement_request, f"match leaders to {involvement_request.reference}")


def request_check_cancel(involvement_request: InvolvementRequest) -> None:
    what = f"cancel {involvement_request.reference}"
    if involvement_request.status == Status.CANCELLED:
        raise ValidationError(
            f"You cannot {what}: it has already been cancelled.", code="cancelled"
        )
    if involvement_request.status == Status.COMPLETED:
        raise ValidationError(f"You cannot {what}: it has been completed.", code="completed")


def request_check_complete(involvement_request: InvolvementRequest) -> None:
    what = f"mark {involvement_request.reference} completed"
    if involvement_request.status == Status.COMPLETED:
        raise ValidationError(
            f"You cannot {what}: it has already been completed.", code="completed"
        )
    if involvement_request.status == Status.CANCELLED:
        raise ValidationError(f"You cannot {what}: it has been cancelled.", code="cancelled")
    if involvement_request.date > timezone.localdate():
        day = dateformat.format(involvement_request.date, "j F Y")
        raise ValidationError(
            f"You cannot {what} before it has happened. You can mark it completed on or "
            f"after {day}.",
            code="not_yet",
        )
    if involvement_request.status != Status.ACCEPTED:
        raise ValidationError(
            f"You cannot {what}: no leader has accepted it.", code="nobody_accepted"
        )


def request_check_feedback(involvement_request: InvolvementRequest) -> None:
    if involvement_request.status != Status.COMPLETED:
        raise ValidationError(
            "You can give feedback once the request has been completed.", code="not_completed"
        )


# --- Emails -------------------------------------------------------------------------


def coordinator_emails(involvement_request: InvolvementRequest) -> list[str]:
    """The regional coordinators of the council's region, or the national
    coordinators when the region has none."""
    people = get_user_model().objects.filter(is_active=True)
    regional = people.filter(
        staff_role__kind=roles.Role.REGIONAL_COORDINATOR,
        staff_role__region=involvement_request.local_authority.region_id,
    )
    emails = set(regional.values_list("email", flat=True))
    if not emails:
        national = people.filter(
            Q(is_superuser=True) | Q(staff_role__kind=roles.Role.NATIONAL_COORDINATOR)
        )
        emails = set(national.values_list("email", flat=True))
    return sorted(emails)


def _links(involvement_request: InvolvementRequest) -> dict:
    return {
        "request_url": absolute_url(involvement_request.get_absolute_url()),
        "admin_url": absolute_url(
            reverse("admin:leaders_involvementrequest_change", args=[involvement_request.pk])
        ),
    }


def _email_requester(involvement_request: InvolvementRequest, name: str, **context) -> None:
    requester = involvement_request.requester
    if requester is None or not requester.is_active:
        return
    send_email(
        to=requester.email,
        name=name,
        context={
            "name": requester.full_name,
            "request": involvement_request,
            **_links(involvement_request),
            **context,
        },
    )


def _email_coordinators(involvement_request: InvolvementRequest, name: str, **context) -> None:
    recipients = coordinator_emails(involvement_request)
    if recipients:
        send_email(
            to=recipients,
            name=name,
            context={"request": involvement_request, **_links(involvement_request), **context},
        )


def _email_leader(match: InvolvementMatch, name: str, **context) -> None:
    leader = match.leader
    if not leader.user.is_active:
        return
    send_email(
        to=leader.user.email,
        name=name,
        context={
            "name": leader.display_name,
            "request": match.request,
            "offer_url": absolute_url(reverse("leaders:offer", args=[match.pk])),
            **context,
        },
    )


# --- Asking -------------------------------------------------------------------------


@transaction.atomic
def request_create(
    *,
    requester,
    leaders: Iterable[Leader] = (),
    skills: Iterable[Skill] = (),
    **fields,
) -> InvolvementRequest:
    """Council staff ask for involvement, for their own council: particular
    leaders from the directory, the skills they want, or both. The requester
    is sent the reference; the coordinators are told there is a new request."""
    unknown = set(fields) - set(REQUEST_FIELDS)
    if unknown:
        raise TypeError(f"Not request fields: {', '.join(sorted(unknown))}")
    _refuse_unless(
        roles.is_council_staff(requester),
        "Only council staff can ask for a leader's involvement.",
    )
    leaders, skills = list(leaders), list(skills)
    if not leaders and not skills:
        raise ValidationError(
            "Choose particular leaders, or the skills you want, or both.", code="no_one_asked"
        )
    in_directory = set(
        Leader.objects.in_directory()
        .filter(pk__in=[leader.pk for leader in leaders])
        .values_list("pk", flat=True)
    )
    if any(leader.pk not in in_directory for leader in leaders):
        raise ValidationError(
            {"leaders": "Choose leaders who are in the directory."}, code="not_in_directory"
        )
    involvement_request = InvolvementRequest(
        requester=requester,
        local_authority=roles.staff_role_of(requester).local_authority,
        status=Status.OPEN,
        **fields,
    )
    if involvement_request.date and involvement_request.date < timezone.localdate():
        raise ValidationError({"date": "The date must be today or in the future"}, code="past")
    if involvement_request.purpose != InvolvementRequest.Purpose.OTHER:
        involvement_request.purpose_other = ""
    elif not involvement_request.purpose_other.strip():
        raise ValidationError({"purpose_other": "Enter what it is for"}, code="required")
    if involvement_request.online:
        involvement_request.location = ""
    elif not involvement_request.location.strip():
        raise ValidationError({"location": "Enter where it is"}, code="required")
    if not involvement_request.payment_offered:
        involvement_request.payment_details = ""
    elif not involvement_request.payment_details.strip():
        raise ValidationError({"payment_details": "Enter what you will pay"}, code="required")
    involvement_request.full_clean()
    involvement_request.save()
    involvement_request.leaders.set(leaders)
    involvement_request.skills.set(skills)

    context = {
        "asked_for": [leader_name(leader) for leader in leaders],
        "skills": [skill.name for skill in skills],
    }
    _email_requester(involvement_request, "request_sent", **context)
    _email_coordinators(involvement_request, "request_new", **context)
    return involvement_request


@transaction.atomic
def request_cancel(
    *, involvement_request: InvolvementRequest, by, reason: str = ""
) -> InvolvementRequest:
    """Cancel a request that has not been completed. Offers still waiting
    for an answer are withdrawn. The leaders put forward (who have not
    declined) and the coordinators are told, and the requester too when
    someone else cancelled it."""
    current = _lock(involvement_request)
    _refuse_unless(
        is_requesting_council_staff(by, current) or coordinates(by, current),
        "Only the council's staff or a coordinator can cancel this request.",
    )
    request_check_cancel(current)
    reason = (reason or "").strip()
    current.status = Status.CANCELLED
    current.cancelled_at = timezone.now()
    current.cancel_reason = reason
    current.full_clean()
    current.save()
    told = list(
        current.matches.filter(status__in=[Answer.OFFERED, Answer.ACCEPTED]).select_related(
            "leader__user"
        )
    )
    current.matches.filter(status=Answer.OFFERED).update(
        status=Answer.WITHDRAWN, updated_at=timezone.now()
    )
    for match in told:
        _email_leader(match, "request_cancelled_leader", reason=reason)
    by_coordinator = not is_requesting_council_staff(by, current)
    _email_coordinators(current, "request_cancelled", reason=reason, by_coordinator=by_coordinator)
    if current.requester_id != by.pk:
        _email_requester(current, "request_cancelled", reason=reason, by_coordinator=by_coordinator)
    return current


# --- Matching and answering -------------------------------------------------------------


@transaction.atomic
def request_match(
    *, involvement_request: InvolvementRequest, leaders: Iterable[Leader], by
) -> list[InvolvementMatch]:
    """A coordinator puts one or more leaders from the directory forward.
    Each is sent the offer with a link to answer it; the requester is told
    who was put forward (their names only)."""
    current = _lock(involvement_request)
    _refuse_unless(
        coordinates(by, current), "Only a coordinator for this council can match leaders."
    )
    request_check_match(current)
    leaders = list(
        Leader.objects.filter(pk__in=[leader.pk for leader in leaders])
        .select_related("user")
        .order_by("pk")
    )
    if not leaders:
        raise ValidationError("Choose at least one leader.", code="no_leaders")
    in_directory = set(
        Leader.objects.in_directory()
        .filter(pk__in=[leader.pk for leader in leaders])
        .values_list("pk", flat=True)
    )
    outside = [leader_name(leader) for leader in leaders if leader.pk not in in_directory]
    if outside:
        raise ValidationError(
            f"Only leaders in the directory can be matched. Not in it: {', '.join(outside)}.",
            code="not_in_directory",
        )
    already = set(current.matches.filter(leader__in=leaders).values_list("leader__pk", flat=True))
    if already:
        names = [leader_name(leader) for leader in leaders if leader.pk in already]
        raise ValidationError(
            f"Already matched to {current.reference}: {', '.join(names)}.", code="already"
        )
    matches = [
        InvolvementMatch.objects.create(
            request=current, leader=leader, status=Answer.OFFERED, matched_by=by
        )
        for leader in leaders
    ]
    _refresh_status(current)
    for match in matches:
        _email_leader(match, "request_offer")
    _email_requester(
        current, "request_matched", leader_names=[leader_name(leader) for leader in leaders]
    )
    return matches


def _lock_match(match: InvolvementMatch, by) -> tuple[InvolvementMatch, InvolvementRequest]:
    """The match and its request, locked, after checking it is the person's own."""
    current = (
        InvolvementMatch.objects.select_for_update(of=("self",))
        .select_related("leader__user")
        .get(pk=match.pk)
    )
    if current.leader.user_id != by.pk:
        raise ValidationError("This offer is for another leader.", code="not_yours")
    current.request = _lock(current.request)
    return current, current.request


def _tell_about_answer(match: InvolvementMatch) -> None:
    involvement_request = match.request
    name = leader_name(match.leader)
    _email_requester(involvement_request, "request_answered", leader=name, match=match)
    _email_coordinators(
        involvement_request,
        "request_answered",
        leader=name,
        match=match,
        reason=match.decline_reason,
        for_coordinators=True,
    )


@transaction.atomic
def match_accept(*, match: InvolvementMatch, by) -> InvolvementMatch:
    """The leader accepts the offer. The requester and coordinators are told."""
    current, involvement_request = _lock_match(match, by)
    _refuse_if_closed(involvement_request, "accept this offer")
    if current.status == Answer.ACCEPTED:
        raise ValidationError("You have already accepted this offer.", code="accepted")
    if current.status != Answer.OFFERED:
        raise ValidationError(
            "You cannot accept this offer: it is no longer open.", code="not_offered"
        )
    current.status = Answer.ACCEPTED
    current.responded_at = timezone.now()
    current.decline_reason = ""
    current.save()
    _refresh_status(involvement_request)
    _tell_about_answer(current)
    return current


@transaction.atomic
def match_decline(*, match: InvolvementMatch, by, reason: str = "") -> InvolvementMatch:
    """The leader says no, or that they can no longer take part after
    accepting. The reason, if given, goes to the coordinators only."""
    current, involvement_request = _lock_match(match, by)
    _refuse_if_closed(involvement_request, "decline this offer")
    if current.status == Answer.DECLINED:
        raise ValidationError("You have already declined this offer.", code="declined")
    if current.status not in (Answer.OFFERED, Answer.ACCEPTED):
        raise ValidationError(
            "You cannot decline this offer: it is no longer open.", code="not_offered"
        )
    current.status = Answer.DECLINED
    current.responded_at = timezone.now()
    current.decline_reason = (reason or "").strip()
    current.save()
    _refresh_status(involvement_request)
    _tell_about_answer(current)
    return current


# --- After it happened -------------------------------------------------------------------


@transaction.atomic
def request_complete(*, involvement_request: InvolvementRequest, by) -> InvolvementRequest:
    """Record that it happened: by the council's staff or a coordinator, on
    or after the day, once at least one leader accepted. Offers nobody
    answered are withdrawn. Each leader who took part is sent a link to
    confirm the activity; the requester a link to give feedback."""
    current = _lock(involvement_request)
    _refuse_unless(
        is_requesting_council_staff(by, current) or coordinates(by, current),
        "Only the council's staff or a coordinator can mark this request completed.",
    )
    request_check_complete(current)
    current.status = Status.COMPLETED
    current.completed_at = timezone.now()
    current.full_clean()
    current.save()
    current.matches.filter(status=Answer.OFFERED).update(
        status=Answer.WITHDRAWN, updated_at=timezone.now()
    )
    for match in current.matches.filter(status=Answer.ACCEPTED).select_related("leader__user"):
        _email_leader(
            match,
            "request_completed_leader",
            activity_url=absolute_url(reverse("leaders:offer_activity", args=[match.pk])),
        )
    _email_requester(
        current,
        "request_completed",
        feedback_url=absolute_url(reverse("requests:feedback", args=[current.pk])),
    )
    return current


@transaction.atomic
def request_feedback(
    *, involvement_request: InvolvementRequest, by, feedback: str
) -> InvolvementRequest:
    """The council says how it went, once it is completed. Giving it again
    replaces it. The coordinators are sent it."""
    current = _lock(involvement_request)
    _refuse_unless(
        is_requesting_council_staff(by, current),
        "Only the council's staff can give feedback on this request.",
    )
    request_check_feedback(current)
    feedback = (feedback or "").strip()
    if not feedback:
        raise ValidationError({"feedback": "Enter your feedback"}, code="required")
    current.feedback = feedback
    current.feedback_at = timezone.now()
    current.full_clean()
    current.save()
    _email_coordinators(current, "request_feedback", given_by=by.full_name or by.email)
    return current


def match_activity_initial(match: InvolvementMatch) -> dict:
    """The activity a leader who took part is asked to confirm, filled in
    from the request."""
    involvement_request = match.request
    description = f"{involvement_request.title}, for {involvement_request.local_authority.name}."
    if involvement_request.description:
        description += f"\n\n{involvement_request.description}"
    return {
        "kind": ACTIVITY_KIND.get(involvement_request.purpose, Activity.Kind.OTHER),
        "date": involvement_request.date,
        "hours": involvement_request.hours,
        "local_authority": involvement_request.local_authority_id,
        "description": description[:3000],
    }


def match_check_activity(match: InvolvementMatch) -> None:
    if match.status != Answer.ACCEPTED or match.request.status != Status.COMPLETED:
        raise ValidationError(
            "You can confirm the activity once the council has marked it completed.",
            code="not_completed",
        )
    if match.activity_id is not None:
        raise ValidationError("You have already confirmed this activity.", code="already")


@transaction.atomic
def match_activity_create(*, match: InvolvementMatch, by, **fields) -> Activity:
    """The leader confirms what they did, as an entry in their activity log
    (waiting for a coordinator to check it, like any other). Once only."""
    current, _ = _lock_match(match, by)
    match_check_activity(current)
    activity = activity_create(leader=current.leader, **fields)
    current.activity = activity
    current.save(update_fields=["activity", "updated_at"])
    return activity


# --- What a leader sees --------------------------------------------------------------


@dataclass
class LeaderOffers:
    """A leader's offers, by what they need to do about each."""

    waiting: list[InvolvementMatch] = field(default_factory=list)
    to_confirm: list[InvolvementMatch] = field(default_factory=list)
    accepted: list[InvolvementMatch] = field(default_factory=list)
    past: list[InvolvementMatch] = field(default_factory=list)


def leader_offers(leader: Leader) -> LeaderOffers:
    """Offers waiting for the leader's answer and those they accepted (soonest
    first), activities to confirm, and the rest (latest first). One query."""
    offers = LeaderOffers()
    matches = leader.involvement_matches.select_related("request__local_authority").order_by(
        "request__date", "pk"
    )
    for match in matches:
        live = match.request.is_live
        if match.status == Answer.OFFERED and live:
            offers.waiting.append(match)
        elif match.status == Answer.ACCEPTED and live:
            offers.accepted.append(match)
        elif (
            match.status == Answer.ACCEPTED
            and match.request.status == Status.COMPLETED
            and match.activity_id is None
        ):
            offers.to_confirm.append(match)
        else:
            offers.past.append(match)
    offers.past.reverse()
    return offers


def match_candidates(
    involvement_request: InvolvementRequest, *, search: str = "", limit: int = 50
) -> list[Leader]:
    """Leaders in the directory a coordinator could put forward, best first:
    those the council asked for, then those with more of the skills wanted,
    then those in the council's region, then by name. ``search`` narrows them
    to leaders whose name or email has every word. Those already matched are
    left out. At most ``limit``; a fixed number of queries."""
    wanted = list(involvement_request.skills.values_list("pk", flat=True))
    asked = list(involvement_request.leaders.values_list("pk", flat=True))
    leaders = Leader.objects.in_directory().exclude(
        pk__in=involvement_request.matches.values("leader")
    )
    for word in search.split():
        leaders = leaders.filter(
            Q(user__full_name__icontains=word)
            | Q(preferred_name__icontains=word)
            | Q(user__email__icontains=word)
        )
    leaders = leaders.annotate(
        asked_for=Case(When(pk__in=asked, then=1), default=0, output_field=IntegerField())
        if asked
        else Value(0),
        skills_matched=Count("skills", filter=Q(skills__in=wanted), distinct=True)
        if wanted
        else Value(0),
        in_region=Case(
            When(local_authority__region=involvement_request.local_authority.region_id, then=1),
            default=0,
            output_field=IntegerField(),
        ),
    )
    return list(
        leaders.order_by("-asked_for", "-skills_matched", "-in_region", "user__full_name", "pk")
        .select_related("user", "local_authority__region")
        .prefetch_related("skills")[:limit]
    )
