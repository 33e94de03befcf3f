from django.urls import path

from ulos import opendata, views

app_name = "ulos"

urlpatterns = [
    path("", views.UloListView.as_view(), name="list"),
    path("coverage/", views.CoverageView.as_view(), name="coverage"),
    path("coverage.csv", views.CoverageCsvView.as_view(), name="coverage_csv"),
    path("funding/", views.ProgrammeListView.as_view(), name="programmes"),
    path("funding/<slug:slug>/", views.ProgrammeDetailView.as_view(), name="programme"),
    path("open-data/open-referral.json", opendata.open_referral_json, name="open_referral"),
    path("open-data/360giving.json", opendata.grants_json, name="grants"),
    path("<slug:slug>/", views.UloDetailView.as_view(), name="detail"),
]

authority_patterns = [
    path("", views.AuthorityListView.as_view(), name="list"),
    path("<str:gss_code>/", views.AuthorityDetailView.as_view(), name="detail"),
]
