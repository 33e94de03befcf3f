"""The application journey at /apply/: start page, question pages that save as
they go, checking answers, sending once, and withdrawing."""

import datetime
import re
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.forms.models import model_to_dict
from django.test import TestCase
from django.urls import reverse
from django.utils.html import escape

from citizenleaders.roles import Role
from leaders.application_sections import SECTIONS, SectionState, section_states
from leaders.models import Application, ApplicationEvent, Interest, Skill
from leaders.services import applications as services
from leaders.services.applications import (
    application_save_section,
    application_start,
    application_submit,
    application_withdraw,
)
from tests.citizenleaders.factories import UserFactory
from tests.conftest import log_in, make_person
from tests.leaders.factories import ApplicationFactory, council

pytestmark = pytest.mark.django_db

START = reverse("apply:start")
TASKS = reverse("apply:tasks")
CHECK = reverse("apply:check")
SUBMIT = reverse("apply:submit")
CONFIRMATION = reverse("apply:confirmation")
WITHDRAW = reverse("apply:withdraw")


def section_url(slug, **query):
    url = reverse("apply:section", kwargs={"section": slug})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def valid_answers():
    """What a person would send on each page, as the browser posts it."""
    return {
        "about-you": {"full_name": "Sam Jones", "preferred_name": "Sam", "phone": "07700 900 982"},
        "connection": {
            "connections": ["is_disabled_person", "is_carer"],
            "support_experience": "I have had a direct payment for six years.",
        },
        "where-you-live": {"local_authority": str(council("E08000035").pk)},
        "what-you-would-like-to-do": {
            "interests": [str(Interest.objects.get(slug="sharing-my-story").pk)],
            "skills": [str(Skill.objects.get(slug="public-speaking").pk)],
            "other_skills": "I speak Urdu.",
        },
        "when-and-how": {
            "days": ["wednesday", "monday"],
            "times": ["daytime"],
            "ways": ["online", "in_person"],
            "travel": "region",
        },
        "support": {
            "access_needs": "A hearing loop, please.",
            "formats": ["large_print"],
            "contact_methods": ["email", "text"],
        },
        "consent": {"agree": "on"},
    }


def fill_in(client, *, except_for=()):
    for slug, data in valid_answers().items():
        if slug not in except_for:
            response = client.post(section_url(slug), data)
            assert response.status_code == 302, response.content.decode()[:3000]


@pytest.fixture
def applicant_client(client, member):
    client.force_login(member)
    client.user = member
    return client


@pytest.fixture
def complete_draft(applicant_client):
    fill_in(applicant_client)
    return applicant_client.user.applications.get()


def snapshot(application):
    """Everything stored about an application, to show a page changed nothing."""
    application.refresh_from_db()
    return {
        **model_to_dict(application),
        "interests": sorted(application.interests.values_list("pk", flat=True)),
        "skills": sorted(application.skills.values_list("pk", flat=True)),
        "updated_at": application.updated_at,
    }


# The start page -----------------------------------------------------------------


def test_the_start_page_says_who_can_apply_how_long_it_takes_and_what_happens_next(client):
    response = client.get(START)

    assert response.status_code == 200
    page = response.content.decode()
    for who in ("a disabled person", "an older person", "a carer", "family member or friend"):
        assert who in page
    assert "about 20 minutes" in page
    assert "within about 4 weeks" in page
    assert "interview" in page


def test_starting_sends_a_visitor_to_sign_up_or_log_in_and_back_to_their_application(client):
    page = client.get(START).content.decode()

    assert f'href="/accounts/signup/?next={TASKS.replace("/", "%2F")}"' in page
    assert f'href="/accounts/login/?next={TASKS.replace("/", "%2F")}"' in page


def sign_up_and_confirm(client):
    # The confirmation email is sent once the sign-up commits.
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(
            "/accounts/signup/",
            {
                "email": "new.applicant@example.org",
                "password1": "a-long-new-password-77",
                "password2": "a-long-new-password-77",
                "next": TASKS,
            },
        )
    link = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[-1].body).group(1)
    return client.post(link)


def test_signing_up_brings_the_person_straight_back_to_their_application(client):
    response = sign_up_and_confirm(client)

    assert response["Location"] == TASKS
    assert client.get(TASKS).status_code == 200


def test_logging_in_brings_the_person_straight_back_to_their_application(client, member):
    response = client.post(
        "/accounts/login/",
        {"login": member.email, "password": "a-long-test-password-42", "next": TASKS},
    )

    assert response["Location"] == TASKS


@pytest.mark.parametrize(
    "url",
    [TASKS, section_url("about-you"), section_url("where-you-live"), CHECK, CONFIRMATION, WITHDRAW],
)
def test_a_visitor_is_asked_to_log_in_and_comes_back_after(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url.replace('?', '%3F')}"


def test_sending_needs_a_log_in_too(client):
    response = client.post(SUBMIT)

    assert response["Location"].startswith("/accounts/login/?next=")


def test_someone_with_a_draft_is_offered_to_carry_on(applicant_client):
    applicant_client.post(section_url("about-you"), valid_answers()["about-you"])

    page = applicant_client.get(START).content.decode()

    assert "Continue your application" in page
    assert f'href="{TASKS}"' in page


def test_a_leader_is_told_they_are_already_a_leader(client):
    client.force_login(make_person(Role.LEADER))

    page = client.get(START).content.decode()

    assert "You are already a Citizen Leader" in page
    assert "Start now" not in page
    for url in (TASKS, section_url("about-you"), CHECK):
        assert client.get(url)["Location"] == START


def test_someone_accepted_is_told_they_are_already_a_leader(client, member):
    ApplicationFactory(user=member, status=Application.Status.ACCEPTED)
    client.force_login(member)

    assert "You are already a Citizen Leader" in client.get(START).content.decode()
    assert client.get(TASKS)["Location"] == START


# The task list ------------------------------------------------------------------


def test_the_task_list_starts_with_every_section_not_yet_started_and_saves_nothing(
    applicant_client,
):
    response = applicant_client.get(TASKS)

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("Not yet started") == len(SECTIONS)
    assert "Cannot start yet" in page
    assert "You have completed 0 of 7 sections" in page
    assert not Application.objects.exists()


def test_each_section_is_not_yet_started_then_incomplete_then_completed(applicant_client):
    user = applicant_client.user
    skills = Skill.objects.all()[:1]
    application = application_save_section(user=user, answers={"skills": skills})
    states = dict((section.slug, state) for section, state in section_states(application))
    assert states["what-you-would-like-to-do"] == SectionState.INCOMPLETE
    assert states["about-you"] == SectionState.NOT_STARTED

    applicant_client.post(
        section_url("what-you-would-like-to-do"), valid_answers()["what-you-would-like-to-do"]
    )
    page = applicant_client.get(TASKS).content.decode()

    assert re.search(r"What you would like to do</a>\s*</div>\s*<div[^>]*>\s*Completed", page)


# Question pages: each field's message, and a rejected page saves nothing ---------

REJECTED = [
    ("about-you", {"full_name": ""}, "full_name", "Enter your full name"),
    (
        "about-you",
        {"full_name": "x" * 201},
        "full_name",
        "Full name must be 200 characters or fewer",
    ),
    (
        "about-you",
        {"full_name": "Sam", "preferred_name": "x" * 101},
        "preferred_name",
        "The name to use must be 100 characters or fewer",
    ),
    (
        "about-you",
        {"full_name": "Sam", "phone": "call me"},
        "phone",
        "Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192",
    ),
    (
        "connection",
        {"support_experience": "Some"},
        "connections",
        "Select at least one connection to adult social care",
    ),
    (
        "connection",
        {"connections": ["is_carer"], "support_experience": ""},
        "support_experience",
        "Tell us about your experience of self-directed support",
    ),
    (
        "connection",
        {"connections": ["is_carer"], "support_experience": "x" * 2001},
        "support_experience",
        "Your experience of self-directed support must be 2,000 characters or fewer",
    ),
    ("where-you-live", {}, "local_authority", "Select your council area"),
    (
        "where-you-live",
        {"local_authority": "999999"},
        "local_authority",
        "Select your council area from the list",
    ),
    (
        "what-you-would-like-to-do",
        {"other_skills": "Listening"},
        "interests",
        "Select at least one thing you would like to do",
    ),
    (
        "what-you-would-like-to-do",
        {"interests": ["999999"]},
        "interests",
        "Select from the list",
    ),
    (
        "what-you-would-like-to-do",
        {"interests": [], "other_skills": "x" * 2001},
        "other_skills",
        "Other skills must be 2,000 characters or fewer",
    ),
    (
        "what-you-would-like-to-do",
        {"interests": [], "skills": ["999999"]},
        "skills",
        "Select from the list",
    ),
    (
        "when-and-how",
        {"times": ["daytime"], "ways": ["online"], "travel": "local"},
        "days",
        "Select at least one day you could take part",
    ),
    (
        "when-and-how",
        {"days": ["monday"], "ways": ["online"], "travel": "local"},
        "times",
        "Select daytime, evenings or both",
    ),
    (
        "when-and-how",
        {"days": ["monday"], "times": ["evenings"], "travel": "local"},
        "ways",
        "Select online, in person or both",
    ),
    (
        "when-and-how",
        {"days": ["monday"], "times": ["evenings"], "ways": ["online"]},
        "travel",
        "Select how far you could travel",
    ),
    (
        "support",
        {"access_needs": "Breaks", "formats": ["audio"]},
        "contact_methods",
        "Select at least one way we can contact you",
    ),
    (
        "support",
        {"access_needs": "x" * 2001, "contact_methods": ["email"]},
        "access_needs",
        "The support you need must be 2,000 characters or fewer",
    ),
    (
        "support",
        {"formats": ["braille"], "contact_methods": ["email"]},
        "formats",
        "Select from the list",
    ),
    ("consent", {}, "agree", "Select the box to agree to how we use your information"),
]


@pytest.mark.parametrize(("slug", "data", "field", "message"), REJECTED)
def test_a_rejected_page_explains_itself_and_saves_nothing(
    applicant_client, slug, data, field, message
):
    fill_in(applicant_client, except_for={"consent"})
    application = applicant_client.user.applications.get()
    before = snapshot(application)

    response = applicant_client.post(section_url(slug), data)

    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(r"<title>Error: ", page)
    # In the error summary, linked to the field, and by the field itself.
    assert f'<a href="#id_{field}">{message}</a>' in page
    assert f'id="id_{field}"' in page
    assert f'<p id="id_{field}-error" class="govuk-error-message">' in page
    assert snapshot(application) == before


@pytest.mark.parametrize(("slug", "data", "field", "message"), REJECTED[:1] + REJECTED[7:8])
def test_a_rejected_first_page_does_not_start_an_application(
    applicant_client, slug, data, field, message
):
    applicant_client.post(section_url(slug), data)

    assert not Application.objects.exists()


def test_every_page_stores_its_answers(applicant_client):
    fill_in(applicant_client)

    application = applicant_client.user.applications.get()
    assert application.status == Application.Status.DRAFT
    assert (application.full_name, application.preferred_name, application.phone) == (
        "Sam Jones",
        "Sam",
        "07700 900 982",
    )
    assert application.is_disabled_person and application.is_carer
    assert not application.is_older_person and not application.is_family_or_friend
    assert application.support_experience == "I have had a direct payment for six years."
    assert application.local_authority == council("E08000035")
    assert [i.slug for i in application.interests.all()] == ["sharing-my-story"]
    assert [s.slug for s in application.skills.all()] == ["public-speaking"]
    assert application.other_skills == "I speak Urdu."
    assert application.days == ["monday", "wednesday"]
    assert application.available_daytime and not application.available_evenings
    assert application.available_online and application.available_in_person
    assert application.travel == "region"
    assert application.access_needs == "A hearing loop, please."
    assert application.formats == ["large_print"]
    assert application.contact_methods == ["email", "text"]
    assert application.consented_at is not None


def test_agreeing_again_keeps_the_moment_the_person_first_agreed(complete_draft, applicant_client):
    first = complete_draft.consented_at

    applicant_client.post(section_url("consent"), {"agree": "on"})

    complete_draft.refresh_from_db()
    assert complete_draft.consented_at == first


def test_the_full_name_starts_as_the_name_on_the_account(applicant_client):
    page = applicant_client.get(section_url("about-you")).content.decode()

    assert f'value="{escape(applicant_client.user.full_name)}"' in page
    assert not Application.objects.exists()


def test_single_question_pages_use_the_question_as_the_heading(applicant_client):
    page = applicant_client.get(section_url("where-you-live")).content.decode()

    assert re.search(
        r'<h1 class="govuk-label-wrapper"><label class="govuk-label govuk-label--l" '
        r'for="id_local_authority">Which council area do you live in\?</label></h1>',
        page,
    )
    assert page.count("<h1") == 1


def test_the_council_list_is_a_plain_select_grouped_by_region(applicant_client):
    page = applicant_client.get(section_url("where-you-live")).content.decode()

    select = re.search(r"<select[^>]*>(.*?)</select>", page, re.S).group(1)
    assert select.count("<optgroup") == 9
    assert select.count("<option") == 153 + 1
    assert '<optgroup label="Yorkshire and The Humber">' in select
    assert "js/council-autocomplete.js" in page


def test_the_error_summary_lists_the_problems_in_the_order_of_the_page(applicant_client):
    page = applicant_client.post(section_url("when-and-how"), {}).content.decode()

    start = page.index("govuk-error-summary__list")
    summary = page[start : page.index("</ul>", start)]
    assert re.findall(r'href="#id_(\w+)"', summary) == ["days", "times", "ways", "travel"]


def test_checkbox_groups_are_fieldsets_with_legends(applicant_client):
    page = applicant_client.get(section_url("when-and-how")).content.decode()

    assert page.count('<fieldset class="govuk-fieldset"') == 4
    assert "Which days could you take part?" in page
    assert re.search(r'<input class="govuk-checkboxes__input" id="id_days" name="days"', page)
    assert re.search(r'id="id_days-2" name="days" type="checkbox" value="tuesday"', page)


# Save as you go ----------------------------------------------------------------


def test_answers_are_kept_after_logging_out_and_back_in(client, member):
    log_in(client, member)
    client.post(section_url("about-you"), valid_answers()["about-you"])
    client.post(section_url("when-and-how"), valid_answers()["when-and-how"])
    client.post("/accounts/logout/")
    assert client.get(TASKS).status_code == 302

    log_in(client, member)

    page = client.get(section_url("about-you")).content.decode()
    assert 'value="Sam Jones"' in page
    assert 'value="07700 900 982"' in page
    page = client.get(section_url("when-and-how")).content.decode()
    assert re.search(r'value="wednesday" checked', page)
    assert not re.search(r'value="tuesday" checked', page)
    assert re.search(r'value="region" checked', page)
    tasks = client.get(TASKS).content.decode()
    assert "You have completed 2 of 7 sections" in tasks


def test_two_tabs_saving_at_once_make_one_application(applicant_client):
    applicant_client.post(section_url("about-you"), valid_answers()["about-you"])
    applicant_client.post(section_url("support"), valid_answers()["support"])

    assert applicant_client.user.applications.count() == 1


def test_starting_twice_gives_the_same_application(member):
    first = application_start(user=member)
    second = application_start(user=member)

    assert first == second
    assert Application.objects.count() == 1


def test_starting_at_the_same_moment_as_another_request_gives_that_requests_application(
    member,
):
    """Both requests found no application; the database lets only one insert."""
    existing = application_start(user=member)

    with mock.patch.object(services, "application_get_open", return_value=None):
        raced = application_start(user=member)

    assert raced == existing
    assert Application.objects.count() == 1


# Checking answers ---------------------------------------------------------------


def test_the_check_page_waits_until_every_section_is_complete(applicant_client):
    fill_in(applicant_client, except_for={"support"})

    response = applicant_client.get(CHECK, follow=True)

    assert response.redirect_chain == [(TASKS, 302)]
    assert "Complete every section before you check and send" in response.content.decode()


def test_the_check_page_shows_every_answer_with_a_change_link(complete_draft, applicant_client):
    page = applicant_client.get(CHECK).content.decode()

    for answer in (
        "Sam Jones",
        "07700 900 982",
        "Disabled person",
        "Carer",
        "I have had a direct payment for six years.",
        "Leeds",
        "Sharing my story",
        "Public speaking",
        "I speak Urdu.",
        "Monday",
        "Wednesday",
        "Daytime",
        "In person",
        "Within my region",
        "A hearing loop, please.",
        "Large print",
        "Text message",
        "You agreed on",
    ):
        assert answer in page, answer
    rows = sum(len(section.answers(complete_draft)) for section in SECTIONS)
    assert page.count(">Change<span") == rows
    assert f'href="{section_url("when-and-how", **{"return": "check"})}#id_days"' in page


def test_changing_an_answer_from_the_check_page_goes_back_to_it(complete_draft, applicant_client):
    url = section_url("about-you", **{"return": "check"})
    page = applicant_client.get(url).content.decode()
    assert f'<a href="{CHECK}" class="govuk-back-link">' in page

    response = applicant_client.post(url, {"full_name": "Samira Jones"})

    assert response["Location"] == CHECK
    complete_draft.refresh_from_db()
    assert complete_draft.full_name == "Samira Jones"
    assert "Samira Jones" in applicant_client.get(CHECK).content.decode()


def test_saving_a_page_without_coming_from_the_check_page_goes_to_the_task_list(
    applicant_client,
):
    response = applicant_client.post(section_url("about-you"), valid_answers()["about-you"])

    assert response["Location"] == TASKS


# Sending ------------------------------------------------------------------------


def test_sending_gives_a_reference_and_one_email_to_the_applicant(
    complete_draft, applicant_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = applicant_client.post(SUBMIT, follow=True)

    assert response.redirect_chain == [(CONFIRMATION, 302)]
    page = response.content.decode()
    reference = f"CL-{complete_draft.pk:06d}"
    assert reference in page
    assert "govuk-panel--confirmation" in page
    complete_draft.refresh_from_db()
    assert complete_draft.status == Application.Status.SUBMITTED
    assert complete_draft.submitted_at is not None
    event = ApplicationEvent.objects.get(application=complete_draft)
    assert (event.status, event.by) == ("submitted", applicant_client.user)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [applicant_client.user.email]
    assert reference in mail.outbox[0].subject
    assert reference in mail.outbox[0].body
    assert "Hello Sam," in mail.outbox[0].body


def test_sending_twice_sends_once(
    complete_draft, applicant_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        applicant_client.post(SUBMIT)
    complete_draft.refresh_from_db()
    sent_at = complete_draft.submitted_at

    with django_capture_on_commit_callbacks(execute=True):
        response = applicant_client.post(SUBMIT)

    assert response["Location"] == CONFIRMATION
    complete_draft.refresh_from_db()
    assert complete_draft.submitted_at == sent_at
    assert Application.objects.count() == 1
    assert ApplicationEvent.objects.count() == 1
    assert len(mail.outbox) == 1


def test_the_service_sends_a_sent_application_only_once(
    complete_draft, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application_submit(application=complete_draft)
        application_submit(application=complete_draft)

    assert ApplicationEvent.objects.filter(status="submitted").count() == 1
    assert len(mail.outbox) == 1


def test_an_incomplete_application_cannot_be_sent(
    applicant_client, django_capture_on_commit_callbacks
):
    fill_in(applicant_client, except_for={"consent"})

    with django_capture_on_commit_callbacks(execute=True):
        response = applicant_client.post(SUBMIT, follow=True)

    assert response.redirect_chain == [(TASKS, 302)]
    assert "Complete every section before you send your application" in response.content.decode()
    assert applicant_client.user.applications.get().status == Application.Status.DRAFT
    assert not ApplicationEvent.objects.exists()
    assert mail.outbox == []


def test_sending_is_a_post(complete_draft, applicant_client):
    assert applicant_client.get(SUBMIT).status_code == 405


def test_a_sent_application_shows_its_status_instead_of_being_changed(
    complete_draft, applicant_client
):
    application_submit(application=complete_draft)
    before = snapshot(complete_draft)

    for url in (TASKS, section_url("about-you"), CHECK):
        assert applicant_client.get(url)["Location"] == START
    response = applicant_client.post(section_url("about-you"), {"full_name": "Someone Else"})

    assert response["Location"] == START
    assert snapshot(complete_draft) == before
    page = applicant_client.get(START).content.decode()
    assert "You have already sent your application" in page
    assert complete_draft.reference in page
    assert "Start now" not in page


def test_the_service_will_not_change_a_sent_application(complete_draft):
    application_submit(application=complete_draft)

    with pytest.raises(Exception, match="already sent"):
        application_save_section(user=complete_draft.user, answers={"full_name": "Someone"})


def test_the_confirmation_page_needs_a_sent_application(applicant_client):
    assert applicant_client.get(CONFIRMATION)["Location"] == START
    fill_in(applicant_client, except_for={"consent"})
    assert applicant_client.get(CONFIRMATION)["Location"] == TASKS


# Withdrawing --------------------------------------------------------------------


def test_withdrawing_a_sent_application(
    complete_draft, applicant_client, django_capture_on_commit_callbacks
):
    application_submit(application=complete_draft)
    page = applicant_client.get(WITHDRAW).content.decode()
    assert complete_draft.reference in page

    with django_capture_on_commit_callbacks(execute=True):
        response = applicant_client.post(WITHDRAW, {"reason": "I have moved away."}, follow=True)

    assert response.redirect_chain == [(reverse("me"), 302)]
    assert f"You have withdrawn your application {complete_draft.reference}" in (
        response.content.decode()
    )
    complete_draft.refresh_from_db()
    assert complete_draft.status == Application.Status.WITHDRAWN
    event = complete_draft.events.last()
    assert complete_draft.decided_at == event.at
    assert (event.status, event.by, event.note) == (
        "withdrawn",
        applicant_client.user,
        "I have moved away.",
    )
    assert [message.to for message in mail.outbox] == [[applicant_client.user.email]]
    assert complete_draft.reference in mail.outbox[0].subject


def test_after_withdrawing_a_person_can_apply_again(complete_draft, applicant_client):
    application_submit(application=complete_draft)
    application_withdraw(application=complete_draft, by=applicant_client.user)

    assert "Start now" in applicant_client.get(START).content.decode()
    applicant_client.post(section_url("about-you"), valid_answers()["about-you"])

    assert list(
        applicant_client.user.applications.values_list("status", flat=True).order_by("pk")
    ) == [
        "withdrawn",
        "draft",
    ]


@pytest.mark.parametrize(
    "status",
    [Application.Status.WITHDRAWN, Application.Status.DECLINED, Application.Status.ACCEPTED],
)
def test_a_closed_application_cannot_be_withdrawn(applicant_client, status):
    application = ApplicationFactory(user=applicant_client.user, status=status)
    before = snapshot(application)

    assert applicant_client.get(WITHDRAW)["Location"] == START
    assert applicant_client.post(WITHDRAW)["Location"] == START
    with pytest.raises(Exception, match="cannot be withdrawn"):
        application_withdraw(application=application, by=applicant_client.user)
    assert snapshot(application) == before
    assert not ApplicationEvent.objects.exists()


def test_a_reason_for_withdrawing_that_is_too_long_is_explained_and_changes_nothing(
    complete_draft, applicant_client
):
    application_submit(application=complete_draft)

    response = applicant_client.post(WITHDRAW, {"reason": "x" * 2001})

    page = response.content.decode()
    assert re.search(r"<title>Error: ", page)
    assert '<a href="#id_reason">Your reason must be 2,000 characters or fewer</a>' in page
    complete_draft.refresh_from_db()
    assert complete_draft.status == Application.Status.SUBMITTED


def test_a_draft_has_nothing_to_withdraw(complete_draft, applicant_client):
    assert applicant_client.get(WITHDRAW)["Location"] == TASKS
    assert applicant_client.post(WITHDRAW)["Location"] == TASKS
    complete_draft.refresh_from_db()
    assert complete_draft.status == Application.Status.DRAFT


def test_withdrawing_only_ever_touches_ones_own_application(client):
    someone_else = ApplicationFactory()
    before = snapshot(someone_else)
    client.force_login(UserFactory())

    assert client.post(WITHDRAW)["Location"] == START
    assert snapshot(someone_else) == before


# The status on /me/ --------------------------------------------------------------


def render_status(application):
    from django.template.loader import render_to_string

    return render_to_string(
        "leaders/includes/application_status.html", {"application": application}
    )


def test_the_status_shows_a_sent_application_with_a_link_to_withdraw_it():
    application = ApplicationFactory(
        status=Application.Status.INTERVIEW,
        interview_at=datetime.datetime(2027, 3, 2, 14, 30, tzinfo=ZoneInfo("Europe/London")),
    )

    html = render_status(application)

    assert application.reference in html
    assert "Invited to interview" in html
    assert "Tuesday 2 March 2027 at 2:30pm" in html
    assert f'href="{WITHDRAW}"' in html
    assert f'href="{TASKS}"' not in html


def test_the_status_of_a_draft_links_to_carry_on(member):
    html = render_status(application_start(user=member))

    assert "Not sent yet" in html
    assert f'href="{TASKS}"' in html
    assert f'href="{WITHDRAW}"' not in html


def test_the_status_of_a_closed_application_has_no_actions():
    html = render_status(ApplicationFactory(status=Application.Status.WITHDRAWN))

    assert "Withdrawn" in html
    assert "govuk-summary-card__actions" not in html
