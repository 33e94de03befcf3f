"""What coordinators do in the back office: review applications, record
training, change a leader's status, and check what leaders log and share.

Each write locks the rows it changes (on PostgreSQL) so two coordinators
acting at the same moment cannot both move an application on, checks that the
change is allowed, records who made it and when, and tells the person by email
once the transaction commits. A refused change raises ``ValidationError`` with
a message a coordinator can act on, and changes nothing.

The ``<thing>_check_<change>`` functions answer "may this happen now?" with the
same messages, so the back office can explain before anyone presses a button.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import dateformat, timezone
from simple_history.utils import bulk_create_with_history

from citizenleaders.mail import send_email
from leaders.models import (
    Activity,
    Application,
    ApplicationEvent,
    Leader,
    Module,
    Story,
    TrainingRecord,
)

UK = ZoneInfo("Europe/London")

Status = Application.Status


def uk_datetime(value: datetime.datetime) -> str:
    """A moment as people in the UK read it: "Tuesday 3 March 2026 at 2:30pm"."""
    local = timezone.localtime(value, UK)
    if (local.hour, local.minute) == (12, 0):
        time = "midday"
    elif (local.hour, local.minute) == (0, 0):
        time = "midnight"
    else:
        clock = dateformat.format(local, "g:i" if local.minute else "g")
        time = f"{clock}{'am' if local.hour < 12 else 'pm'}"
    return f"{dateformat.format(local, 'l j F Y')} at {time}"


# Applications ------------------------------------------------------------------

BEING_REVIEWED = {Status.UNDER_REVIEW, Status.INTERVIEW}
# step: (the statuses it may start from, the status it leads to, what doing it is called)
APPLICATION_STEPS = {
    "review": ({Status.SUBMITTED}, Status.UNDER_REVIEW, "move {ref} to under review"),
    # Inviting again rearranges the interview.
    "invite": (BEING_REVIEWED, Status.INTERVIEW, "invite {ref} to interview"),
    "accept": (BEING_REVIEWED, Status.ACCEPTED, "accept {ref}"),
    "decline": (BEING_REVIEWED, Status.DECLINED, "decline {ref}"),
}

# Why an application in this status cannot take a step it is not ready for.
_WHY_NOT = {
    Status.DRAFT: "the applicant has not sent it yet",
    Status.SUBMITTED: "it is not under review yet. Move it to under review first",
    Status.UNDER_REVIEW: "it is already under review",
    Status.INTERVIEW: "the applicant is already invited to interview",
    Status.ACCEPTED: "it has already been accepted",
    Status.DECLINED: "it has already been declined",
    Status.WITHDRAWN: "the applicant has withdrawn it",
}


def application_check(application: Application, step: str) -> None:
    """Raise ``ValidationError`` saying why ``step`` cannot be taken now."""
    starts, _, doing = APPLICATION_STEPS[step]
    what = doing.format(ref=application.reference)
    if application.status not in starts:
        raise ValidationError(
            f"You cannot {what}: {_WHY_NOT[application.status]}.", code="not_allowed_now"
        )
    if step == "accept":
        if Leader.objects.filter(user_id=application.user_id).exists():
            raise ValidationError(
                f"You cannot {what}: {application.user.email} is already a Citizen Leader.",
                code="already_a_leader",
            )
        if application.local_authority_id is None:
            raise ValidationError(
                f"You cannot {what}: it does not say which council area the applicant lives in.",
                code="no_council",
            )


def _applicant_name(application: Application) -> str:
    return application.preferred_name or application.full_name or application.user.full_name


def _move(application: Application, step: str, *, by, note: str = "", **changes) -> None:
    """Lock the application, check the step, save it and record who and when."""
    application.refresh_from_db(from_queryset=Application.objects.select_for_update())
    application_check(application, step)
    now = timezone.now()
    application.status = APPLICATION_STEPS[step][1]
    for name, value in changes.items():
        setattr(application, name, value)
    if step in ("accept", "decline"):
        application.decided_at = now
    application.full_clean()
    application.save()
    ApplicationEvent.objects.create(
        application=application, status=application.status, by=by, at=now, note=note
    )


def _email_applicant(application: Application, name: str, **context) -> None:
    send_email(
        to=application.user.email,
        name=name,
        context={
            "name": _applicant_name(application),
            "reference": application.reference,
            "application": application,
            **context,
        },
    )


@transaction.atomic
def application_review(*, application: Application, by) -> Application:
    """Submitted → under review: a coordinator has started reading it."""
    _move(application, "review", by=by)
    _email_applicant(application, "application_under_review")
    return application


@transaction.atomic
def application_invite(
    *, application: Application, by, interview_at: datetime.datetime, details: str = ""
) -> Application:
    """Invite the applicant to an interview, or move the interview to a new time.

    ``details`` (where, or how to join) is sent to the applicant."""
    if interview_at is None:
        raise ValidationError("Enter the date and time of the interview.", code="required")
    if interview_at <= timezone.now():
        raise ValidationError("The interview must be in the future.", code="in_the_past")
    rearranged = application.status == Status.INTERVIEW
    details = details.strip()
    when = uk_datetime(interview_at)
    note = f"Interview on {when} (UK time)." + (f"\n{details}" if details else "")
    _move(application, "invite", by=by, note=note, interview_at=interview_at)
    _email_applicant(
        application,
        "application_interview",
        when=when,
        details=details,
        rearranged=rearranged,
    )
    return application


@transaction.atomic
def application_accept(*, application: Application, by) -> Leader:
    """Accept the application: the applicant becomes a Citizen Leader in
    training, with a profile filled from their answers and a training record
    (not started) for every module of the curriculum."""
    _move(application, "accept", by=by)
    now = application.decided_at
    leader = Leader(
        user=application.user,
        application=application,
        status=Leader.Status.IN_TRAINING,
        local_authority=application.local_authority,
        preferred_name=application.preferred_name,
        phone=application.phone,
        other_skills=application.other_skills,
        days=list(application.days),
        available_daytime=application.available_daytime,
        available_evenings=application.available_evenings,
        available_online=application.available_online,
        available_in_person=application.available_in_person,
        travel=application.travel,
        access_needs=application.access_needs,
        formats=list(application.formats),
        contact_methods=list(application.contact_methods),
        accepted_at=now,
        status_changed_at=now,
    )
    leader.full_clean()
    leader.save()
    leader.interests.set(application.interests.all())
    leader.skills.set(application.skills.all())
    bulk_create_with_history(
        [TrainingRecord(leader=leader, module=module) for module in Module.objects.all()],
        TrainingRecord,
    )
    user = application.user
    if not user.full_name and application.full_name:
        user.full_name = application.full_name
        user.save(update_fields=["full_name"])
    _email_applicant(
        application,
        "application_accepted",
        required_modules=list(Module.objects.filter(is_required=True)),
    )
    return leader


@transaction.atomic
def application_decline(*, application: Application, by, reason: str) -> Application:
    """Decline the application. The reason is sent to the applicant, so it
    should be written kindly."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            "Enter the reason for declining. It is sent to the applicant.", code="required"
        )
    _move(application, "decline", by=by, note=reason, decline_reason=reason)
    _email_applicant(application, "application_declined", reason=reason)
    return application


# Training ------------------------------------------------------------------------


def leader_is_trained(leader: Leader) -> bool:
    """Whether the leader has completed every required module."""
    completed = leader.training.filter(status=TrainingRecord.Status.COMPLETED).values("module")
    return not Module.objects.filter(is_required=True).exclude(pk__in=completed).exists()


def _email_leader(leader: Leader, name: str, **context) -> None:
    send_email(
        to=leader.user.email,
        name=name,
        context={"name": leader.display_name, "leader": leader, **context},
    )


@transaction.atomic
def leader_activate_if_trained(*, leader: Leader, by=None) -> bool:
    """A leader in training who has completed every required module becomes
    active and is told. Returns whether they did."""
    leader.refresh_from_db(from_queryset=Leader.objects.select_for_update())
    if leader.status != Leader.Status.IN_TRAINING or not leader_is_trained(leader):
        return False
    now = timezone.now()
    leader.status = Leader.Status.ACTIVE
    leader.activated_at = now
    leader.status_changed_at = now
    leader.full_clean()
    leader.save()
    _email_leader(leader, "leader_active")
    return True


@transaction.atomic
def leaders_activate_if_trained(*, by=None) -> list[Leader]:
    """Activate every leader in training who has completed all the required
    modules: after a module stops being required, say."""
    return [
        leader
        for leader in Leader.objects.filter(status=Leader.Status.IN_TRAINING).select_related("user")
        if leader_activate_if_trained(leader=leader, by=by)
    ]


@dataclass
class TrainingCompleted:
    """What ``training_complete`` did."""

    completed: list[TrainingRecord] = field(default_factory=list)
    already_completed: list[TrainingRecord] = field(default_factory=list)
    activated: list[Leader] = field(default_factory=list)


@transaction.atomic
def training_complete(
    *,
    records: Iterable[TrainingRecord],
    completed_on: datetime.date,
    trainer: str,
    by,
) -> TrainingCompleted:
    """Mark training records completed: one, or a whole session's attendees
    at once. Records already completed keep the date and trainer they have.
    Every leader who has now completed all the required modules becomes
    active and is told."""
    if completed_on is None:
        raise ValidationError("Enter the date the training was completed.", code="required")
    if completed_on > timezone.localdate():
        raise ValidationError(
            "The date the training was completed cannot be in the future.", code="in_the_future"
        )
    trainer = (trainer or "").strip()
    result = TrainingCompleted()
    pks = [record.pk for record in records]
    locked = (
        TrainingRecord.objects.select_for_update()
        .filter(pk__in=pks)
        .order_by("pk")
        .select_related("leader", "module")
    )
    for record in locked:
        if record.status == TrainingRecord.Status.COMPLETED:
            result.already_completed.append(record)
            continue
        record.status = TrainingRecord.Status.COMPLETED
        record.completed_on = completed_on
        record.trainer = trainer
        record.full_clean()
        record.save()
        result.completed.append(record)
    leaders = {record.leader_id: record.leader for record in result.completed}
    for leader in leaders.values():
        if leader_activate_if_trained(leader=leader, by=by):
            result.activated.append(leader)
    return result


@dataclass(frozen=True)
class Attendance:
    """A leader at a training session: one line of a sign-in sheet."""

    leader: Leader
    module: Module
    completed_on: datetime.date
    trainer: str = ""


@transaction.atomic
def training_attendance_record(*, attendance: Iterable[Attendance], by) -> TrainingCompleted:
    """Mark the modules of many sessions completed at once (an imported
    sign-in sheet), through ``training_complete`` so its rules hold and
    leaders who have now completed the required training become active and
    are emailed once everything is saved. A leader without a record for the
    module is given one. All or nothing."""
    sessions: dict[tuple[datetime.date, str], list[TrainingRecord]] = {}
    for line in attendance:
        record, _ = TrainingRecord.objects.get_or_create(leader=line.leader, module=line.module)
        sessions.setdefault((line.completed_on, line.trainer.strip()), []).append(record)
    result = TrainingCompleted()
    for (completed_on, trainer), records in sessions.items():
        done = training_complete(records=records, completed_on=completed_on, trainer=trainer, by=by)
        result.completed += done.completed
        result.already_completed += done.already_completed
        result.activated += done.activated
    return result


@transaction.atomic
def training_records_create_for_module(*, module: Module) -> int:
    """Give every current leader a record (not started) for a module added to
    the curriculum. Returns how many were made."""
    have = TrainingRecord.objects.filter(module=module).values("leader")
    leaders = Leader.objects.exclude(status=Leader.Status.LEFT).exclude(pk__in=have)
    made = bulk_create_with_history(
        [TrainingRecord(leader=leader, module=module) for leader in leaders], TrainingRecord
    )
    return len(made)


# A leader's status ---------------------------------------------------------------

# status: the statuses a leader may be moved to it from
LEADER_MOVES = {
    Leader.Status.PAUSED: {Leader.Status.IN_TRAINING, Leader.Status.ACTIVE},
    Leader.Status.LEFT: {Leader.Status.IN_TRAINING, Leader.Status.ACTIVE, Leader.Status.PAUSED},
    Leader.Status.ACTIVE: {Leader.Status.PAUSED, Leader.Status.LEFT},
    Leader.Status.IN_TRAINING: {Leader.Status.PAUSED, Leader.Status.LEFT},
}


def leader_check_status(leader: Leader, status: str) -> None:
    """Raise ``ValidationError`` saying why the leader cannot be given ``status`` now."""
    name = str(leader)
    if status not in LEADER_MOVES:
        raise ValidationError(f"“{status}” is not a leader’s status.", code="invalid")
    if leader.status == status:
        label = Leader.Status(status).label.lower()
        raise ValidationError(f"{name} is already {label}.", code="unchanged")
    if leader.status not in LEADER_MOVES[status]:
        if leader.status == Leader.Status.IN_TRAINING:
            why = f"{name} becomes active when they complete the required training."
        elif leader.status == Leader.Status.LEFT:
            why = f"{name} has left. Bring them back first."
        else:
            why = f"{name} is active, not paused or left, so there is nothing to come back from."
        raise ValidationError(why, code="not_allowed_now")
    trained = leader_is_trained(leader)
    if status == Leader.Status.ACTIVE and not trained:
        raise ValidationError(
            f"{name} has not completed all the required training, so they cannot be active "
            "yet. Set them back to in training instead.",
            code="not_trained",
        )
    if status == Leader.Status.IN_TRAINING and trained:
        raise ValidationError(
            f"{name} has completed all the required training. Make them active instead.",
            code="already_trained",
        )


def leader_status_to_resume(leader: Leader) -> str:
    """The status a paused leader, or one who left, comes back to."""
    return Leader.Status.ACTIVE if leader_is_trained(leader) else Leader.Status.IN_TRAINING


@transaction.atomic
def leader_set_status(*, leader: Leader, status: str, by) -> Leader:
    """Pause a leader, record that they have left, or bring them back (to
    active only when their required training is complete). The leader is told."""
    leader.refresh_from_db(from_queryset=Leader.objects.select_for_update())
    leader_check_status(leader, status)
    previous = leader.status
    now = timezone.now()
    leader.status = status
    leader.status_changed_at = now
    if status == Leader.Status.ACTIVE and leader.activated_at is None:
        leader.activated_at = now
    leader.full_clean()
    leader.save()
    _email_leader(leader, "leader_status", status=status, previous=previous)
    return leader


# Activities and stories ------------------------------------------------------------


def activity_check_verify(activity: Activity) -> None:
    if activity.status == Activity.Status.VERIFIED:
        raise ValidationError("This activity is already verified.", code="verified")


@transaction.atomic
def activity_verify(*, activities: Iterable[Activity], by) -> list[Activity]:
    """Verify activities; those already verified are left as they are.
    Returns the ones verified now. Once verified, the leader can no longer edit them."""
    pks = [activity.pk for activity in activities]
    now = timezone.now()
    verified = []
    for activity in Activity.objects.select_for_update().filter(pk__in=pks).order_by("pk"):
        if activity.status == Activity.Status.VERIFIED:
            continue
        activity.status = Activity.Status.VERIFIED
        activity.checked_by = by
        activity.checked_at = now
        activity.full_clean()
        activity.save()
        verified.append(activity)
    return verified


def activity_check_query(activity: Activity) -> None:
    if activity.status == Activity.Status.VERIFIED:
        raise ValidationError(
            "This activity is already verified, so it cannot be queried.", code="verified"
        )


@transaction.atomic
def activity_query(*, activity: Activity, by, question: str) -> Activity:
    """Ask the leader a question about an activity they logged. They can
    change the entry until it is verified."""
    question = (question or "").strip()
    if not question:
        raise ValidationError("Enter your question for the leader.", code="required")
    activity.refresh_from_db(from_queryset=Activity.objects.select_for_update())
    activity_check_query(activity)
    activity.status = Activity.Status.QUERIED
    activity.query = question
    activity.checked_by = by
    activity.checked_at = timezone.now()
    activity.full_clean()
    activity.save()
    _email_leader(activity.leader, "activity_query", activity=activity, question=question)
    return activity


def story_check_approve(story: Story) -> None:
    if story.status == Story.Status.APPROVED:
        raise ValidationError(f"“{story.title}” is already approved.", code="approved")
    if story.status == Story.Status.WITHDRAWN:
        raise ValidationError(
            f"The leader has withdrawn their consent to share “{story.title}”, so it cannot "
            "be approved.",
            code="withdrawn",
        )
    if not (story.on_website or story.in_training):
        raise ValidationError(
            f"The leader has not agreed to “{story.title}” being used on the website or in "
            "training, so it cannot be approved.",
            code="no_consent",
        )


@transaction.atomic
def story_approve(*, story: Story, by) -> Story:
    """Approve a story whose leader still consents to sharing it. With
    consent for the website, it then appears at /stories/. The leader is told."""
    story.refresh_from_db(from_queryset=Story.objects.select_for_update())
    story_check_approve(story)
    story.status = Story.Status.APPROVED
    story.approved_by = by
    story.approved_at = timezone.now()
    story.full_clean()
    story.save()
    _email_leader(story.leader, "story_approved", story=story)
    return story
