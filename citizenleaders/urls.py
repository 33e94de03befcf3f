from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from citizenleaders import views
from leaders.views import apply, me, stories
from ulos.urls import authority_patterns

about_patterns = [
    path("", views.AboutIndexView.as_view(), name="index"),
    *[
        path(f"{slug}/", views.AboutPageView.as_view(slug=slug), name=slug)
        for slug, _title in views.ABOUT_PAGES
    ],
]

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("about/", include((about_patterns, "about"))),
    path(
        "accessibility/",
        TemplateView.as_view(template_name="citizenleaders/accessibility.html"),
        name="accessibility",
    ),
    path(
        "privacy/",
        TemplateView.as_view(template_name="citizenleaders/privacy.html"),
        name="privacy",
    ),
    path(
        "cookies/",
        TemplateView.as_view(template_name="citizenleaders/cookies.html"),
        name="cookies",
    ),
    path("data/", TemplateView.as_view(template_name="citizenleaders/data.html"), name="data"),
    path("me/", views.AccountHomeView.as_view(), name="me"),
    path("apply/", include((apply.urlpatterns, "apply"))),
    path("me/", include((me.urlpatterns, "leaders"))),
    path("stories/", include((stories.urlpatterns, "stories"))),
    path("ulos/", include("ulos.urls")),
    path("authorities/", include((authority_patterns, "authorities"))),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
