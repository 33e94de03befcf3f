"""Requests for a leader's involvement, made by council staff (``/requests/``).

Council staff see and act on their own council's requests; coordinators may
open the pages for the requests in their scope, read-only (they match,
complete and cancel in the back office). Every request is looked up through
``InvolvementRequest.objects.visible_to(user)``, so another council's request
gives 404. Leaders, applicants and members get 403; a visitor is sent to log in.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import UserPassesTestMixin
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.views.generic import DetailView, FormView, ListView

from citizenleaders import roles
from leaders.forms.requests import CancelRequestForm, FeedbackForm, RequestFilter, RequestForm
from leaders.models import InvolvementMatch, InvolvementRequest, Leader
from leaders.services.requests import (
    is_requesting_council_staff,
    leader_name,
    request_cancel,
    request_check_cancel,
    request_check_complete,
    request_check_feedback,
    request_complete,
    request_create,
    request_feedback,
)
from leaders.views.me import add_service_error
from ulos.views import PageNumberMixin


class RequestsAccessMixin(UserPassesTestMixin):
    """Council staff and coordinators: anyone else signed in gets 403, a
    visitor is sent to log in."""

    def test_func(self):
        user = self.request.user
        return roles.is_council_staff(user) or roles.is_coordinator(user)

    @cached_property
    def is_council_staff(self):
        return roles.is_council_staff(self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(is_council_staff=self.is_council_staff, **kwargs)


class CouncilStaffOnlyMixin(RequestsAccessMixin):
    """Pages that change a request: its council's staff only. Coordinators
    are told where they can do it instead."""

    permission_denied_message = (
        "Only council staff can do this here. Coordinators use the back office."
    )

    def test_func(self):
        return roles.is_council_staff(self.request.user)


def problem_of(check, involvement_request):
    """Why a step cannot be taken now, or ``None``."""
    try:
        check(involvement_request)
    except ValidationError as error:
        return " ".join(error.messages)
    return None


class RequestListView(RequestsAccessMixin, PageNumberMixin, ListView):
    template_name = "leaders/requests/request_list.html"
    context_object_name = "requests"

    def get_queryset(self):
        requests = InvolvementRequest.objects.visible_to(self.request.user).select_related(
            "local_authority", "requester"
        )
        self.filterset = RequestFilter(self.request.GET or None, queryset=requests)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        staff = roles.staff_role_of(self.request.user)
        return super().get_context_data(
            form=self.filterset.form,
            is_filtered=bool(self.request.GET.get("status")),
            status_label=dict(InvolvementRequest.Status.choices).get(
                self.request.GET.get("status", ""), ""
            ),
            council=staff.local_authority if self.is_council_staff else None,
            **kwargs,
        )


class RequestCreateView(CouncilStaffOnlyMixin, FormView):
    """Ask for involvement, in general or (``?leader=<pk>``) from a leader's page."""

    template_name = "leaders/requests/request_form.html"
    form_class = RequestForm

    @cached_property
    def council(self):
        return roles.staff_role_of(self.request.user).local_authority

    @cached_property
    def leader_asked_for(self):
        """The leader whose page the person came from, if they are in the directory."""
        pk = self.request.GET.get("leader", "")
        if not pk.isdigit():
            return None
        return (
            Leader.objects.in_directory()
            .select_related("user", "local_authority")
            .filter(pk=int(pk))
            .first()
        )

    def get_initial(self):
        initial = {}
        if self.leader_asked_for is not None:
            initial["leaders"] = [self.leader_asked_for.pk]
        return initial

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "council": self.council}

    def get_context_data(self, **kwargs):
        leader = self.leader_asked_for
        return super().get_context_data(
            council=self.council,
            leader_asked_for=leader,
            leader_asked_for_name=leader_name(leader) if leader else "",
            leader_not_found=bool(self.request.GET.get("leader")) and leader is None,
            **kwargs,
        )

    def form_valid(self, form):
        try:
            involvement_request = request_create(
                requester=self.request.user, **form.request_fields()
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"Request sent. Your reference number is {involvement_request.reference}. "
            "We have emailed you a confirmation",
        )
        return redirect(involvement_request)


def request_queryset(user):
    return (
        InvolvementRequest.objects.visible_to(user)
        .select_related("local_authority__region", "requester")
        .prefetch_related(
            "skills",
            Prefetch("leaders", queryset=Leader.objects.select_related("user")),
            Prefetch(
                "matches",
                queryset=InvolvementMatch.objects.select_related("leader__user").order_by("pk"),
            ),
        )
    )


class RequestDetailView(RequestsAccessMixin, DetailView):
    template_name = "leaders/requests/request_detail.html"
    context_object_name = "involvement_request"

    def get_queryset(self):
        return request_queryset(self.request.user)

    def get_context_data(self, **kwargs):
        involvement_request = self.object
        can_act = is_requesting_council_staff(self.request.user, involvement_request)
        actions = []
        if can_act:
            feedback_label = (
                "Change your feedback" if involvement_request.feedback else "Give feedback"
            )
            steps = [
                ("complete", "Mark as completed", request_check_complete),
                ("feedback", feedback_label, request_check_feedback),
                ("cancel", "Cancel this request", request_check_cancel),
            ]
            actions = [
                {
                    "name": name,
                    "label": label,
                    "url": reverse(f"requests:{name}", args=[involvement_request.pk]),
                }
                for name, label, check in steps
                if problem_of(check, involvement_request) is None
            ]
        return super().get_context_data(
            can_act=can_act,
            actions=actions,
            matches=[
                {"name": leader_name(match.leader), "match": match}
                for match in involvement_request.matches.all()
            ],
            asked_for=[leader_name(leader) for leader in involvement_request.leaders.all()],
            admin_url=(
                reverse("admin:leaders_involvementrequest_change", args=[involvement_request.pk])
                if roles.is_coordinator(self.request.user)
                else ""
            ),
            **kwargs,
        )


class RequestStepMixin(CouncilStaffOnlyMixin):
    """One change to a request, on its own page: GET explains it (or why it
    cannot be made now), POST makes it. Another council's request is not found."""

    template_name = ""

    @staticmethod
    def check(involvement_request):
        """Raise ``ValidationError`` saying why the step cannot be taken now."""

    @cached_property
    def involvement_request(self):
        return get_object_or_404(request_queryset(self.request.user), pk=self.kwargs["pk"])

    @cached_property
    def problem(self):
        return problem_of(self.check, self.involvement_request)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            involvement_request=self.involvement_request, problem=self.problem, **kwargs
        )

    def post(self, request, *args, **kwargs):
        if self.problem is not None:
            messages.error(request, self.problem)
            return redirect(self.involvement_request)
        return super().post(request, *args, **kwargs)

    def take_step(self, form) -> str:
        raise NotImplementedError

    def form_valid(self, form):
        try:
            message = self.take_step(form)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, message)
        return redirect(self.involvement_request)


class RequestCancelView(RequestStepMixin, FormView):
    template_name = "leaders/requests/request_cancel.html"
    form_class = CancelRequestForm
    check = staticmethod(request_check_cancel)

    def take_step(self, form):
        request_cancel(
            involvement_request=self.involvement_request,
            by=self.request.user,
            reason=form.cleaned_data["reason"],
        )
        return f"{self.involvement_request.reference} is cancelled. We have told the coordinators"


class CompleteForm(forms.Form):
    """Nothing to ask: the page itself is the confirmation."""


class RequestCompleteView(RequestStepMixin, FormView):
    template_name = "leaders/requests/request_complete.html"
    form_class = CompleteForm
    check = staticmethod(request_check_complete)

    def get_context_data(self, **kwargs):
        matches = self.involvement_request.matches.all()
        took_part = [leader_name(m.leader) for m in matches if m.status == "accepted"]
        return super().get_context_data(took_part=took_part, **kwargs)

    def take_step(self, form):
        request_complete(involvement_request=self.involvement_request, by=self.request.user)
        return (
            f"{self.involvement_request.reference} is completed. We have asked the leaders "
            "who took part to confirm it"
        )


class RequestFeedbackView(RequestStepMixin, FormView):
    template_name = "leaders/requests/request_feedback.html"
    form_class = FeedbackForm
    check = staticmethod(request_check_feedback)

    def get_initial(self):
        return {"feedback": self.involvement_request.feedback}

    def take_step(self, form):
        request_feedback(
            involvement_request=self.involvement_request,
            by=self.request.user,
            feedback=form.cleaned_data["feedback"],
        )
        return "Thank you for your feedback. We have sent it to the coordinators"


urlpatterns = [
    path("", RequestListView.as_view(), name="list"),
    path("new/", RequestCreateView.as_view(), name="create"),
    path("<int:pk>/", RequestDetailView.as_view(), name="detail"),
    path("<int:pk>/cancel/", RequestCancelView.as_view(), name="cancel"),
    path("<int:pk>/complete/", RequestCompleteView.as_view(), name="complete"),
    path("<int:pk>/feedback/", RequestFeedbackView.as_view(), name="feedback"),
]
