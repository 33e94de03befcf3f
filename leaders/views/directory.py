"""The directory of Citizen Leaders, for council staff and coordinators.

It lists only active leaders who chose to appear, and shows of each only what
they chose to share: never their access needs, phone, address or notes.
Every leader is looked up through ``directory_leaders()``, so a leader who
leaves the directory, pauses or leaves gives 404 on the next request.
Staff reach these pages only with two-factor authentication set up (see
``citizenleaders.middleware``).
"""

from django.contrib.auth.mixins import UserPassesTestMixin
from django.urls import path
from django.views.generic import DetailView, ListView

from citizenleaders import roles
from leaders.choices import directory_choices
from leaders.filters import DirectoryFilter
from leaders.selectors import activity_counts_by_kind, directory_leaders, with_completed_training
from ulos.views import PageNumberMixin


class DirectoryAccessMixin(UserPassesTestMixin):
    """Council staff (of any council) and coordinators: anyone else signed in
    gets 403, a visitor is sent to log in."""

    def test_func(self):
        user = self.request.user
        return roles.is_council_staff(user) or roles.is_coordinator(user)


class LeaderListView(DirectoryAccessMixin, PageNumberMixin, ListView):
    template_name = "leaders/directory/leader_list.html"
    context_object_name = "leaders"

    def get_queryset(self):
        self.filterset = DirectoryFilter(self.request.GET or None, queryset=directory_leaders())
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = self.filterset.form
        context["form"] = form
        # Listed once here, for the template to loop over.
        context["region_choices"] = list(iter(form.fields["region"].choices))
        context["sort_choices"] = list(form.fields["sort"].choices)
        context["council_groups"] = directory_choices().current_councils_by_region
        context["is_filtered"] = any(
            value for key, value in self.request.GET.items() if key not in ("page", "sort")
        )
        return context


class LeaderDetailView(DirectoryAccessMixin, DetailView):
    template_name = "leaders/directory/leader_detail.html"
    context_object_name = "leader"

    def get_queryset(self):
        return with_completed_training(directory_leaders())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["activity_counts"] = activity_counts_by_kind(self.object)
        return context


urlpatterns = [
    path("", LeaderListView.as_view(), name="list"),
    path("<int:pk>/", LeaderDetailView.as_view(), name="leader"),
]
