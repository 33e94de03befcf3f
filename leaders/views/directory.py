"""The directory of Citizen Leaders, for council staff and coordinators.

It lists only active leaders who chose to appear, and shows of each only what
they chose to share: never their access needs, phone, address or notes.
Every leader is looked up through ``directory_leaders()``, so a leader who
leaves the directory, pauses or leaves gives 404 on the next request.
Staff reach these pages only with two-factor authentication set up (see
``citizenleaders.middleware``).

The list's content is the same for everyone who may see it, so it is kept in
the cache for each address (filters, search, sort, page) and drawn once, not
on every request. It is found under a version that the database renews on
any write to what it shows or filters on (``leaders/migrations/0008``), so a
change reaches every worker and instance on the next request, even with each
process's own cache.
"""

from django.contrib.auth.mixins import UserPassesTestMixin
from django.template.loader import render_to_string
from django.urls import path
from django.views.generic import DetailView, ListView

from citizenleaders import roles
from citizenleaders.page_cache import running_pages_version
from citizenleaders.versioned_cache import KeptListMixin, VersionedCache
from leaders.choices import KEPT_CHOICES, directory_choices
from leaders.filters import DirectoryFilter
from leaders.selectors import activity_counts_by_kind, directory_leaders, with_completed_training
from ulos.views import PageNumberMixin


class DirectoryAccessMixin(UserPassesTestMixin):
    """Council staff (of any council) and coordinators: anyone else signed in
    gets 403, a visitor is sent to log in."""

    def test_func(self):
        user = self.request.user
        return roles.is_council_staff(user) or roles.is_coordinator(user)


KEPT_LISTS = VersionedCache("leaders:directory", timeout=5 * 60, versions="database")


class LeaderListView(DirectoryAccessMixin, KeptListMixin, PageNumberMixin, ListView):
    template_name = "leaders/directory/leader_list.html"
    content_template_name = "leaders/directory/includes/list_content.html"
    filters_template_name = "leaders/directory/includes/filters.html"
    kept_content = KEPT_LISTS
    context_object_name = "leaders"
    list_title = "Directory of Citizen Leaders"

    def get_queryset(self):
        self.choices_version = KEPT_CHOICES.version()
        self.choices = directory_choices(version=self.choices_version)
        self.filterset = DirectoryFilter(
            self.request.GET or None, queryset=directory_leaders(), choices=self.choices
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = self.filterset.form
        context["form"] = form
        # Listed once here, for the template to loop over.
        context["region_choices"] = list(iter(form.fields["region"].choices))
        context["sort_choices"] = list(form.fields["sort"].choices)
        context["council_groups"] = self.choices.current_councils_by_region
        context["is_filtered"] = any(
            value for key, value in self.request.GET.items() if key not in ("page", "sort")
        )
        # The filters depend only on the address and the lists to choose
        # from, so they are kept while a change to a leader draws the list
        # again.
        context["filters"] = KEPT_CHOICES.get_or_set(
            lambda: render_to_string(self.filters_template_name, context),
            part=f"filters:{running_pages_version()}:{self.request.GET.urlencode()}",
            version=self.choices_version,
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
