from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from citizenleaders import views
from citizenleaders.page_cache import public_page
from leaders.views import apply, councils, directory, me, requests, stories
from ulos.urls import authority_patterns

about_patterns = [
    path("", public_page(views.AboutIndexView.as_view()), name="index"),
    *[
        path(f"{slug}/", public_page(views.AboutPageView.as_view(slug=slug)), name=slug)
        for slug, _title in views.ABOUT_PAGES
    ],
]

handler500 = "citizenleaders.views.server_error"

urlpatterns = [
    path("", public_page(views.HomeView.as_view()), name="home"),
    path("about/", include((about_patterns, "about"))),
    path(
        "accessibility/",
        public_page(TemplateView.as_view(template_name="citizenleaders/accessibility.html")),
        name="accessibility",
    ),
    path(
        "privacy/",
        public_page(TemplateView.as_view(template_name="citizenleaders/privacy.html")),
        name="privacy",
    ),
    path(
        "cookies/",
        public_page(TemplateView.as_view(template_name="citizenleaders/cookies.html")),
        name="cookies",
    ),
    path(
        "data/",
        public_page(TemplateView.as_view(template_name="citizenleaders/data.html")),
        name="data",
    ),
    path("me/", views.AccountHomeView.as_view(), name="me"),
    path("apply/", include((apply.urlpatterns, "apply"))),
    # /events/ and /me/events/
    path("", include("events.urls")),
    path("me/", include((me.urlpatterns, "leaders"))),
    path("stories/", include((stories.urlpatterns, "stories"))),
    path("ulos/", include("ulos.urls")),
    path("directory/", include((directory.urlpatterns, "directory"))),
    path("requests/", include((requests.urlpatterns, "requests"))),
    # A council's page gains what its staff and coordinators may see, which
    # comes from the leaders app (ulos cannot import it).
    path(
        "authorities/",
        include(
            (
                [
                    path(
                        "<str:gss_code>/",
                        councils.CouncilDetailView.as_view(),
                        name="detail",
                    ),
                    *(pattern for pattern in authority_patterns if pattern.name != "detail"),
                ],
                "authorities",
            )
        ),
    ),
    path(
        "reports/",
        include(
            (
                [
                    path("", views.ReportsView.as_view(), name="index"),
                    path("<slug:table>.csv", views.ReportCsvView.as_view(), name="csv"),
                ],
                "reports",
            )
        ),
    ),
    path("healthz", views.healthz, name="healthz"),
    path(
        "accounts/invitation/<str:token>/",
        views.StaffInvitationView.as_view(),
        name="staff_invitation",
    ),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
