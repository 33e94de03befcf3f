"""``seed_demo --scale N``: a national programme in proportion to N, with
every invariant the models keep, replaced rather than doubled on a re-run,
and the site still answering with it loaded. ``bench`` measures the pages."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Q
from django.test import override_settings

from citizenleaders.demo import ACCOUNTS, DEFAULT_PASSWORD
from citizenleaders.models import User
from citizenleaders.scale import SCALE_DOMAIN, SLUG_PREFIX, remove_scale_data, seed_scale
from events.models import Event, Registration
from leaders.models import (
    Activity,
    Application,
    InvolvementRequest,
    Leader,
    Module,
    TrainingRecord,
)
from ulos.models import LocalAuthority, Ulo
from ulos.selectors import coverage

pytestmark = pytest.mark.django_db

N = 40


def scale_counts():
    people = User.objects.filter(email__endswith=f"@{SCALE_DOMAIN}")
    return {
        "people": people.count(),
        "leaders": Leader.objects.filter(user__in=people).count(),
        "applications": Application.objects.filter(user__in=people).count(),
        "training": TrainingRecord.objects.filter(leader__user__in=people).count(),
        "activities": Activity.objects.filter(leader__user__in=people).count(),
        "events": Event.objects.filter(slug__startswith=SLUG_PREFIX).count(),
        "bookings": Registration.objects.filter(event__slug__startswith=SLUG_PREFIX).count(),
        "ulos": Ulo.objects.filter(slug__startswith=SLUG_PREFIX).count(),
        "all users": User.objects.count(),
        "all events": Event.objects.count(),
        "all activities": Activity.objects.count(),
        "all requests": InvolvementRequest.objects.count(),
    }


@pytest.fixture
def scaled():
    with override_settings(DEBUG=True):
        call_command("seed_demo", scale=N)
    return scale_counts()


def test_counts_are_in_proportion_to_n(scaled):
    modules = Module.objects.count()
    assert scaled["leaders"] == N
    assert scaled["applications"] > N  # one accepted per leader, and others
    assert Application.objects.filter(
        user__email__endswith=SCALE_DOMAIN, status=Application.Status.DECLINED
    ).exists()
    assert scaled["training"] == N * modules
    assert 7 * N <= scaled["activities"] <= 13 * N
    assert scaled["events"] == N // 5
    assert 5 * (N // 5) <= scaled["bookings"] <= 45 * (N // 5)
    assert scaled["ulos"] == N // 10
    assert InvolvementRequest.objects.filter(description__contains="--scale").count() == 1


def test_people_cannot_log_in_and_are_spread_across_councils(scaled):
    people = User.objects.filter(email__endswith=f"@{SCALE_DOMAIN}")
    assert not any(person.has_usable_password() for person in people)
    councils = LocalAuthority.objects.filter(leaders__user__in=people).distinct().count()
    assert councils > N // 2


def test_every_invariant_holds(scaled):
    events = Event.objects.annotate(
        confirmed=Count("registrations", filter=Q(registrations__status="confirmed"))
    )
    for event in events:
        assert event.places_taken == event.confirmed, event.slug
        assert event.capacity is None or event.places_taken <= event.capacity
    assert not Registration.objects.filter(status="waiting", waiting_since__isnull=True).exists()
    assert not Registration.objects.filter(status="confirmed", confirmed_at__isnull=True).exists()
    pairs = Registration.objects.values("event", "user").annotate(n=Count("pk"))
    assert not pairs.filter(n__gt=1).exists()

    modules = Module.objects.count()
    required = set(Module.objects.filter(is_required=True).values_list("pk", flat=True))
    for leader in Leader.objects.prefetch_related("training"):
        assert len({record.module_id for record in leader.training.all()}) == modules
        assert len(leader.training.all()) == modules
        if leader.status == Leader.Status.ACTIVE:
            completed = {r.module_id for r in leader.training.all() if r.status == "completed"}
            assert required <= completed, leader
    assert not Activity.objects.filter(Q(hours__lte=0) | Q(hours__gt=24)).exists()
    assert not Application.objects.filter(~Q(status="draft"), submitted_at__isnull=True).exists()
    open_per_user = (
        Application.objects.filter(status__in=Application.OPEN_STATUSES)
        .values("user")
        .annotate(n=Count("pk"))
    )
    assert not open_per_user.filter(n__gt=1).exists()


def test_running_again_replaces_rather_than_doubles(scaled):
    with override_settings(DEBUG=True):
        call_command("seed_demo", scale=N)

    assert scale_counts() == scaled


def test_a_smaller_run_replaces_a_larger_one(scaled):
    with override_settings(DEBUG=True):
        call_command("seed_demo", scale=10)

    assert Leader.objects.filter(user__email__endswith=SCALE_DOMAIN).count() == 10
    assert Event.objects.filter(slug__startswith=SLUG_PREFIX).count() == 2
    demo_events = Event.objects.exclude(slug__startswith=SLUG_PREFIX).annotate(
        confirmed=Count("registrations", filter=Q(registrations__status="confirmed"))
    )
    assert all(event.places_taken == event.confirmed for event in demo_events)


def test_the_demo_logins_still_work(scaled):
    for account in ACCOUNTS:
        assert User.objects.get(email=account.email).check_password(DEFAULT_PASSWORD)


@pytest.mark.parametrize(
    ("path", "email"),
    [
        ("/directory/", "coordinator@example.org"),
        ("/directory/?q=patel", "council.staff@example.org"),
        ("/events/", None),
        ("/ulos/coverage/", None),
        ("/reports/", "coordinator@example.org"),
    ],
)
def test_main_pages_answer_with_the_data_loaded(scaled, client, path, email):
    if email:
        # The demo staff accounts have two-factor set up already.
        client.force_login(User.objects.get(email=email))

    response = client.get(path)

    assert response.status_code == 200


def test_coverage_counts_the_made_up_ulos_as_they_come_and_go():
    # The made-up data is written in bulk and removed with raw deletes,
    # neither of which sends the signals that keep coverage up to date.
    assert coverage().england.with_ulo == 0

    seed_scale(leaders=N)
    assert coverage().england.with_ulo > 0

    remove_scale_data()
    assert coverage().england.with_ulo == 0


def test_scale_needs_a_positive_number():
    with override_settings(DEBUG=True), pytest.raises(CommandError, match="at least 1"):
        call_command("seed_demo", scale=0)


def test_bench_refuses_without_debug():
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="DJANGO_DEBUG"):
        call_command("bench", sizes="5")


def test_bench_writes_a_table_for_each_size(tmp_path):
    output = tmp_path / "BENCHMARKS.md"

    with override_settings(DEBUG=True):
        call_command("bench", sizes="5,10", requests=2, output=str(output))

    text = output.read_text()
    assert "## N = 5" in text and "## N = 10" in text
    assert text.count("| Directory, search | `/directory/?q=patel`") == 2
    afresh = "(as coordinator@example.org, the cache emptied before each request)"
    assert text.count(f"| Reports, worked out afresh | `/reports/` {afresh}") == 2
    drawn = "(as council.staff@example.org, the kept list forgotten before each request"
    assert text.count(f"| Directory, drawn afresh | `/directory/` {drawn}") == 2
    assert "Processors (nproc)" in text
    assert "make bench" in text


def test_postgresql_knows_the_new_size_of_the_tables(scaled):
    """Without fresh statistics after the bulk load the planner takes the
    tables for empty and the directory scans 153 × 5,000 rows at N = 10,000."""
    if connection.vendor != "postgresql":
        pytest.skip("Statistics are a PostgreSQL matter.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'leaders_activity'")
        (rows,) = cursor.fetchone()

    assert rows >= 7 * N


def test_the_admin_list_of_leaders_counts_training_per_row_not_by_grouping(scaled):
    """The list of leaders shows required modules completed. Counted with a
    join and GROUP BY, every page grouped every training record (half a
    second at N = 10,000); a subquery counts for the rows shown only."""
    from leaders.admin import with_training_progress

    leaders = with_training_progress(Leader.objects.all())
    required = Module.objects.filter(is_required=True).count()

    assert 'JOIN "leaders_trainingrecord"' not in str(leaders.query)
    for leader in leaders.filter(status=Leader.Status.ACTIVE)[:5]:
        assert (leader.required_completed, leader.required_total) == (required, required)
    in_training = leaders.filter(
        status=Leader.Status.IN_TRAINING, user__email__endswith=SCALE_DOMAIN
    )
    for leader in in_training[:5]:
        done = leader.training.filter(status="completed", module__is_required=True).count()
        assert leader.required_completed == done
