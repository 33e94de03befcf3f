from django import forms
from django.contrib import admin
from django.contrib.auth.models import Group

from citizenleaders import roles
from citizenleaders.models import StaffRole, User

# Roles are granted as StaffRole rows, not through Django's groups.
admin.site.unregister(Group)


class StaffRoleInline(admin.StackedInline):
    model = StaffRole
    fk_name = "user"
    extra = 0
    max_num = 1
    autocomplete_fields = ["region", "local_authority"]
    readonly_fields = ["granted_by", "created_at"]
    fields = ["kind", "region", "local_authority", "granted_by", "created_at"]

    def _editing_self(self, request, obj):
        return obj is not None and obj.pk == request.user.pk

    def has_add_permission(self, request, obj=None):
        return not self._editing_self(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._editing_self(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._editing_self(request, obj) and super().has_delete_permission(request, obj)


class UserCreationForm(forms.ModelForm):
    """Coordinators add an account by email; the person sets their own
    password with 'Forgot your password?'."""

    class Meta:
        model = User
        fields = ["email", "full_name"]

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    add_form = UserCreationForm
    list_display = ["email", "full_name", "role", "is_active", "last_login", "date_joined"]
    list_filter = ["is_active", "staff_role__kind", "date_joined"]
    search_fields = ["email", "full_name"]
    date_hierarchy = "date_joined"
    ordering = ["email"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "full_name", "is_active"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"fields": ["email", "full_name"]})]
    inlines = [StaffRoleInline]
    list_select_related = ["staff_role", "staff_role__region", "staff_role__local_authority"]

    @admin.display(description="staff role", ordering="staff_role__kind")
    def role(self, user):
        try:
            return str(user.staff_role)
        except StaffRole.DoesNotExist:
            return "—"

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else super().get_fieldsets(request, obj)

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def save_formset(self, request, form, formset, change):
        for role in formset.save(commit=False):
            if role.pk is None or role.granted_by_id is None:
                role.granted_by = request.user
            role.save()
        for role in formset.deleted_objects:
            role.delete()
        roles.forget_roles(form.instance)


@admin.register(StaffRole)
class StaffRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "region", "local_authority", "granted_by", "created_at"]
    list_filter = ["kind", "region"]
    search_fields = ["user__email", "user__full_name", "local_authority__name"]
    autocomplete_fields = ["user", "region", "local_authority"]
    readonly_fields = ["granted_by", "created_at", "updated_at"]
    list_select_related = ["user", "region", "local_authority", "granted_by"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        acting_user = request.user

        class NoSelfGrantForm(form):
            def clean_user(self):
                user = self.cleaned_data["user"]
                if user.pk == acting_user.pk:
                    raise forms.ValidationError(
                        "You cannot give yourself a staff role. Ask another national "
                        "coordinator to do it.",
                        code="self_grant",
                    )
                return user

        return NoSelfGrantForm

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.user_id == request.user.pk:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.user_id == request.user.pk:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if obj.granted_by_id is None:
            obj.granted_by = request.user
        super().save_model(request, obj, form, change)
