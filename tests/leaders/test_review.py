"""Reviewing applications, recording training, a leader's status, and
checking activities and stories: the services the back office calls."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from leaders.models import (
    Activity,
    Application,
    ApplicationEvent,
    Interest,
    Leader,
    Module,
    Skill,
    Story,
    TrainingRecord,
)
from leaders.services.review import (
    activity_query,
    activity_verify,
    application_accept,
    application_decline,
    application_invite,
    application_review,
    leader_set_status,
    story_approve,
    training_complete,
)
from tests.citizenleaders.factories import UserFactory
from tests.leaders.factories import (
    ActivityFactory,
    ApplicationFactory,
    LeaderFactory,
    StoryFactory,
    council,
)

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
# 1:30pm UTC is 2:30pm in the UK in summer.
SUMMER_INTERVIEW = datetime.datetime(2030, 7, 1, 13, 30, tzinfo=UTC)


@pytest.fixture
def coordinator(national_coordinator):
    return national_coordinator


@pytest.fixture
def sends(django_capture_on_commit_callbacks):
    """Run a service as a request would, sending its emails once it commits."""

    def run(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return run


def under_review(**kwargs):
    return ApplicationFactory(status=Application.Status.UNDER_REVIEW, **kwargs)


def snapshot(application):
    application.refresh_from_db()
    return (
        application.status,
        application.interview_at,
        application.decline_reason,
        application.decided_at,
        application.events.count(),
    )


# Moving an application on --------------------------------------------------------------


def test_a_submitted_application_moves_to_under_review(coordinator, sends):
    application = ApplicationFactory(full_name="Amina Khan", preferred_name="Amina")

    sends(application_review, application=application, by=coordinator)

    application.refresh_from_db()
    assert application.status == Application.Status.UNDER_REVIEW
    event = application.events.get()
    assert (event.status, event.by) == (Application.Status.UNDER_REVIEW, coordinator)
    assert timezone.now() - event.at < datetime.timedelta(minutes=1)
    [email] = mail.outbox
    assert email.to == [application.user.email]
    assert email.subject == f"We are reading your application ({application.reference})"
    assert email.body.startswith("Hello Amina,")


@pytest.mark.parametrize(
    ("status", "why"),
    [
        (Application.Status.DRAFT, "the applicant has not sent it yet"),
        (Application.Status.UNDER_REVIEW, "it is already under review"),
        (Application.Status.ACCEPTED, "it has already been accepted"),
        (Application.Status.WITHDRAWN, "the applicant has withdrawn it"),
    ],
)
def test_only_a_submitted_application_can_move_to_under_review(coordinator, sends, status, why):
    application = ApplicationFactory(status=status)
    before = snapshot(application)

    with pytest.raises(ValidationError) as error:
        sends(application_review, application=application, by=coordinator)

    assert error.value.messages == [
        f"You cannot move {application.reference} to under review: {why}."
    ]
    assert snapshot(application) == before
    assert mail.outbox == []


def test_an_applicant_is_invited_to_interview_in_uk_time(coordinator, sends):
    application = under_review()

    sends(
        application_invite,
        application=application,
        by=coordinator,
        interview_at=SUMMER_INTERVIEW,
        details="By video call: we will email you a link the day before.",
    )

    application.refresh_from_db()
    assert application.status == Application.Status.INTERVIEW
    assert application.interview_at == SUMMER_INTERVIEW
    assert application.events.get().by == coordinator
    [email] = mail.outbox
    assert email.subject == "Invitation to an interview: Monday 1 July 2030 at 2:30pm"
    assert "When: Monday 1 July 2030 at 2:30pm (UK time)" in email.body
    assert "By video call: we will email you a link the day before." in email.body
    assert "What to expect" in email.body


def test_inviting_again_moves_the_interview(coordinator, sends):
    application = under_review()
    sends(
        application_invite, application=application, by=coordinator, interview_at=SUMMER_INTERVIEW
    )
    later = datetime.datetime(2030, 1, 14, 12, 0, tzinfo=UTC)  # winter: UK time is UTC

    sends(application_invite, application=application, by=coordinator, interview_at=later)

    application.refresh_from_db()
    assert application.interview_at == later
    assert application.events.count() == 2
    assert (
        mail.outbox[-1].subject == "New time for your interview: Monday 14 January 2030 at midday"
    )


def test_an_interview_must_be_in_the_future(coordinator, sends):
    application = under_review()
    before = snapshot(application)

    with pytest.raises(ValidationError, match="The interview must be in the future"):
        sends(
            application_invite,
            application=application,
            by=coordinator,
            interview_at=timezone.now() - datetime.timedelta(hours=1),
        )

    assert snapshot(application) == before
    assert mail.outbox == []


def test_a_submitted_application_is_reviewed_before_an_interview(coordinator, sends):
    application = ApplicationFactory()
    before = snapshot(application)

    with pytest.raises(ValidationError, match="Move it to under review first"):
        sends(
            application_invite,
            application=application,
            by=coordinator,
            interview_at=SUMMER_INTERVIEW,
        )

    assert snapshot(application) == before


def test_accepting_makes_a_leader_in_training_from_the_answers(coordinator, sends):
    user = UserFactory(full_name="")
    application = under_review(
        user=user,
        full_name="Amina Khan",
        preferred_name="Amina",
        phone="0113 496 0000",
        local_authority=council("E08000032"),
        other_skills="Knitting",
        days=["monday", "friday"],
        available_daytime=True,
        available_online=True,
        travel="region",
        access_needs="A hearing loop, please.",
        formats=["large_print"],
        contact_methods=["email", "text"],
    )
    application.interests.set(Interest.objects.all()[:2])
    application.skills.set(Skill.objects.all()[:1])

    leader = sends(application_accept, application=application, by=coordinator)

    leader = Leader.objects.get(user=user)
    application.refresh_from_db()
    assert application.status == Application.Status.ACCEPTED
    assert application.decided_at is not None
    assert application.events.get().by == coordinator
    assert leader.application == application
    assert leader.status == Leader.Status.IN_TRAINING
    assert leader.accepted_at == application.decided_at
    assert (leader.local_authority.gss_code, leader.preferred_name, leader.phone) == (
        "E08000032",
        "Amina",
        "0113 496 0000",
    )
    assert leader.days == ["monday", "friday"]
    assert (leader.available_daytime, leader.available_evenings) == (True, False)
    assert (leader.available_online, leader.available_in_person) == (True, False)
    assert leader.travel == "region"
    assert leader.access_needs == "A hearing loop, please."
    assert leader.formats == ["large_print"]
    assert leader.contact_methods == ["email", "text"]
    assert leader.other_skills == "Knitting"
    assert list(leader.interests.all()) == list(Interest.objects.all()[:2])
    assert list(leader.skills.all()) == list(Skill.objects.all()[:1])
    assert set(leader.training.values_list("module", "status")) == {
        (module.pk, TrainingRecord.Status.NOT_STARTED) for module in Module.objects.all()
    }
    user.refresh_from_db()
    assert user.full_name == "Amina Khan"
    [email] = mail.outbox
    assert email.subject == "Welcome to Citizen Leaders: your application is accepted"
    assert "The social model of disability" in email.body  # a required module


def test_accepting_keeps_the_name_the_person_already_has(coordinator, sends):
    user = UserFactory(full_name="Amina J Khan")

    sends(
        application_accept,
        application=under_review(user=user, full_name="Amina Khan"),
        by=coordinator,
    )

    user.refresh_from_db()
    assert user.full_name == "Amina J Khan"


def test_someone_who_is_already_a_leader_cannot_be_accepted_again(coordinator, sends):
    leader = LeaderFactory()
    application = under_review(user=leader.user)
    before = snapshot(application)

    with pytest.raises(ValidationError, match="is already a Citizen Leader"):
        sends(application_accept, application=application, by=coordinator)

    assert snapshot(application) == before
    assert Leader.objects.get() == leader
    assert mail.outbox == []


def test_a_declined_applicant_is_told_the_reason_kindly(coordinator, sends):
    application = under_review()
    reason = "We have no places in Leeds this year. We would welcome a new application in spring."

    sends(application_decline, application=application, by=coordinator, reason=reason)

    application.refresh_from_db()
    assert application.status == Application.Status.DECLINED
    assert application.decline_reason == reason
    assert application.decided_at is not None
    event = application.events.get()
    assert (event.by, event.note) == (coordinator, reason)
    [email] = mail.outbox
    assert "Thank you for applying" in email.body
    assert reason in email.body
    assert (
        f"email help@citizenleaders.example.org and quote your reference, {application.reference}"
    ) in email.body
    assert not Leader.objects.exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_declining_needs_a_reason(coordinator, sends, reason):
    application = under_review()
    before = snapshot(application)

    with pytest.raises(ValidationError, match="Enter the reason for declining"):
        sends(application_decline, application=application, by=coordinator, reason=reason)

    assert snapshot(application) == before
    assert mail.outbox == []


def test_a_declined_application_cannot_then_be_accepted(coordinator, sends):
    application = under_review()
    sends(application_decline, application=application, by=coordinator, reason="No places.")
    before = snapshot(application)

    with pytest.raises(ValidationError, match="it has already been declined"):
        sends(application_accept, application=application, by=coordinator)

    assert snapshot(application) == before
    assert not Leader.objects.exists()


# Training ------------------------------------------------------------------------------


def leader_in_training(**kwargs):
    leader = LeaderFactory(status=Leader.Status.IN_TRAINING, **kwargs)
    TrainingRecord.objects.bulk_create(
        TrainingRecord(leader=leader, module=module) for module in Module.objects.all()
    )
    return leader


def complete_all_but(leader, module):
    leader.training.filter(module__is_required=True).exclude(module=module).update(
        status=TrainingRecord.Status.COMPLETED, completed_on=datetime.date(2030, 1, 1)
    )


@pytest.fixture
def last_module():
    return Module.objects.filter(is_required=True).last()


def test_a_whole_session_is_marked_completed_at_once(coordinator, sends, last_module):
    leaders = [leader_in_training() for _ in range(3)]
    records = TrainingRecord.objects.filter(module=last_module)
    day = timezone.localdate() - datetime.timedelta(days=1)

    result = sends(
        training_complete, records=records, completed_on=day, trainer="Sam Patel", by=coordinator
    )

    assert len(result.completed) == 3
    assert set(records.values_list("status", "completed_on", "trainer")) == {
        (TrainingRecord.Status.COMPLETED, day, "Sam Patel")
    }
    assert all(leader.training.filter(status="completed").count() == 1 for leader in leaders)
    assert result.activated == []  # they have more to do
    assert mail.outbox == []


def test_completing_the_last_required_module_makes_the_leader_active(
    coordinator, sends, last_module
):
    leader = leader_in_training()
    complete_all_but(leader, last_module)
    still_training = leader_in_training()
    record = leader.training.get(module=last_module)

    result = sends(
        training_complete,
        records=[record, still_training.training.get(module=last_module)],
        completed_on=timezone.localdate(),
        trainer="Sam Patel",
        by=coordinator,
    )

    leader.refresh_from_db()
    assert leader.status == Leader.Status.ACTIVE
    assert leader.activated_at is not None
    assert result.activated == [leader]
    still_training.refresh_from_db()
    assert still_training.status == Leader.Status.IN_TRAINING
    [email] = mail.outbox
    assert email.to == [leader.user.email]
    assert email.subject == "You are now an active Citizen Leader"


def test_optional_modules_are_not_needed_to_become_active(coordinator, sends):
    leader = leader_in_training()
    required = leader.training.filter(module__is_required=True)

    sends(
        training_complete,
        records=required,
        completed_on=timezone.localdate(),
        trainer="Sam Patel",
        by=coordinator,
    )

    leader.refresh_from_db()
    assert leader.status == Leader.Status.ACTIVE
    assert leader.training.filter(status=TrainingRecord.Status.NOT_STARTED).exists()


def test_a_completed_record_keeps_its_date_and_trainer(coordinator, sends, last_module):
    leader = leader_in_training()
    record = leader.training.get(module=last_module)
    record.status = TrainingRecord.Status.COMPLETED
    record.completed_on = datetime.date(2030, 1, 1)
    record.trainer = "Jo Brown"
    record.save()

    result = sends(
        training_complete,
        records=[record],
        completed_on=timezone.localdate(),
        trainer="Sam Patel",
        by=coordinator,
    )

    record.refresh_from_db()
    assert (record.completed_on, record.trainer) == (datetime.date(2030, 1, 1), "Jo Brown")
    assert result.already_completed == [record]


def test_training_cannot_be_completed_in_the_future(coordinator, sends, last_module):
    leader = leader_in_training()
    complete_all_but(leader, last_module)
    record = leader.training.get(module=last_module)

    with pytest.raises(ValidationError, match="cannot be in the future"):
        sends(
            training_complete,
            records=[record],
            completed_on=timezone.localdate() + datetime.timedelta(days=1),
            trainer="Sam Patel",
            by=coordinator,
        )

    record.refresh_from_db()
    assert record.status == TrainingRecord.Status.NOT_STARTED
    leader.refresh_from_db()
    assert leader.status == Leader.Status.IN_TRAINING


# A leader's status ----------------------------------------------------------------------


def trained_leader(status=Leader.Status.ACTIVE):
    leader = leader_in_training()
    leader.training.update(status=TrainingRecord.Status.COMPLETED, completed_on="2030-01-01")
    leader.status = status
    leader.save()
    return leader


def test_a_leader_is_paused_and_told(coordinator, sends):
    leader = trained_leader()

    sends(leader_set_status, leader=leader, status=Leader.Status.PAUSED, by=coordinator)

    leader.refresh_from_db()
    assert leader.status == Leader.Status.PAUSED
    assert timezone.now() - leader.status_changed_at < datetime.timedelta(minutes=1)
    [email] = mail.outbox
    assert email.subject == "Your Citizen Leader role is paused"


def test_a_leader_who_has_left_is_thanked(coordinator, sends):
    leader = trained_leader(Leader.Status.PAUSED)

    sends(leader_set_status, leader=leader, status=Leader.Status.LEFT, by=coordinator)

    leader.refresh_from_db()
    assert leader.status == Leader.Status.LEFT
    assert "Thank you for everything" in mail.outbox[0].body


def test_a_paused_leader_who_is_trained_becomes_active_again(coordinator, sends):
    leader = trained_leader(Leader.Status.PAUSED)

    sends(leader_set_status, leader=leader, status=Leader.Status.ACTIVE, by=coordinator)

    leader.refresh_from_db()
    assert leader.status == Leader.Status.ACTIVE
    assert mail.outbox[0].subject == "Welcome back to Citizen Leaders"


def test_a_paused_leader_who_is_not_trained_cannot_become_active(coordinator, sends):
    leader = leader_in_training()
    leader.status = Leader.Status.PAUSED
    leader.save()

    with pytest.raises(ValidationError, match="has not completed all the required training"):
        sends(leader_set_status, leader=leader, status=Leader.Status.ACTIVE, by=coordinator)

    leader.refresh_from_db()
    assert leader.status == Leader.Status.PAUSED
    assert mail.outbox == []

    sends(leader_set_status, leader=leader, status=Leader.Status.IN_TRAINING, by=coordinator)

    leader.refresh_from_db()
    assert leader.status == Leader.Status.IN_TRAINING


def test_a_leader_in_training_is_not_made_active_by_hand(coordinator, sends):
    leader = leader_in_training()

    with pytest.raises(ValidationError, match="becomes active when they complete"):
        sends(leader_set_status, leader=leader, status=Leader.Status.ACTIVE, by=coordinator)

    leader.refresh_from_db()
    assert leader.status == Leader.Status.IN_TRAINING


# Activities and stories --------------------------------------------------------------------


def test_activities_are_verified_with_who_and_when(coordinator, sends):
    pending = ActivityFactory()
    queried = ActivityFactory(status=Activity.Status.QUERIED, query="Which meeting?")
    already = ActivityFactory(status=Activity.Status.VERIFIED)

    verified = sends(activity_verify, activities=[pending, queried, already], by=coordinator)

    assert {a.pk for a in verified} == {pending.pk, queried.pk}
    for activity in (pending, queried):
        activity.refresh_from_db()
        assert activity.status == Activity.Status.VERIFIED
        assert activity.checked_by == coordinator
        assert activity.checked_at is not None
        assert not activity.is_editable
    already.refresh_from_db()
    assert already.checked_by is None


def test_a_question_about_an_activity_is_emailed_to_the_leader(coordinator, sends):
    activity = ActivityFactory(hours=Decimal("1.5"))

    sends(
        activity_query,
        activity=activity,
        by=coordinator,
        question="Which council ran the meeting?",
    )

    activity.refresh_from_db()
    assert activity.status == Activity.Status.QUERIED
    assert activity.query == "Which council ran the meeting?"
    assert activity.checked_by == coordinator
    assert activity.is_editable
    [email] = mail.outbox
    assert email.to == [activity.leader.user.email]
    assert "Which council ran the meeting?" in email.body


def test_a_verified_activity_cannot_be_queried(coordinator, sends):
    activity = ActivityFactory(status=Activity.Status.VERIFIED)

    with pytest.raises(ValidationError, match="already verified"):
        sends(activity_query, activity=activity, by=coordinator, question="Really?")

    activity.refresh_from_db()
    assert (activity.status, activity.query) == (Activity.Status.VERIFIED, "")
    assert mail.outbox == []


def test_a_question_must_be_asked(coordinator, sends):
    activity = ActivityFactory()

    with pytest.raises(ValidationError, match="Enter your question"):
        sends(activity_query, activity=activity, by=coordinator, question=" ")

    activity.refresh_from_db()
    assert activity.status == Activity.Status.PENDING


def test_a_story_is_approved_and_the_leader_told(coordinator, sends):
    story = StoryFactory()

    sends(story_approve, story=story, by=coordinator)

    story.refresh_from_db()
    assert story.status == Story.Status.APPROVED
    assert story.approved_by == coordinator
    assert story.approved_at is not None
    [email] = mail.outbox
    assert email.subject == f"Your story is approved: {story.title}"
    assert "appears on the stories page" in email.body


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({"status": Story.Status.WITHDRAWN}, "has withdrawn their consent"),
        ({"on_website": False, "in_training": False}, "has not agreed"),
    ],
)
def test_a_story_without_consent_cannot_be_approved(coordinator, sends, changes, why):
    story = StoryFactory(**changes)

    with pytest.raises(ValidationError, match=why):
        sends(story_approve, story=story, by=coordinator)

    story.refresh_from_db()
    assert story.approved_at is None
    assert story.status != Story.Status.APPROVED
    assert mail.outbox == []


def test_nothing_is_emailed_when_the_change_is_rolled_back(
    coordinator, django_capture_on_commit_callbacks
):
    """Emails wait for the commit: a change undone sends nothing."""
    application = ApplicationFactory()

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        application_review(application=application, by=coordinator)
        raise RuntimeError

    assert callbacks == []
    assert mail.outbox == []
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert not ApplicationEvent.objects.exists()
