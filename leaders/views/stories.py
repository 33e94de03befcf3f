"""Leaders' stories, published with their consent: approved by a coordinator,
with the leader's consent to the public website, and not withdrawn."""

from django.db.models import F
from django.urls import path
from django.views.generic import DetailView, ListView

from leaders.selectors import stories_published
from ulos.views import PageNumberMixin


class StoryListView(PageNumberMixin, ListView):
    template_name = "leaders/stories/story_list.html"
    context_object_name = "stories"
    paginate_by = 10

    def get_queryset(self):
        return stories_published().order_by(F("approved_at").desc(nulls_last=True), "-pk")


class StoryDetailView(DetailView):
    """One published story; any other gives 404, even to its author."""

    template_name = "leaders/stories/story_detail.html"
    context_object_name = "story"

    def get_queryset(self):
        return stories_published()


urlpatterns = [
    path("", StoryListView.as_view(), name="list"),
    path("<int:pk>/", StoryDetailView.as_view(), name="detail"),
]
