"""Requests for a leader's involvement, made by council staff."""

urlpatterns = []
