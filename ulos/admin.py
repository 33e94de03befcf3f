from django.contrib import admin

from citizenleaders.admin_site import ScopedModelAdmin
from ulos.models import LocalAuthority, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "gss_code"]
    search_fields = ["name", "gss_code"]


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(ScopedModelAdmin):
    region_field = "region"
    list_display = ["name", "gss_code", "authority_type", "region"]
    list_filter = ["region", "authority_type"]
    search_fields = ["name", "gss_code"]
    list_select_related = ["region"]
