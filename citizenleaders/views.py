"""The site's own pages: home, information pages, statements, the health check
and the signed-in person's account page."""

import sys
from urllib.parse import urlencode

from allauth.account.models import EmailAddress
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView, View

from citizenleaders import reports, roles, services
from citizenleaders.csv import csv_response
from citizenleaders.forms import ReportForm
from citizenleaders.models import StaffInvitation
from citizenleaders.reports import Period
from citizenleaders.signals import take_up_invitation
from leaders.selectors import leader_summary
from leaders.services.requests import leader_offers
from ulos.models import Region

ABOUT_PAGES = [
    # (slug, title) in reading order; each has templates/citizenleaders/about/<slug>.html
    ("what-is-a-citizen-leader", "What a Citizen Leader is"),
    ("who-can-become-one", "Who can become a Citizen Leader"),
    ("what-leaders-do", "What Citizen Leaders do"),
    ("what-you-gain", "What you gain"),
    ("what-leaders-are-doing", "What Citizen Leaders are doing"),
    ("user-led-organisations", "User-led organisations"),
]


class HomeView(TemplateView):
    template_name = "citizenleaders/home.html"


class AboutIndexView(TemplateView):
    template_name = "citizenleaders/about/index.html"


class AboutPageView(TemplateView):
    """One information page in the 'About the programme' section."""

    slug = ""

    def get_template_names(self):
        return [f"citizenleaders/about/{self.slug}.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        slugs = [slug for slug, _ in ABOUT_PAGES]
        position = slugs.index(self.slug)
        context["previous_page"] = ABOUT_PAGES[position - 1] if position > 0 else None
        context["next_page"] = (
            ABOUT_PAGES[position + 1] if position + 1 < len(ABOUT_PAGES) else None
        )
        return context


class AccountHomeView(LoginRequiredMixin, TemplateView):
    """The signed-in person's own page: for a leader, their status and next
    step, requests for their involvement, training, this year's figures,
    recent activities and stories; for an applicant, their latest
    application; for anyone else who is not staff, how to apply; for council
    staff and coordinators, the way to requests for involvement. Then the
    account's details and their data."""

    template_name = "citizenleaders/me.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        if roles.has_role(user, roles.Role.LEADER):
            context["summary"] = leader_summary(user.leader)
            context["offers"] = leader_offers(user.leader)
        else:
            context["application"] = user.applications.order_by("-created_at", "-pk").first()
            context["can_apply"] = not roles.is_staff_member(user)
        context["role_labels"] = [
            roles.ROLE_LABELS[role]
            for role in sorted(roles.roles_of(user), key=list(roles.Role).index)
            if role != roles.Role.MEMBER
        ]
        context["staff_role"] = roles.staff_role_of(user)
        context["is_council_staff"] = roles.is_council_staff(user)
        context["sees_requests"] = roles.is_council_staff(user) or roles.is_coordinator(user)
        context["has_two_factor"] = roles.has_two_factor(user)
        context["needs_two_factor"] = roles.needs_two_factor_setup(user)
        return context


@method_decorator(never_cache, name="dispatch")
class StaffInvitationView(TemplateView):
    """The page an invitation's link opens: what being council staff means,
    and how to take it up (create an account with the invited address, or
    log in). A link that no longer works says why, and what to do."""

    template_name = "citizenleaders/invitation.html"

    def get_invitation(self):
        return (
            StaffInvitation.objects.select_related("local_authority", "invited_by")
            .filter(token=self.kwargs["token"])
            .first()
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        invitation = self.get_invitation()
        context["invitation"] = invitation
        if invitation is None:
            context["problem"] = "unknown"
            return context
        context["problem"] = services.staff_invitation_problem(invitation)
        if context["problem"]:
            return context
        user = self.request.user
        after = reverse("me")
        here = self.request.get_full_path()
        context["signup_url"] = (
            f"{reverse('account_signup')}?{urlencode({'email': invitation.email, 'next': after})}"
        )
        context["login_url"] = f"{reverse('account_login')}?{urlencode({'next': here})}"
        if user.is_authenticated:
            context["has_staff_role"] = roles.staff_role_of(user) is not None
            context["has_address"] = EmailAddress.objects.filter(
                user=user, email__iexact=invitation.email, verified=True
            ).exists()
        return context

    def post(self, request, *args, **kwargs):
        """Take up the invitation on the account already signed in, when the
        invited address is verified on it."""
        if not request.user.is_authenticated:
            return HttpResponseRedirect(
                f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}"
            )
        if take_up_invitation(request, request.user) is None:
            return HttpResponseRedirect(request.get_full_path())
        return HttpResponseRedirect(reverse("me"))


@require_safe
@never_cache
def healthz(request):
    """Answer ``200 ok`` when the app and its database answer, else 503."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse(
            "database unavailable", status=503, content_type="text/plain; charset=utf-8"
        )
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


def server_error(request, template_name="500.html"):
    """The site's error page. When the database could not be reached (it is
    restarting, or a connection was lost) the service comes back by itself,
    so say so: 503 with Retry-After, rather than "a problem with the service"."""
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        response = defaults.server_error(request, "503.html")
        response.status_code = 503
        response["Retry-After"] = "60"
        return response
    return defaults.server_error(request, template_name)


class CoordinatorRequiredMixin(UserPassesTestMixin):
    """National and regional coordinators: anyone else signed in gets 403,
    a visitor is sent to log in."""

    def test_func(self):
        return roles.is_coordinator(self.request.user)


class ReportMixin(CoordinatorRequiredMixin):
    """The report the address asks for, within the person's scope: a
    regional coordinator's report is always of their own region."""

    @cached_property
    def form(self):
        scope = roles.scope_of(self.request.user)
        regions = list(Region.objects.all())
        if not scope.everything:
            regions = [region for region in regions if region.pk == scope.region_id]
        data = self.request.GET.copy()
        if not scope.everything and regions and "region" not in data:
            data["region"] = regions[0].gss_code
        return ReportForm(data, regions=regions, england=scope.everything)

    @cached_property
    def report(self):
        """The report, worked out at most ``REPORT_CACHE_SECONDS`` ago: the
        same period and region give the same figures to everyone who may see
        them, so they are shared through the cache."""
        if not self.form.is_valid():
            return None
        data = self.form.cleaned_data
        period = Period(
            start=data["start"], end=data["end"], region=self.form.chosen_region(), by=data["by"]
        )
        region = period.region.gss_code if period.region else "england"
        key = f"report:{period.start}:{period.end}:{region}:{period.by}"
        return cache.get_or_set(
            key,
            lambda: reports.report(period, list(self.form.regions.values())),
            reports.REPORT_CACHE_SECONDS,
        )

    def report_query(self) -> str:
        """The address's query for the report shown, for links to its CSV files."""
        period = self.report.period
        query = {"start": period.start, "end": period.end, "by": period.by}
        if period.region:
            query["region"] = period.region.gss_code
        return urlencode(query)


class ReportsView(ReportMixin, TemplateView):
    template_name = "citizenleaders/reports.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = self.form
        context["region_choices"] = self.form.fields["region"].choices
        context["by_choices"] = self.form.fields["by"].choices
        context["report"] = self.report
        if self.report is not None:
            context["query"] = self.report_query()
            context["charts"] = reports.charts_for(self.report)
        context["presets"] = reports.presets(timezone.localdate())
        return context


class ReportCsvView(ReportMixin, View):
    """One table of the reports page as CSV, with the same figures."""

    def get(self, request, *args, **kwargs):
        if self.report is None:
            problems = " ".join(error for errors in self.form.errors.values() for error in errors)
            return HttpResponse(
                f"{problems}.", status=400, content_type="text/plain; charset=utf-8"
            )
        table = self.report.tables.get(kwargs["table"])
        if table is None:
            raise Http404("There is no such table in the reports.")
        period = self.report.period
        place = period.region.gss_code if period.region else "england"
        filename = f"{table.slug}-{place}-{period.start:%Y-%m-%d}-to-{period.end:%Y-%m-%d}.csv"
        return csv_response(filename, table.header, table.rows)
