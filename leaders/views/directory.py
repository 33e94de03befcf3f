"""The directory of Citizen Leaders, for council staff and coordinators."""

urlpatterns = []
