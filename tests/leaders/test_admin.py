"""The back office for applications, leaders, training, activities and
stories, used as coordinators use it."""

import datetime
import html
import re

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from citizenleaders.models import StaffRole
from citizenleaders.roles import Role
from leaders.models import Activity, Application, Leader, Module, Story, TrainingRecord
from tests.leaders.factories import (
    ActivityFactory,
    ApplicationFactory,
    LeaderFactory,
    StoryFactory,
    council,
)

pytestmark = pytest.mark.django_db

LEEDS, BRADFORD, WESTMINSTER = "E08000035", "E08000032", "E09000033"
APPLICATIONS = "/admin/leaders/application/"
LEADERS = "/admin/leaders/leader/"
TRAINING = "/admin/leaders/trainingrecord/"
ACTIVITIES = "/admin/leaders/activity/"
STORIES = "/admin/leaders/story/"


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def listed(response):
    return list(response.context["cl"].result_list)


def step_url(obj, step):
    return reverse(f"admin:leaders_{obj._meta.model_name}_{step}", args=[obj.pk])


def change_url(obj):
    return reverse(f"admin:leaders_{obj._meta.model_name}_change", args=[obj.pk])


def run_action(client, url, action, objects, **data):
    return client.post(
        url, {"action": action, "_selected_action": [obj.pk for obj in objects], **data}
    )


@pytest.fixture
def national(client, national_coordinator):
    client.force_login(national_coordinator)
    return national_coordinator


@pytest.fixture
def regional(client, regional_coordinator):
    client.force_login(regional_coordinator)
    return regional_coordinator


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """Send the emails a request would send once it commits."""

    def run(request):
        with django_capture_on_commit_callbacks(execute=True):
            return request()

    return run


def under_review(**kwargs):
    return ApplicationFactory(status=Application.Status.UNDER_REVIEW, **kwargs)


# Moving an application on, with a confirmation step ---------------------------------------


def test_an_application_is_moved_to_under_review_after_confirming(client, national, commits):
    application = ApplicationFactory(full_name="Amina Khan")

    page = client.get(change_url(application)).content.decode()
    assert f'href="{step_url(application, "review")}"' in page
    assert step_url(application, "accept") not in page  # not until it is under review

    confirm = client.get(step_url(application, "review"))
    assert confirm.status_code == 200
    assert f"We will email {application.user.email}." in confirm.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED  # nothing happens on GET

    response = commits(lambda: client.post(step_url(application, "review")))

    assert response.status_code == 302
    assert response["Location"] == change_url(application)
    assert messages_of(response) == [
        f"{application.reference} is now under review. We have emailed Amina Khan."
    ]
    application.refresh_from_db()
    assert application.status == Application.Status.UNDER_REVIEW
    assert application.events.get().by == national
    assert [email.to for email in mail.outbox] == [[application.user.email]]


def test_an_applicant_is_invited_to_interview_at_a_uk_time(client, national, commits):
    application = under_review()

    response = commits(
        lambda: client.post(
            step_url(application, "invite"),
            {"interview_at": "2030-07-01T14:30", "details": "At the Leeds Civic Hall."},
        )
    )

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.INTERVIEW
    assert application.interview_at == datetime.datetime(2030, 7, 1, 13, 30, tzinfo=datetime.UTC)
    [email] = mail.outbox
    assert "When: Monday 1 July 2030 at 2:30pm (UK time)" in email.body
    assert "At the Leeds Civic Hall." in email.body
    page = client.get(change_url(application)).content.decode()
    assert "Interview on Monday 1 July 2030 at 2:30pm." in page


def test_an_interview_needs_a_date_and_time_in_the_future(client, national, commits):
    application = under_review()

    missing = commits(lambda: client.post(step_url(application, "invite"), {"details": ""}))
    past = commits(
        lambda: client.post(step_url(application, "invite"), {"interview_at": "2001-01-01T10:00"})
    )

    assert missing.status_code == 200
    assert "Enter the date and time of the interview" in missing.content.decode()
    assert "The interview must be in the future" in past.content.decode()
    assert "<title>Error: " in past.content.decode()
    application.refresh_from_db()
    assert (application.status, application.interview_at) == (
        Application.Status.UNDER_REVIEW,
        None,
    )
    assert mail.outbox == []


def test_accepting_makes_the_applicant_a_leader_in_training(client, national, commits):
    application = under_review(full_name="Amina Khan", local_authority=council(BRADFORD))

    response = commits(lambda: client.post(step_url(application, "accept")))

    assert response.status_code == 302
    assert messages_of(response) == [
        f"{application.reference} is accepted: Amina Khan is now a Citizen Leader in training. "
        "We have emailed them."
    ]
    leader = Leader.objects.get(user=application.user)
    assert leader.status == Leader.Status.IN_TRAINING
    assert leader.local_authority.gss_code == BRADFORD
    assert leader.training.count() == Module.objects.count()
    assert mail.outbox[0].subject == "Welcome to Citizen Leaders: your application is accepted"
    leader_page = client.get(change_url(leader)).content.decode()
    required = Module.objects.filter(is_required=True).count()
    assert f"0 of {required} completed" in leader_page


def test_declining_without_a_reason_shows_an_error_and_changes_nothing(client, national, commits):
    application = under_review()

    response = commits(lambda: client.post(step_url(application, "decline"), {"reason": "  "}))

    assert response.status_code == 200
    assert "Enter the reason for declining. It is sent to the applicant" in (
        response.content.decode()
    )
    application.refresh_from_db()
    assert application.status == Application.Status.UNDER_REVIEW
    assert not application.events.exists()
    assert mail.outbox == []


def test_declining_with_a_reason_tells_the_applicant(client, national, commits):
    application = under_review()
    reason = "We have no places in Leeds this year."

    response = commits(lambda: client.post(step_url(application, "decline"), {"reason": reason}))

    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.status, application.decline_reason) == (
        Application.Status.DECLINED,
        reason,
    )
    assert reason in mail.outbox[0].body


def test_a_step_that_cannot_be_taken_now_is_explained_and_does_nothing(client, national, commits):
    application = ApplicationFactory()  # submitted, not yet under review

    page = client.get(step_url(application, "accept")).content.decode()
    response = commits(lambda: client.post(step_url(application, "accept")))

    assert (
        f"You cannot accept {application.reference}: it is not under review yet. "
        "Move it to under review first."
    ) in page
    assert 'value="Accept"' not in page
    assert response.status_code == 200
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert not Leader.objects.exists()
    assert mail.outbox == []


def test_moving_several_applications_to_under_review_asks_first(client, national, commits):
    waiting = [ApplicationFactory() for _ in range(2)]
    declined = ApplicationFactory(status=Application.Status.DECLINED)
    chosen = [*waiting, declined]

    confirm = run_action(client, APPLICATIONS, "review_selected", chosen)
    assert confirm.status_code == 200
    assert "1 other application you chose is not waiting for review" in confirm.content.decode()
    assert set(
        Application.objects.filter(pk__in=[a.pk for a in waiting]).values_list("status", flat=True)
    ) == {Application.Status.SUBMITTED}

    response = commits(
        lambda: run_action(client, APPLICATIONS, "review_selected", chosen, post="yes")
    )

    assert response.status_code == 302
    assert messages_of(response) == [
        "Moved 2 applications to under review. We have emailed each applicant."
    ]
    for application in waiting:
        application.refresh_from_db()
        assert application.status == Application.Status.UNDER_REVIEW
    declined.refresh_from_db()
    assert declined.status == Application.Status.DECLINED
    assert sorted(email.to[0] for email in mail.outbox) == sorted(a.user.email for a in waiting)


# What an application shows ---------------------------------------------------------------


def test_the_application_page_shows_every_answer_read_only(client, national):
    application = under_review(
        full_name="Amina Khan",
        preferred_name="Amina",
        phone="0113 496 0000",
        is_carer=True,
        support_experience="I manage my mum’s direct payment.",
        other_skills="Knitting",
        days=["monday", "friday"],
        access_needs="A hearing loop, please.",
        formats=["large_print"],
        contact_methods=["text"],
    )

    page = client.get(change_url(application)).content.decode()

    for answer in [
        "Amina Khan",
        "0113 496 0000",
        "I manage my mum’s direct payment.",
        "Leeds",
        "Yorkshire and The Humber",
        "Knitting",
        "Monday, Friday",
        "A hearing loop, please.",
        "Large print",
        "Text message",
        application.user.email,
    ]:
        assert answer in page, answer
    for field in ["full_name", "phone", "support_experience", "status", "decline_reason"]:
        assert f'name="{field}"' not in page
    assert 'name="notes"' in page


def test_the_status_cannot_be_posted_directly_but_notes_can_be_kept(client, national):
    application = ApplicationFactory()

    response = client.post(
        change_url(application),
        {
            "notes": "Called her on Tuesday.",
            "status": Application.Status.ACCEPTED,
            "decided_at": "2030-01-01 10:00",
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.notes == "Called her on Tuesday."
    assert application.status == Application.Status.SUBMITTED
    assert application.decided_at is None
    assert not Leader.objects.exists()


def test_applications_are_not_added_in_the_back_office(client, national):
    assert client.get("/admin/leaders/application/add/").status_code == 403


def test_find_an_application_by_its_reference(client, national):
    wanted = ApplicationFactory()
    ApplicationFactory()

    assert listed(client.get(APPLICATIONS, {"q": wanted.reference})) == [wanted]
    assert listed(client.get(APPLICATIONS, {"q": wanted.reference.lower()})) == [wanted]


def filter_links(response, title):
    """The (name, address) of each choice a list filter offers."""
    page = response.content.decode()
    found = re.search(rf'<details data-filter-title="{title}".*?</details>', page, re.S)
    if found is None:
        return []
    links = re.findall(r'<a href="([^"]*)">([^<]*)</a>', found.group())
    return [(name.strip(), html.unescape(href)) for href, name in links]


def test_the_council_filter_offers_the_councils_of_the_chosen_region(client, national):
    leeds = LeaderFactory(local_authority=council(LEEDS))
    westminster = LeaderFactory(local_authority=council(WESTMINSTER))
    yorkshire = council(LEEDS).region

    # 153 councils would be a long list to tab through: a region comes first.
    assert filter_links(client.get(LEADERS), "council area") == []
    response = client.get(LEADERS, {"region": yorkshire.pk})
    councils = dict(filter_links(response, "council area"))
    assert "Leeds" in councils
    assert "Bradford" in councils
    assert "Westminster" not in councils
    assert set(listed(response)) == {leeds}

    response = client.get(LEADERS + councils["Leeds"])
    assert listed(response) == [leeds]
    assert f'<a href="{change_url(leeds)}?_changelist_filters=' in response.content.decode()
    # Choosing another region drops the council, which is not in it.
    london = dict(filter_links(response, "region"))["London"]
    assert "local_authority" not in london
    assert listed(client.get(LEADERS + london)) == [westminster]


def test_a_regional_coordinator_is_offered_their_own_regions_councils(client, regional):
    response = client.get(LEADERS)

    councils = dict(filter_links(response, "council area"))
    assert {"Leeds", "Bradford"} <= set(councils)
    assert "Westminster" not in councils


def test_filter_applications_by_connection_and_council(client, national):
    carer = ApplicationFactory(is_carer=True, local_authority=council(BRADFORD))
    older = ApplicationFactory(is_older_person=True)

    assert listed(client.get(APPLICATIONS, {"connection": "carer"})) == [carer]
    assert listed(client.get(APPLICATIONS, {"connection": "older"})) == [older]
    bradford = council(BRADFORD).pk
    assert listed(client.get(APPLICATIONS, {"local_authority__id__exact": bradford})) == [carer]


# Regional coordinators: their region only -------------------------------------------------


def test_a_regional_coordinator_sees_and_acts_on_their_region_only(client, regional, commits):
    leeds = ApplicationFactory(local_authority=council(LEEDS))
    westminster = ApplicationFactory(local_authority=council(WESTMINSTER))

    assert listed(client.get(APPLICATIONS)) == [leeds]
    assert client.get(change_url(westminster)).status_code == 404  # as if it did not exist
    for step in ["review", "invite", "accept", "decline"]:
        assert client.get(step_url(westminster, step)).status_code == 404
    response = commits(lambda: client.post(step_url(westminster, "review")))
    chosen = [leeds, westminster]
    commits(lambda: run_action(client, APPLICATIONS, "review_selected", chosen, post="yes"))

    assert response.status_code == 404
    westminster.refresh_from_db()
    assert westminster.status == Application.Status.SUBMITTED
    leeds.refresh_from_db()
    assert leeds.status == Application.Status.UNDER_REVIEW
    assert [email.to for email in mail.outbox] == [[leeds.user.email]]


def test_a_regional_coordinator_is_offered_only_their_region(client, regional):
    page = client.get(APPLICATIONS).content.decode()

    assert "Yorkshire and The Humber" in page
    assert "London" not in page


def test_a_regional_coordinator_cannot_act_on_other_regions_records(client, regional, commits):
    leader = LeaderFactory(local_authority=council(WESTMINSTER))
    activity = ActivityFactory(leader=leader)
    story = StoryFactory(leader=leader)
    record = TrainingRecord.objects.create(leader=leader, module=Module.objects.first())

    assert client.post(step_url(leader, "pause")).status_code == 404
    assert client.post(step_url(activity, "verify")).status_code == 404
    assert client.post(step_url(story, "approve")).status_code == 404
    commits(lambda: run_action(client, ACTIVITIES, "verify_selected", [activity]))
    commits(
        lambda: run_action(
            client,
            TRAINING,
            "mark_completed",
            [record],
            post="yes",
            completed_on=timezone.localdate().isoformat(),
            trainer="Sam Patel",
        )
    )

    leader.refresh_from_db()
    activity.refresh_from_db()
    story.refresh_from_db()
    record.refresh_from_db()
    assert leader.status == Leader.Status.ACTIVE
    assert activity.status == Activity.Status.PENDING
    assert story.status == Story.Status.SUBMITTED
    assert record.status == TrainingRecord.Status.NOT_STARTED
    assert mail.outbox == []


def test_a_regional_coordinator_sees_the_curriculum_but_cannot_change_it(client, regional):
    module = Module.objects.first()

    assert client.get("/admin/leaders/module/").status_code == 200
    response = client.post(change_url(module), {"title": "Changed", "slug": module.slug})

    assert response.status_code == 403
    module.refresh_from_db()
    assert module.title != "Changed"


# Leaders and training ---------------------------------------------------------------------


def leader_in_training(**kwargs):
    leader = LeaderFactory(status=Leader.Status.IN_TRAINING, **kwargs)
    TrainingRecord.objects.bulk_create(
        TrainingRecord(leader=leader, module=module) for module in Module.objects.all()
    )
    return leader


def test_a_session_is_marked_completed_with_its_date_and_trainer(client, national, commits):
    last = Module.objects.filter(is_required=True).last()
    nearly = leader_in_training()
    nearly.training.filter(module__is_required=True).exclude(module=last).update(
        status=TrainingRecord.Status.COMPLETED, completed_on="2030-01-01"
    )
    starting = leader_in_training()
    records = list(TrainingRecord.objects.filter(module=last))
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    confirm = run_action(client, TRAINING, "mark_completed", records)
    assert confirm.status_code == 200
    assert "These 2 training records will be marked completed." in confirm.content.decode()
    assert 'name="trainer"' in confirm.content.decode()

    response = commits(
        lambda: run_action(
            client,
            TRAINING,
            "mark_completed",
            records,
            post="yes",
            completed_on=yesterday.isoformat(),
            trainer="Sam Patel",
        )
    )

    assert response.status_code == 302
    assert messages_of(response) == [
        f"Marked 2 training records as completed. Now active, and emailed: {nearly}."
    ]
    assert set(
        TrainingRecord.objects.filter(module=last).values_list("status", "completed_on", "trainer")
    ) == {(TrainingRecord.Status.COMPLETED, yesterday, "Sam Patel")}
    nearly.refresh_from_db()
    starting.refresh_from_db()
    assert (nearly.status, starting.status) == (Leader.Status.ACTIVE, Leader.Status.IN_TRAINING)
    assert [email.to for email in mail.outbox] == [[nearly.user.email]]


def test_marking_completed_needs_the_trainer(client, national):
    leader = leader_in_training()
    record = leader.training.first()

    response = run_action(
        client,
        TRAINING,
        "mark_completed",
        [record],
        post="yes",
        completed_on=timezone.localdate().isoformat(),
        trainer="",
    )

    assert response.status_code == 200
    assert "Enter the name of the trainer" in response.content.decode()
    record.refresh_from_db()
    assert record.status == TrainingRecord.Status.NOT_STARTED


def test_a_leader_is_paused_from_their_page(client, national, commits):
    leader = LeaderFactory()

    assert step_url(leader, "pause") in client.get(change_url(leader)).content.decode()
    response = commits(lambda: client.post(step_url(leader, "pause")))

    assert messages_of(response) == [f"{leader} is now paused. We have emailed them."]
    leader.refresh_from_db()
    assert leader.status == Leader.Status.PAUSED
    assert mail.outbox[0].subject == "Your Citizen Leader role is paused"
    page = client.get(change_url(leader)).content.decode()
    assert step_url(leader, "reactivate") in page
    assert step_url(leader, "pause") not in page


def test_a_paused_leader_without_their_training_goes_back_to_training(client, national, commits):
    leader = leader_in_training()
    leader.status = Leader.Status.PAUSED
    leader.save()

    confirm = client.get(step_url(leader, "reactivate")).content.decode()
    commits(lambda: client.post(step_url(leader, "reactivate")))

    assert "they will go back to training" in confirm
    leader.refresh_from_db()
    assert leader.status == Leader.Status.IN_TRAINING


def test_the_leader_list_shows_training_progress_and_filters_by_it(client, national):
    done = leader_in_training()
    done.training.filter(module__is_required=True).update(
        status=TrainingRecord.Status.COMPLETED, completed_on="2030-01-01"
    )
    started = leader_in_training()
    first = started.training.filter(module__is_required=True).first()
    first.status, first.completed_on = TrainingRecord.Status.COMPLETED, "2030-01-01"
    first.save()
    required = Module.objects.filter(is_required=True).count()

    page = client.get(LEADERS).content.decode()
    column = re.findall(r'class="field-training_progress">([^<]*)<', page)

    assert sorted(column) == sorted(
        [f"{required} of {required} completed", f"1 of {required} completed"]
    )
    assert listed(client.get(LEADERS, {"training": "complete"})) == [done]
    assert listed(client.get(LEADERS, {"training": "incomplete"})) == [started]


def rows_drawn(response):
    """Whether the list's table of rows was drawn for this request, rather
    than taken as kept."""
    return "admin/change_list_results.html" in [template.name for template in response.templates]


def names_in(response):
    return re.findall(r'class="field-name"><a href="[^"]*">([^<]*)<', response.content.decode())


def test_the_leader_list_is_kept_and_follows_every_change_at_once(client, national):
    leader = leader_in_training(user__full_name="Amira Khan")
    first = client.get(LEADERS)
    assert rows_drawn(first) and names_in(first) == ["Amira Khan"]
    again = client.get(LEADERS)
    assert not rows_drawn(again) and names_in(again) == ["Amira Khan"]
    assert client.get(LEADERS, {"o": "2"}).status_code == 200  # another address: its own rows

    # Writes that send no signals, as imports and scripts make them.
    type(leader.user).objects.filter(pk=leader.user_id).update(full_name="Amira Shah")
    assert names_in(client.get(LEADERS)) == ["Amira Shah"]
    Leader.objects.filter(pk=leader.pk).update(status=Leader.Status.PAUSED)
    assert 'class="field-status">Paused<' in client.get(LEADERS).content.decode()
    leader.training.filter(module__is_required=True).update(
        status=TrainingRecord.Status.COMPLETED, completed_on="2030-01-01"
    )
    required = Module.objects.filter(is_required=True).count()
    page = client.get(LEADERS).content.decode()
    assert f'class="field-training_progress">{required} of {required} completed<' in page
    type(council(LEEDS)).objects.filter(gss_code=LEEDS).update(name="Leeds City")
    assert ">Leeds City<" in client.get(LEADERS).content.decode()
    Leader.objects.filter(pk=leader.pk).delete()
    assert names_in(client.get(LEADERS)) == []


def test_kept_rows_are_never_shown_outside_the_persons_scope(client, national, person):
    for gss_code, name in [(LEEDS, "Leeds Leader"), (WESTMINSTER, "London Leader")]:
        LeaderFactory(
            local_authority=council(gss_code),
            user__full_name=name,
            status=Leader.Status.ACTIVE,
            in_directory=True,
        )
    assert sorted(names_in(client.get(LEADERS))) == ["Leeds Leader", "London Leader"]

    client.force_login(person(Role.REGIONAL_COORDINATOR))
    response = client.get(LEADERS)
    assert names_in(response) == ["Leeds Leader"]

    staff = person(Role.COUNCIL_STAFF)
    StaffRole.objects.filter(user=staff).update(admin_access=True)
    client.force_login(staff)
    page = client.get(LEADERS).content.decode()
    # Council staff see the directory's columns: no status, no other council.
    assert "column-directory_name" in page and "column-status" not in page
    assert "Leeds Leader" in page and "London Leader" not in page


def test_a_new_module_gives_every_current_leader_a_record(client, national):
    leader = leader_in_training()
    gone = LeaderFactory(status=Leader.Status.LEFT)

    response = client.post(
        "/admin/leaders/module/add/",
        {
            "title": "Using social media safely",
            "slug": "social-media",
            "description": "",
            "is_required": "",
            "position": "20",
        },
    )

    assert response.status_code == 302
    module = Module.objects.get(slug="social-media")
    assert leader.training.filter(module=module, status="not_started").exists()
    assert not gone.training.exists()


# Activities and stories ----------------------------------------------------------------------


def test_activities_are_verified_from_the_list(client, regional):
    pending = ActivityFactory()
    verified = ActivityFactory(status=Activity.Status.VERIFIED)

    response = run_action(client, ACTIVITIES, "verify_selected", [pending, verified])

    assert messages_of(response) == ["Verified 1 activity. 1 other was already verified."]
    pending.refresh_from_db()
    assert (pending.status, pending.checked_by) == (Activity.Status.VERIFIED, regional)


def test_a_question_is_asked_about_one_activity(client, national, commits):
    activity = ActivityFactory()

    chosen = run_action(client, ACTIVITIES, "query_selected", [activity])
    assert chosen["Location"] == step_url(activity, "query")
    too_many = run_action(client, ACTIVITIES, "query_selected", [activity, ActivityFactory()])
    assert messages_of(too_many) == ["Choose one activity to ask a question about."]
    empty = client.post(step_url(activity, "query"), {"question": ""})
    assert "Enter your question for the leader" in empty.content.decode()

    response = commits(
        lambda: client.post(step_url(activity, "query"), {"question": "Which council was it?"})
    )

    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.status, activity.query) == (Activity.Status.QUERIED, "Which council was it?")
    [email] = mail.outbox
    assert email.to == [activity.leader.user.email]
    assert "Which council was it?" in email.body


def test_the_activity_page_has_nothing_to_save(client, national):
    activity = ActivityFactory()

    page = client.get(change_url(activity)).content.decode()

    assert 'name="_save"' not in page
    assert 'name="hours"' not in page
    assert step_url(activity, "verify") in page


def test_stories_are_approved_after_confirming(client, national, commits):
    story = StoryFactory()
    withdrawn = StoryFactory(status=Story.Status.WITHDRAWN, title="Taken back")

    confirm = run_action(client, STORIES, "approve_selected", [story, withdrawn])
    assert confirm.status_code == 200
    assert "has withdrawn their consent" in confirm.content.decode()
    story.refresh_from_db()
    assert story.status == Story.Status.SUBMITTED

    response = commits(
        lambda: run_action(client, STORIES, "approve_selected", [story, withdrawn], post="yes")
    )

    assert messages_of(response) == ["Approved 1 story. We have emailed the leader."]
    story.refresh_from_db()
    withdrawn.refresh_from_db()
    assert (story.status, story.approved_by) == (Story.Status.APPROVED, national)
    assert withdrawn.status == Story.Status.WITHDRAWN
    assert [email.to for email in mail.outbox] == [[story.leader.user.email]]


def test_a_story_is_approved_from_its_page(client, regional, commits):
    story = StoryFactory()

    response = commits(lambda: client.post(step_url(story, "approve")))

    assert response.status_code == 302
    story.refresh_from_db()
    assert story.status == Story.Status.APPROVED
    assert step_url(story, "approve") not in client.get(change_url(story)).content.decode()


# Queries do not grow with the rows -------------------------------------------------------------


def queries_for(client, url):
    cache.clear()  # each list drawn afresh, not kept
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def make_rows(count):
    # No passwords: hashing them would be most of the test's time.
    for _ in range(count):
        leader = leader_in_training(local_authority=council(BRADFORD), user__password=None)
        ApplicationFactory(is_carer=True, user__password=None)
        ActivityFactory(leader=leader, checked_by=None)
        StoryFactory(leader=leader)


@pytest.mark.parametrize("url", [APPLICATIONS, LEADERS, TRAINING, ACTIVITIES, STORIES])
def test_the_lists_run_the_same_queries_for_2_or_20_rows(client, national, url):
    make_rows(2)
    client.get(url)  # content types and the like, cached once

    few = queries_for(client, url)
    make_rows(18)
    many = queries_for(client, url)

    assert few == many
