"""Applying to become a Citizen Leader, at ``/apply/``.

The start page is public. Every other page is about the signed-in person's
own application, found through ``request.user``, never from the address.
Pages that change an application work only on a draft: once it is sent, or
once the person is a leader, they are taken to the start page, which says
where things stand.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.shortcuts import redirect
from django.urls import path, re_path, reverse
from django.views.generic import FormView, TemplateView, View

from citizenleaders import roles
from leaders.application_sections import (
    SECTIONS,
    SECTIONS_BY_SLUG,
    SectionState,
    incomplete_sections,
    section_states,
)
from leaders.forms.apply import SECTION_FORMS, WithdrawForm
from leaders.models import Application
from leaders.services.applications import (
    SENT_STATUSES,
    application_get_latest,
    application_get_open,
    application_save_section,
    application_submit,
    application_withdraw,
)

RETURN_TO_CHECK = "check"


def is_already_leader(user, latest: Application | None) -> bool:
    return roles.has_role(user, roles.Role.LEADER) or (
        latest is not None and latest.status == Application.Status.ACCEPTED
    )


def with_answers(application: Application | None) -> Application | None:
    """Fetch the chosen interests and skills once, for the sections' states."""
    if application is not None:
        prefetch_related_objects([application], "interests", "skills", "local_authority")
    return application


class StartView(TemplateView):
    """Who can apply, what happens and how long it takes. Public."""

    template_name = "leaders/apply/start.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        tasks_url = reverse("apply:tasks")
        latest = application_get_latest(user=user) if user.is_authenticated else None
        context.update(
            application=latest,
            is_leader=user.is_authenticated and is_already_leader(user, latest),
            is_sent=latest is not None and latest.status in SENT_STATUSES,
            is_draft=latest is not None and latest.status == Application.Status.DRAFT,
            tasks_url=tasks_url,
            signup_url=reverse("account_signup") + "?" + urlencode({"next": tasks_url}),
            login_url=reverse("account_login") + "?" + urlencode({"next": tasks_url}),
        )
        return context


class DraftMixin:
    """The person's own draft as ``self.application`` (``None`` until they
    save their first answer). Put it after ``LoginRequiredMixin``."""

    def dispatch(self, request, *args, **kwargs):
        latest = application_get_latest(user=request.user)
        if is_already_leader(request.user, latest) or (
            latest is not None and latest.status in SENT_STATUSES
        ):
            return redirect("apply:start")
        is_draft = latest is not None and latest.status == Application.Status.DRAFT
        self.application = with_answers(latest if is_draft else None)
        return super().dispatch(request, *args, **kwargs)


class SentApplicationMixin:
    """The person's own application that has been sent and is still being
    considered, as ``self.application``. Put it after ``LoginRequiredMixin``."""

    def dispatch(self, request, *args, **kwargs):
        self.application = application_get_open(user=request.user)
        if self.application is None:
            return redirect("apply:start")
        if self.application.status == Application.Status.DRAFT:
            return redirect("apply:tasks")
        return super().dispatch(request, *args, **kwargs)


class TaskListView(LoginRequiredMixin, DraftMixin, TemplateView):
    template_name = "leaders/apply/tasks.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        states = section_states(self.application)
        completed = sum(state == SectionState.COMPLETED for _, state in states)
        context.update(
            application=self.application,
            states=states,
            completed=completed,
            is_complete=completed == len(states),
        )
        return context


class SectionView(LoginRequiredMixin, DraftMixin, FormView):
    """One section's question page. Saving it stores the answers at once, so
    the person can leave and carry on another day."""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.section = SECTIONS_BY_SLUG[kwargs["section"]]
        self.returning_to_check = request.GET.get("return") == RETURN_TO_CHECK

    def get_form_class(self):
        return SECTION_FORMS[self.section.slug]

    def get_template_names(self):
        return [f"leaders/apply/sections/{self.section.slug}.html"]

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.application or Application(user=self.request.user)
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["section"] = self.section
        context["back_url"] = reverse("apply:check" if self.returning_to_check else "apply:tasks")
        return context

    def form_valid(self, form):
        try:
            application = application_save_section(user=self.request.user, answers=form.answers())
        except ValidationError as error:
            messages.warning(self.request, error.messages[0])
            return redirect("apply:start")
        if self.returning_to_check and not incomplete_sections(with_answers(application)):
            return redirect("apply:check")
        return redirect("apply:tasks")


class CheckAnswersView(LoginRequiredMixin, DraftMixin, TemplateView):
    template_name = "leaders/apply/check.html"

    def get(self, request, *args, **kwargs):
        if self.application is None or incomplete_sections(self.application):
            messages.warning(
                request, "Complete every section before you check and send your application"
            )
            return redirect("apply:tasks")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["application"] = self.application
        context["sections"] = [(section, section.answers(self.application)) for section in SECTIONS]
        context["change_query"] = urlencode({"return": RETURN_TO_CHECK})
        return context


class SubmitView(LoginRequiredMixin, View):
    """Send the application. Sending twice (a double click, the back button,
    another tab) sends it once and shows the confirmation again."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        application = application_get_open(user=request.user)
        if application is None:
            return redirect("apply:start")
        try:
            application_submit(application=application)
        except ValidationError as error:
            messages.warning(request, error.messages[0])
            return redirect("apply:tasks")
        return redirect("apply:confirmation")


class ConfirmationView(LoginRequiredMixin, SentApplicationMixin, TemplateView):
    template_name = "leaders/apply/confirmation.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["application"] = self.application
        return context


class WithdrawView(LoginRequiredMixin, SentApplicationMixin, FormView):
    template_name = "leaders/apply/withdraw.html"
    form_class = WithdrawForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["application"] = self.application
        return context

    def form_valid(self, form):
        try:
            application = application_withdraw(
                application=self.application,
                by=self.request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            messages.warning(self.request, error.messages[0])
            return redirect("apply:start")
        messages.success(
            self.request, f"You have withdrawn your application {application.reference}"
        )
        return redirect("me")


urlpatterns = [
    path("", StartView.as_view(), name="start"),
    path("your-application/", TaskListView.as_view(), name="tasks"),
    re_path(
        r"^(?P<section>{})/$".format("|".join(SECTIONS_BY_SLUG)),
        SectionView.as_view(),
        name="section",
    ),
    path("check-your-answers/", CheckAnswersView.as_view(), name="check"),
    path("send/", SubmitView.as_view(), name="submit"),
    path("application-sent/", ConfirmationView.as_view(), name="confirmation"),
    path("withdraw/", WithdrawView.as_view(), name="withdraw"),
]
