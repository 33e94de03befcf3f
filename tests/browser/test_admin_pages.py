"""The back office in a real browser: every admin page meets the standard the
rest of the site does (no axe-core WCAG 2.2 A/AA violations, one h1, no
sideways scrolling at 320 px, works without JavaScript and with the keyboard).

The pages come from ``admin.site._registry`` and each model admin's own
``get_urls()``, so a model admin or custom page added later is checked
without anyone remembering to list it here. What it needs is a record: a
model with none in the fixture fails the test, asking for one.
"""

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, URLPattern, reverse
from django.utils import timezone

from citizenleaders.roles import Role
from events.models import Registration
from tests.browser.conftest import axe_violations, fits_320_pixels, sign_in_browser, tab_to
from tests.citizenleaders.factories import (
    OutboundEmailFactory,
    StaffInvitationFactory,
    UserFactory,
)
from tests.conftest import make_person
from tests.events.factories import EventFactory, RegistrationFactory
from tests.leaders.factories import (
    ActivityFactory,
    ApplicationFactory,
    InvolvementMatchFactory,
    InvolvementRequestFactory,
    LeaderFactory,
    StoryFactory,
    TrainingRecordFactory,
    council,
)
from tests.ulos.factories import AwardFactory, UloFactory, meet_all_criteria

UNNAMED_CONTROLS = """() => [
    ...document.querySelectorAll(
        "input:not([type=hidden], [type=submit], [type=button], [type=reset]), select, textarea"
    ),
].filter(
    (control) => !control.labels.length
        && !control.getAttribute("aria-label")
        && !control.getAttribute("aria-labelledby")
        && !control.title
).map((control) => control.id || control.name)"""
WIDE = {"width": 1024, "height": 768}
STANDARD_PAGES = ("changelist", "add", "change", "history", "delete")

# The custom pages the back office has today. Each must be found by the
# discovery below (so it is checked); more found later are checked too.
CUSTOM_PAGES = {
    "admin:events_event_attendees",
    "admin:events_event_email",
    "admin:leaders_application_review",
    "admin:leaders_involvementrequest_match",
    "admin:citizenleaders_staffinvitation_resend",
}


@pytest.fixture
def records():
    """Realistic records in Leeds (the regional coordinator's region), with
    long names and addresses that have to wrap at 320 px."""
    leeds = council("E08000035")
    long_name = "Alexandrina-Josephine Featherstonehaugh-Cholmondeley"
    ApplicationFactory(
        local_authority=leeds,
        user=UserFactory(
            full_name=long_name,
            email="alexandrina.josephine.featherstonehaugh@a-long-domain.example.org",
        ),
    )
    leader = LeaderFactory(local_authority=leeds, in_directory=True)
    TrainingRecordFactory(leader=leader)
    ActivityFactory(leader=leader)
    StoryFactory(leader=leader)
    StoryFactory(leader=leader, status="approved", approved_at=timezone.now())
    request = InvolvementRequestFactory(requester=make_person(Role.COUNCIL_STAFF))
    InvolvementMatchFactory(leader=leader, request=request)
    InvolvementRequestFactory(requester=request.requester)  # one still to match
    ulo = UloFactory(slug="admin-check-ulo", councils=[leeds])
    meet_all_criteria(ulo)
    AwardFactory(ulo=ulo, programme__slug="admin-check-fund")
    event = EventFactory(host_council=leeds, region=leeds.region, slug="admin-check-event")
    for number in range(3):
        email = f"alexandrina.featherstonehaugh.{number}@a-long-domain.example.org"
        RegistrationFactory(event=event, user=UserFactory(full_name=long_name, email=email))
    RegistrationFactory(
        event=event,
        user=UserFactory(full_name=long_name),
        status=Registration.Status.WAITING,
        confirmed_at=None,
        waiting_since=timezone.now(),
    )
    StaffInvitationFactory(local_authority=leeds)
    OutboundEmailFactory(
        recipients=[email],
        subject=f"A place for {long_name}",
        status="failed",
        last_error="Connection refused by the mail server at smtp.example.org",
    )
    return {"event": event}


def admin_request(person):
    request = RequestFactory().get("/admin/")
    request.user = person
    return request


def one_object(model_admin, person):
    return model_admin.get_queryset(admin_request(person)).order_by("pk").first()


def custom_patterns(model_admin):
    """The model admin's own pages, beyond Django's five."""
    opts = model_admin.opts
    standard = {f"{opts.app_label}_{opts.model_name}_{name}" for name in STANDARD_PAGES}
    for pattern in model_admin.get_urls():
        if isinstance(pattern, URLPattern) and pattern.name and pattern.name not in standard:
            yield pattern


def admin_pages(person):
    """Every back-office page ``person`` may open, as (name, address), and
    the models that had no record to open."""
    request = admin_request(person)
    pages = [("admin:index", reverse("admin:index"))]
    missing = []
    app_labels = set()
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        if not model_admin.has_module_permission(request):
            continue
        app_labels.add(opts.app_label)
        stem = f"admin:{opts.app_label}_{opts.model_name}"
        if model_admin.has_view_or_change_permission(request):
            pages.append((f"{stem}_changelist", reverse(f"{stem}_changelist")))
        if model_admin.has_add_permission(request):
            pages.append((f"{stem}_add", reverse(f"{stem}_add")))
        obj = one_object(model_admin, person)
        if obj is None:
            missing.append(opts.label)
            continue
        if model_admin.has_view_or_change_permission(request, obj):
            pages.append((f"{stem}_change", reverse(f"{stem}_change", args=[obj.pk])))
            pages.append((f"{stem}_history", reverse(f"{stem}_history", args=[obj.pk])))
        if model_admin.has_delete_permission(request, obj):
            pages.append((f"{stem}_delete", reverse(f"{stem}_delete", args=[obj.pk])))
        for pattern in custom_patterns(model_admin):
            name = f"admin:{pattern.name}"
            try:
                url = reverse(name, kwargs={"object_id": obj.pk})
            except NoReverseMatch:
                try:
                    url = reverse(name)
                except NoReverseMatch:
                    continue  # needs parts we cannot guess; give it a row here
            pages.append((name, url))
    for label in sorted(app_labels):
        pages.append((f"admin:app_list {label}", reverse("admin:app_list", args=[label])))

    # Keep the pages that answer with HTML (not a CSV download, not a
    # refusal for a step the record's state does not allow).
    client = Client()
    client.force_login(person)
    html = []
    for name, url in pages:
        response = client.get(url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            html.append((name, url))
        elif response.status_code not in (200, 302, 403):
            html.append((name, url))  # a 404 or 500 is a problem to report
    return html, missing


def check_pages(browser, site, person, pages):
    problems = []
    for javascript in (True, False):
        context = browser.new_context(java_script_enabled=javascript)
        sign_in_browser(context, person, site)
        page = context.new_page()
        for name, url in pages:
            problems += check_page(page, site + url, f"{name} {url}", javascript)
        context.close()
    return problems


def check_page(page, url, name, javascript):
    where = f"{name} ({'with' if javascript else 'without'} JavaScript)"
    page.set_viewport_size(WIDE)
    response = page.goto(url)
    if response.status != 200:
        return [f"{where}: status {response.status}"]
    return problems_on(page, where, javascript)


def problems_on(page, where, javascript):
    problems = []
    headings = page.locator("h1").count()
    if headings != 1:
        problems.append(f"{where}: {headings} h1 elements")
    if javascript:
        problems += [f"{where}: {violation}" for violation in axe_violations(page)]
    else:
        # axe needs JavaScript; without it, at least every form control
        # (an autocomplete is a plain select then) must have a name.
        unnamed = page.evaluate(UNNAMED_CONTROLS)
        if unnamed:
            problems.append(f"{where}: form controls without a label: {unnamed}")
    if not fits_320_pixels(page):
        problems.append(f"{where}: scrolls sideways at 320 px")
    page.set_viewport_size(WIDE)
    return problems


def test_every_back_office_page_passes_the_checks_for_a_national_coordinator(
    records, site, browser
):
    person = make_person(Role.NATIONAL_COORDINATOR)
    pages, missing = admin_pages(person)

    assert missing == [], f"Add a record of each of these to the fixture: {missing}"
    names = {name for name, _ in pages}
    assert names >= CUSTOM_PAGES, f"Custom pages not found: {CUSTOM_PAGES - names}"
    for model in admin.site._registry:
        stem = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        assert {f"{stem}_changelist", f"{stem}_change", f"{stem}_history"} <= names, stem

    problems = check_pages(browser, site, person, pages)
    assert problems == [], "\n".join(problems)


def test_the_back_office_pages_a_regional_coordinator_may_use_pass_the_checks(
    records, site, browser
):
    person = make_person(Role.REGIONAL_COORDINATOR)
    pages, _ = admin_pages(person)
    names = {name for name, _ in pages}
    assert {"admin:index", "admin:events_event_change", "admin:events_event_attendees"} <= names

    problems = check_pages(browser, site, person, pages)
    assert problems == [], "\n".join(problems)


def test_a_change_form_in_error_and_a_filtered_list_pass_the_checks(records, site, browser):
    person = make_person(Role.NATIONAL_COORDINATOR)
    event = records["event"]
    change = reverse("admin:events_event_change", args=[event.pk])
    problems = []
    for javascript in (True, False):
        context = browser.new_context(java_script_enabled=javascript)
        sign_in_browser(context, person, site)
        page = context.new_page()
        how = "with" if javascript else "without"

        page.goto(site + change)
        page.locator("#id_title").fill("")
        page.locator("input[name=_save]").click()
        page.locator(".errornote").wait_for()
        problems += problems_on(page, f"event form in error ({how} JavaScript)", javascript)

        page.goto(site + reverse("admin:events_event_changelist"))
        page.locator("#changelist-filter li:not(.selected) a").first.click()
        page.wait_for_load_state()
        assert "?" in page.url
        problems += problems_on(page, f"filtered {page.url} ({how} JavaScript)", javascript)
        context.close()

    event.refresh_from_db()
    assert event.title != ""
    assert problems == [], "\n".join(problems)


def test_a_change_form_can_be_saved_with_the_keyboard(records, site, page):
    person = make_person(Role.NATIONAL_COORDINATOR)
    event = records["event"]
    sign_in_browser(page.context, person, site)
    page.goto(site + reverse("admin:events_event_change", args=[event.pk]))

    page.locator("#id_title").fill("Yorkshire regional meeting, moved to the library")
    tab_to(page, page.locator("input[name=_save]"), limit=300)
    page.keyboard.press("Enter")

    page.get_by_text("was changed successfully").wait_for()
    event.refresh_from_db()
    assert event.title == "Yorkshire regional meeting, moved to the library"
