"""The back office: the Django admin, open to coordinators only."""

from functools import wraps
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse

from citizenleaders import roles


class CitizenLeadersAdminSite(admin.AdminSite):
    site_header = "Citizen Leaders back office"
    site_title = "Citizen Leaders back office"
    index_title = "Manage the programme"
    enable_nav_sidebar = True

    def has_permission(self, request):
        return request.user.is_active and roles.is_coordinator(request.user)

    def admin_view(self, view, cacheable=False):
        """Anonymous visitors go to the site's login; signed-in people who are
        not coordinators get 'You cannot see this page' rather than a login
        form they cannot use."""
        inner = super().admin_view(view, cacheable)

        @wraps(view)
        def guarded(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not self.has_permission(request):
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        return guarded

    def login(self, request, extra_context=None):
        """Send everyone to the site's own login, where rate limits and
        two-factor authentication apply, then back to the back office."""
        if request.user.is_authenticated:
            if self.has_permission(request):
                return redirect("admin:index")
            raise PermissionDenied
        target = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        return redirect(f"{reverse('account_login')}?{urlencode({'next': target})}")

    def password_change(self, request, extra_context=None):
        """One place to change a password: the account settings."""
        return redirect("account_change_password")

    def password_change_done(self, request, extra_context=None):
        return redirect("me")


class ScopedModelAdmin(admin.ModelAdmin):
    """A model admin whose list a regional coordinator sees only for their
    region. ``region_field`` is the path from the model to its region."""

    region_field: str = ""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not self.region_field:
            return queryset if roles.is_national_coordinator(request.user) else queryset.none()
        return roles.filter_by_region(queryset, request.user, self.region_field)
