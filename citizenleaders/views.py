"""The site's own pages: home, information pages, statements, the health check
and the signed-in person's account page."""

from urllib.parse import urlencode

from allauth.account.models import EmailAddress
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import DatabaseError, connection
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from citizenleaders import roles, services
from citizenleaders.models import StaffInvitation
from citizenleaders.signals import take_up_invitation
from leaders.selectors import leader_summary
from leaders.services.requests import leader_offers

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
