from django.contrib import admin

from citizenleaders.admin_site import ScopedModelAdmin
from leaders.models import Application, Leader


@admin.register(Application)
class ApplicationAdmin(ScopedModelAdmin):
    region_field = "local_authority__region"
    list_display = ["reference", "user", "status", "local_authority", "submitted_at"]
    list_filter = ["status", "local_authority__region", "submitted_at"]
    search_fields = ["user__email", "user__full_name"]
    date_hierarchy = "submitted_at"
    list_select_related = ["user", "local_authority"]
    autocomplete_fields = ["local_authority"]
    readonly_fields = ["user", "created_at", "updated_at"]


@admin.register(Leader)
class LeaderAdmin(ScopedModelAdmin):
    region_field = "local_authority__region"
    list_display = ["__str__", "user", "status", "local_authority"]
    list_filter = ["status", "local_authority__region"]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user", "local_authority"]
    autocomplete_fields = ["local_authority"]
    readonly_fields = ["user", "created_at", "updated_at"]
