"""A Citizen Leader's own pages under ``/me/`` — profile, training, the
activity log and stories — and, for every signed-in person, their data:
download it, or close the account.

Every record is looked up through the signed-in leader
(``self.leader.activities``), so another leader's records give 404.
The leader pages answer 403 to a signed-in person who is not a leader, and
send an anonymous visitor to log in.
"""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from django.views.generic import DetailView, FormView, ListView, TemplateView, View

from citizenleaders import roles
from leaders.forms.me import ActivityForm, CloseAccountForm, ProfileForm, StoryForm
from leaders.forms.requests import OfferAnswerForm
from leaders.models import InvolvementMatch, Story
from leaders.selectors import activity_totals, training_progress
from leaders.services import requests as involvement
from leaders.services.participation import (
    activity_create,
    activity_delete,
    activity_update,
    leader_profile_update,
    person_data_export,
    person_erase,
    story_create,
    story_update,
    story_withdraw,
)
from leaders.templatetags.participation import hours_number
from ulos.views import PageNumberMixin


class LeaderRequiredMixin(UserPassesTestMixin):
    """Leaders only: anyone else signed in gets 403, a visitor is sent to log in."""

    def test_func(self):
        return roles.has_role(self.request.user, roles.Role.LEADER)

    @cached_property
    def leader(self):
        return self.request.user.leader


def add_service_error(form, error: ValidationError) -> None:
    """Show a service's refusal on the form, against the field it names when
    the form has that field."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- Profile and training ----------------------------------------------------


class ProfileView(LeaderRequiredMixin, FormView):
    template_name = "leaders/me/profile.html"
    form_class = ProfileForm

    def get_initial(self):
        return ProfileForm.initial_from(self.leader)

    def form_valid(self, form):
        fields = form.profile_fields()
        try:
            leader_profile_update(
                leader=self.leader,
                interests=fields.pop("interests"),
                skills=fields.pop("skills"),
                **fields,
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "Your profile has been saved")
        return redirect("leaders:profile")


class TrainingView(LeaderRequiredMixin, TemplateView):
    template_name = "leaders/me/training.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            progress=training_progress(self.leader), leader=self.leader, **kwargs
        )


# --- Activities ------------------------------------------------------------------


class ActivityListView(LeaderRequiredMixin, PageNumberMixin, ListView):
    template_name = "leaders/me/activity_list.html"
    context_object_name = "activities"

    def get_queryset(self):
        return self.leader.activities.select_related("local_authority")

    def get_context_data(self, **kwargs):
        return super().get_context_data(totals=activity_totals(self.leader), **kwargs)


VERIFIED_NOT_CHANGED = "This activity has been verified, so it was not changed"


class ActivityFormMixin(LeaderRequiredMixin):
    form_class = ActivityForm

    def say_saved(self, form, message):
        messages.success(self.request, message)
        if form.dropped_meeting_answers:
            messages.info(
                self.request,
                "We did not keep your answers about a meeting, because what you did "
                "was not a meeting",
            )


class ActivityCreateView(ActivityFormMixin, FormView):
    template_name = "leaders/me/activity_form.html"

    def get_initial(self):
        return {"local_authority": self.leader.local_authority_id}

    def form_valid(self, form):
        try:
            activity_create(leader=self.leader, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        self.say_saved(form, "Activity logged. A coordinator will check it")
        return redirect("leaders:activities")


class ActivityEditView(ActivityFormMixin, FormView):
    """Change an activity until a coordinator verifies it; a verified one is
    shown as it is, with the reason it cannot change."""

    template_name = "leaders/me/activity_form.html"

    @cached_property
    def activity(self):
        return get_object_or_404(
            self.leader.activities.select_related("local_authority"), pk=self.kwargs["pk"]
        )

    def read_only(self):
        return self.response_class(
            request=self.request,
            template=["leaders/me/activity_detail.html"],
            context=self.get_context_data(form=None),
        )

    def get(self, request, *args, **kwargs):
        if not self.activity.is_editable:
            return self.read_only()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if not self.activity.is_editable:
            messages.error(request, VERIFIED_NOT_CHANGED)
            return self.read_only()
        return super().post(request, *args, **kwargs)

    def get_initial(self):
        activity = self.activity
        return {
            "kind": activity.kind,
            "date": activity.date,
            "hours": hours_number(activity.hours),  # "1.5", not "1.50"
            "local_authority": activity.local_authority_id,
            "organisation": activity.organisation,
            "people_reached": activity.people_reached,
            "description": activity.description,
            "challenge": activity.challenge,
            "council_response": activity.council_response,
            "change": activity.change,
        }

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "current_council": self.activity.local_authority}

    def get_context_data(self, **kwargs):
        return super().get_context_data(activity=self.activity, **kwargs)

    def form_valid(self, form):
        try:
            activity_update(activity=self.activity, **form.cleaned_data)
        except ValidationError as error:
            if error.code == "verified":
                messages.error(
                    self.request, "This activity has been verified, so it was not changed"
                )
                return redirect(self.activity.get_absolute_url())
            add_service_error(form, error)
            return self.form_invalid(form)
        self.say_saved(form, "Activity updated")
        return redirect("leaders:activities")


class ActivityDeleteView(LeaderRequiredMixin, TemplateView):
    template_name = "leaders/me/activity_delete.html"

    @cached_property
    def activity(self):
        return get_object_or_404(self.leader.activities, pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        if not self.activity.is_editable:
            return redirect(self.activity.get_absolute_url())
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(activity=self.activity, **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            activity_delete(activity=self.activity)
        except ValidationError:
            messages.error(request, "This activity has been verified, so it was not deleted")
            return redirect(self.activity.get_absolute_url())
        messages.success(request, "Activity deleted")
        return redirect("leaders:activities")


# --- Stories -----------------------------------------------------------------------


class StoryListView(LeaderRequiredMixin, ListView):
    template_name = "leaders/me/story_list.html"
    context_object_name = "stories"

    def get_queryset(self):
        return self.leader.stories.order_by("-created_at")


class StoryCreateView(LeaderRequiredMixin, FormView):
    template_name = "leaders/me/story_form.html"
    form_class = StoryForm

    def form_valid(self, form):
        try:
            story = story_create(leader=self.leader, **form.story_fields())
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, "Thank you for sharing your story. A coordinator will read it soon"
        )
        return redirect("leaders:story_detail", pk=story.pk)


class StoryDetailView(LeaderRequiredMixin, DetailView):
    template_name = "leaders/me/story_detail.html"
    context_object_name = "story"

    def get_queryset(self):
        return self.leader.stories.all()


class OwnStoryMixin(LeaderRequiredMixin):
    @cached_property
    def story(self):
        return get_object_or_404(self.leader.stories, pk=self.kwargs["pk"])

    def already_withdrawn(self):
        messages.info(self.request, "This story has been withdrawn")
        return redirect("leaders:story_detail", pk=self.story.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(story=self.story, **kwargs)


class StoryEditView(OwnStoryMixin, FormView):
    template_name = "leaders/me/story_form.html"
    form_class = StoryForm

    def get(self, request, *args, **kwargs):
        if self.story.status == Story.Status.WITHDRAWN:
            return self.already_withdrawn()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.story.status == Story.Status.WITHDRAWN:
            return self.already_withdrawn()
        return super().post(request, *args, **kwargs)

    def get_initial(self):
        return StoryForm.initial_from(self.story)

    def form_valid(self, form):
        try:
            story_update(story=self.story, **form.story_fields())
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "Your story has been updated. A coordinator will read it")
        return redirect("leaders:story_detail", pk=self.story.pk)


class StoryWithdrawView(OwnStoryMixin, TemplateView):
    """Ask, then withdraw consent: the story leaves the website at once."""

    template_name = "leaders/me/story_withdraw.html"

    def get(self, request, *args, **kwargs):
        if self.story.status == Story.Status.WITHDRAWN:
            return self.already_withdrawn()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        story_withdraw(story=self.story)
        messages.success(
            request, f"You have withdrawn consent for “{self.story.title}”. We will not use it"
        )
        return redirect("leaders:stories")


# --- Requests for their involvement ------------------------------------------------


class OfferListView(LeaderRequiredMixin, TemplateView):
    """Offers waiting for an answer, those accepted, activities to confirm, and past ones."""

    template_name = "leaders/me/offer_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(offers=involvement.leader_offers(self.leader), **kwargs)


class OwnOfferMixin(LeaderRequiredMixin):
    """An offer made to the signed-in leader (an ``InvolvementMatch``);
    another leader's gives 404."""

    @cached_property
    def match(self):
        return get_object_or_404(
            self.leader.involvement_matches.select_related("request__local_authority", "activity"),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            match=self.match, involvement_request=self.match.request, **kwargs
        )


class OfferDetailView(OwnOfferMixin, TemplateView):
    """What the council asks, and the leader's answer: Accept or Decline (POST)."""

    template_name = "leaders/me/offer_detail.html"

    def can_answer(self):
        return self.match.request.is_live and self.match.status in (
            InvolvementMatch.Status.OFFERED,
            InvolvementMatch.Status.ACCEPTED,
        )

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", OfferAnswerForm())
        return super().get_context_data(can_answer=self.can_answer(), **kwargs)

    def post(self, request, *args, **kwargs):
        form = OfferAnswerForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        council = self.match.request.local_authority.name
        try:
            if form.cleaned_data["answer"] == "accept":
                involvement.match_accept(match=self.match, by=request.user)
                message = f"You have accepted. We have told {council} and the coordinators"
            else:
                involvement.match_decline(
                    match=self.match, by=request.user, reason=form.cleaned_data["reason"]
                )
                message = f"You have declined. We have told {council} and the coordinators"
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, message)
        return redirect("leaders:offer", pk=self.match.pk)


class OfferActivityView(OwnOfferMixin, ActivityFormMixin, FormView):
    """After a request is completed: the activity, filled in from the request,
    for the leader to check and save to their log. Once only: after that the
    page leads to the activity."""

    template_name = "leaders/me/offer_activity.html"

    def not_now(self):
        """Where to go instead when there is nothing to confirm, or None."""
        if self.match.activity_id is not None:
            messages.info(self.request, "You have already confirmed this activity")
            return redirect(self.match.activity.get_absolute_url())
        try:
            involvement.match_check_activity(self.match)
        except ValidationError as error:
            messages.info(self.request, " ".join(error.messages))
            return redirect("leaders:offer", pk=self.match.pk)
        return None

    def get(self, request, *args, **kwargs):
        return self.not_now() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.not_now() or super().post(request, *args, **kwargs)

    def get_initial(self):
        initial = involvement.match_activity_initial(self.match)
        initial["hours"] = hours_number(initial["hours"])  # "1.5", not "1.50"
        return initial

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "current_council": self.match.request.local_authority,
        }

    def form_valid(self, form):
        try:
            activity = involvement.match_activity_create(
                match=self.match, by=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            if error.code == "already":  # saved meanwhile, from another tab say
                self.match.refresh_from_db()
                return self.not_now()
            add_service_error(form, error)
            return self.form_invalid(form)
        self.say_saved(form, "Activity saved to your log. A coordinator will check it")
        return redirect(activity.get_absolute_url())


# --- Their data: for every signed-in person -----------------------------------------


class DataView(LoginRequiredMixin, TemplateView):
    template_name = "leaders/me/data.html"


class DataDownloadView(LoginRequiredMixin, View):
    """Everything held about the person, as a JSON file to keep."""

    def get(self, request, *args, **kwargs):
        data = person_data_export(user=request.user)
        response = HttpResponse(
            json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
            content_type="application/json; charset=utf-8",
        )
        filename = f"citizen-leaders-your-data-{timezone.localdate():%Y-%m-%d}.json"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        patch_cache_control(response, private=True, no_store=True)
        return response


class CloseAccountView(LoginRequiredMixin, FormView):
    """Explain what closing the account does; with the password, do it and log out."""

    template_name = "leaders/me/close.html"
    form_class = CloseAccountForm

    @cached_property
    def is_staff_account(self):
        return roles.is_staff_member(self.request.user)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def get_context_data(self, **kwargs):
        return super().get_context_data(is_staff_account=self.is_staff_account, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.is_staff_account:
            raise PermissionDenied("Staff accounts are closed by a national coordinator.")
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        person_erase(user=self.request.user)
        logout(self.request)
        messages.success(
            self.request, "Your account is closed and your personal details have been erased"
        )
        return redirect("home")


urlpatterns = [
    path("profile/", ProfileView.as_view(), name="profile"),
    path("training/", TrainingView.as_view(), name="training"),
    path("activities/", ActivityListView.as_view(), name="activities"),
    path("activities/add/", ActivityCreateView.as_view(), name="activity_add"),
    path("activities/<int:pk>/", ActivityEditView.as_view(), name="activity_edit"),
    path("activities/<int:pk>/delete/", ActivityDeleteView.as_view(), name="activity_delete"),
    path("stories/", StoryListView.as_view(), name="stories"),
    path("stories/add/", StoryCreateView.as_view(), name="story_add"),
    path("stories/<int:pk>/", StoryDetailView.as_view(), name="story_detail"),
    path("stories/<int:pk>/edit/", StoryEditView.as_view(), name="story_edit"),
    path("stories/<int:pk>/withdraw/", StoryWithdrawView.as_view(), name="story_withdraw"),
    path("data/", DataView.as_view(), name="data"),
    path("data/download/", DataDownloadView.as_view(), name="data_download"),
    path("close/", CloseAccountView.as_view(), name="close"),
    path("requests/", OfferListView.as_view(), name="offers"),
    path("requests/<int:pk>/", OfferDetailView.as_view(), name="offer"),
    path("requests/<int:pk>/activity/", OfferActivityView.as_view(), name="offer_activity"),
]
