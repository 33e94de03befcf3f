"""The back office for accounts, staff roles and the outbox.

Accounts, their email addresses, two-factor devices and the outbox are for
national coordinators. Staff roles and invitations are also for regional coordinators,
for council staff of their region's councils only. Roles are given through
``citizenleaders.services``, which refuses anyone giving themselves one.
"""

from allauth.account.admin import EmailAddressAdmin
from allauth.account.models import EmailAddress
from allauth.mfa.admin import AuthenticatorAdmin
from allauth.mfa.models import Authenticator
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.text import Truncator

from citizenleaders import outbox, roles, services
from citizenleaders.admin_site import ScopedModelAdmin
from citizenleaders.models import OutboundEmail, StaffInvitation, StaffRole, User
from leaders.admin import ConfirmationMixin, Step, plural

# Roles are granted as StaffRole rows, not through Django's groups.
admin.site.unregister(Group)


# django-allauth's own records, for national coordinators only -------------------------

admin.site.unregister(EmailAddress)
admin.site.unregister(Authenticator)


@admin.register(EmailAddress)
class ScopedEmailAddressAdmin(ScopedModelAdmin, EmailAddressAdmin):
    pass


@admin.register(Authenticator)
class ScopedAuthenticatorAdmin(ScopedModelAdmin, AuthenticatorAdmin):
    pass


# Accounts ----------------------------------------------------------------------------


class StaffRoleInline(admin.StackedInline):
    model = StaffRole
    fk_name = "user"
    extra = 0
    max_num = 1
    autocomplete_fields = ["region", "local_authority"]
    readonly_fields = ["granted_by", "created_at"]
    fields = ["kind", "region", "local_authority", "admin_access", "granted_by", "created_at"]

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
class UserAdmin(ScopedModelAdmin):
    add_form = UserCreationForm
    list_display = ["email", "full_name", "role", "is_active", "last_login", "date_joined"]
    list_filter = ["is_active", "staff_role__kind", "staff_role__admin_access", "date_joined"]
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
            role = user.staff_role
        except StaffRole.DoesNotExist:
            return "—"
        return f"{role}, with the back office" if role.admin_access else str(role)

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else super().get_fieldsets(request, obj)

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def save_formset(self, request, form, formset, change):
        if formset.model is not StaffRole:
            return super().save_formset(request, form, formset, change)
        for role in formset.save(commit=False):
            if role.pk is None:
                services.staff_role_grant(
                    user=form.instance,
                    kind=role.kind,
                    region=role.region,
                    local_authority=role.local_authority,
                    admin_access=role.admin_access,
                    by=request.user,
                )
            else:
                role.save()
        for role in formset.deleted_objects:
            role.delete()
        roles.forget_roles(form.instance)


# Staff roles ------------------------------------------------------------------------


class AccountByEmailField(forms.ModelChoiceField):
    """An account, chosen by typing its email address: for coordinators who
    may not browse every account."""

    def __init__(self, **kwargs):
        kwargs.pop("queryset", None)
        kwargs.pop("widget", None)
        super().__init__(
            queryset=User.objects.filter(is_active=True),
            to_field_name="email",
            widget=forms.EmailInput,
            label="Email address of their account",
            help_text="The address they log in with. If they have no account yet, "
            "invite them by email instead (Staff invitations).",
            error_messages={
                "required": "Enter the email address of the person’s account",
                "invalid_choice": "There is no account with this email address. Check it, "
                "or invite the person by email instead",
            },
            **kwargs,
        )

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().lower()
        return super().to_python(value)


class StaffRoleForm(forms.ModelForm):
    """Checks, with the services' own rules, that the person changing the
    form may give the role it describes."""

    acting_user = None

    def clean(self):
        cleaned_data = super().clean()
        if self.errors:
            return cleaned_data
        kind = cleaned_data.get("kind", self.instance.kind)
        council = cleaned_data.get("local_authority", self.instance.local_authority)
        if kind == StaffRole.Kind.COUNCIL_STAFF and council is None:
            return cleaned_data  # the role itself asks for a council
        try:
            if self.instance.pk is None:
                services.staff_role_check_grant(
                    user=cleaned_data["user"],
                    kind=kind,
                    by=self.acting_user,
                    local_authority=council,
                )
            elif not services.staff_role_may_grant(
                self.acting_user, kind=kind, local_authority=council
            ):
                raise ValidationError(
                    "You can give the council staff role only for a council in your region.",
                    code="outside_scope",
                )
        except ValidationError as error:
            if error.code in ("self_grant", "already_staff"):
                field = "user"
            else:
                field = "local_authority" if council is not None else "kind"
            self.add_error(field if field in self.fields else None, error)
        return cleaned_data


@admin.register(StaffRole)
class StaffRoleAdmin(ScopedModelAdmin):
    """National coordinators give any role; regional coordinators the council
    staff role for their region's councils (they see only those roles)."""

    region_field = "local_authority__region"
    form = StaffRoleForm
    list_display = [
        "user",
        "kind",
        "region",
        "local_authority",
        "admin_access",
        "granted_by",
        "created_at",
    ]
    list_filter = [
        "kind",
        "admin_access",
        "region",
        ("local_authority", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["user__email", "user__full_name", "local_authority__name"]
    autocomplete_fields = ["user", "region", "local_authority"]
    list_select_related = ["user", "region", "local_authority", "granted_by"]

    def get_fields(self, request, obj=None):
        fields = ["user", "kind", "region", "local_authority", "admin_access"]
        if not roles.is_national_coordinator(request.user):
            fields.remove("region")
        return fields + ["granted_by", "created_at", "updated_at"]

    def get_readonly_fields(self, request, obj=None):
        readonly = ["granted_by", "created_at", "updated_at"]
        if obj is not None:
            readonly.insert(0, "user")  # a role stays with the person it was given to
        return readonly

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        if roles.is_national_coordinator(request.user):
            return filters
        # Regional coordinators see council staff only, who have no region.
        return [
            item
            for item in filters
            if (item[0] if isinstance(item, tuple) else item) not in ("kind", "region")
        ]

    def get_autocomplete_fields(self, request):
        if roles.is_national_coordinator(request.user):
            return self.autocomplete_fields
        return [name for name in self.autocomplete_fields if name != "user"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user" and not roles.is_national_coordinator(request.user):
            return AccountByEmailField()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "kind" and not roles.is_national_coordinator(request.user):
            kwargs["choices"] = [(StaffRole.Kind.COUNCIL_STAFF, StaffRole.Kind.COUNCIL_STAFF.label)]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"acting_user": request.user})

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.user_id == request.user.pk:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.user_id == request.user.pk:
            return False
        return super().has_delete_permission(request, obj)

    def save_form(self, request, form, change):
        role = super().save_form(request, form, change)
        if change:
            return role
        return services.staff_role_grant(
            user=role.user,
            kind=role.kind,
            region=role.region,
            local_authority=role.local_authority,
            admin_access=role.admin_access,
            by=request.user,
        )

    def save_model(self, request, obj, form, change):
        if change:  # a new role is saved by staff_role_grant
            super().save_model(request, obj, form, change)
        roles.forget_roles(obj.user)


# Invitations -------------------------------------------------------------------------


class InvitationStatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            ("waiting", "Waiting"),
            ("expired", "Expired"),
            ("accepted", "Accepted"),
            ("withdrawn", "Withdrawn"),
        ]

    def queryset(self, request, queryset):
        open_ = {"accepted_at__isnull": True, "withdrawn_at__isnull": True}
        value = self.value()
        if value == "waiting":
            return queryset.pending()
        if value == "expired":
            return queryset.filter(**open_, expires_at__lte=timezone.now())
        if value == "accepted":
            return queryset.filter(accepted_at__isnull=False)
        if value == "withdrawn":
            return queryset.filter(withdrawn_at__isnull=False)
        return queryset


class StaffInvitationForm(forms.ModelForm):
    """Checks, with the services' own rules, that the invitation may be sent."""

    acting_user = None

    class Meta:
        model = StaffInvitation
        fields = ["email", "local_authority", "admin_access"]
        help_texts = {
            "email": "We email a link to this address. The person gets the role once they "
            "have confirmed this address on their account.",
        }

    def clean(self):
        cleaned_data = super().clean()
        if self.errors:
            return cleaned_data
        try:
            services.staff_invitation_check(
                email=cleaned_data["email"],
                local_authority=cleaned_data["local_authority"],
                by=self.acting_user,
            )
        except ValidationError as error:
            field = "local_authority" if error.code in ("outside_scope", "not_allowed") else "email"
            self.add_error(field, error)
        return cleaned_data


INVITATION_DETAILS = [
    "email",
    "local_authority",
    "admin_access",
    "status",
    "invited_by",
    "created_at",
    "expires_at",
    "accepted_by",
    "accepted_at",
    "withdrawn_at",
]


@admin.register(StaffInvitation)
class StaffInvitationAdmin(ConfirmationMixin, ScopedModelAdmin):
    """Invite an email address to be council staff for one council. The
    invitation's page sends it again or withdraws it."""

    region_field = "local_authority__region"
    form = StaffInvitationForm
    list_display = [
        "email",
        "local_authority",
        "admin_access",
        "status",
        "invited_by",
        "created_at",
        "expires_at",
    ]
    list_filter = [
        InvitationStatusFilter,
        ("local_authority", admin.RelatedOnlyFieldListFilter),
        "admin_access",
        "created_at",
    ]
    search_fields = ["email", "local_authority__name"]
    list_select_related = ["local_authority", "invited_by"]
    autocomplete_fields = ["local_authority"]
    actions = ["withdraw_selected"]
    steps = (Step("resend", "Send again"), Step("withdraw", "Withdraw"))

    @admin.display(description="status")
    def status(self, invitation):
        return invitation.status_label

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["email", "local_authority", "admin_access"]
        return INVITATION_DETAILS

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else INVITATION_DETAILS

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"acting_user": request.user})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Nothing on the page is changed by saving: sending again and
        # withdrawing are its buttons.
        extra_context = {
            **(extra_context or {}),
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def save_form(self, request, form, change):
        invitation = super().save_form(request, form, change)
        if change:
            return invitation
        return services.staff_invitation_create(
            email=invitation.email,
            local_authority=invitation.local_authority,
            admin_access=invitation.admin_access,
            by=request.user,
        )

    def save_model(self, request, obj, form, change):
        if change:  # a new invitation is saved by staff_invitation_create
            super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        if obj.accepted_at:
            message = (
                f"{obj.email} is already confirmed on an account, so they are now council "
                f"staff for {obj.local_authority}. We have emailed them to tell them."
            )
        else:
            message = (
                f"We have emailed an invitation to {obj.email}. The link works until "
                f"{services.uk_date(obj.expires_at)}."
            )
        self.message_user(request, message, messages.SUCCESS)
        return HttpResponseRedirect(self.change_url(obj))

    # Sending again and withdrawing

    def check_step(self, invitation, step):
        if step.name == "resend":
            services.staff_invitation_check_resend(invitation)
        else:
            services.staff_invitation_check_withdraw(invitation)

    def status_summary(self, invitation):
        if invitation.accepted_at:
            return [f"Accepted by {invitation.accepted_by or 'a former account'}."]
        if invitation.withdrawn_at:
            return ["Its link no longer works."]
        if invitation.is_expired:
            return ["Its link no longer works. Send it again to give them a new one."]
        return [f"Its link works until {services.uk_date(invitation.expires_at)}."]

    def step_intro(self, invitation, step):
        if step.name == "resend":
            return [
                f"We will email {invitation.email} a new link to accept the invitation, "
                "which works for 14 days. The link we sent before will stop working.",
            ]
        return [
            f"This withdraws the invitation to {invitation.email} to be council staff for "
            f"{invitation.local_authority}. The link we sent them will stop working.",
            "We do not email them about it.",
        ]

    def take_step(self, request, invitation, step, data):
        if step.name == "resend":
            services.staff_invitation_resend(invitation=invitation, by=request.user)
            if invitation.accepted_at:
                return (
                    f"{invitation.email} is now confirmed on an account, so they are now "
                    f"council staff for {invitation.local_authority}. We have emailed them."
                )
            return f"We have emailed a new invitation link to {invitation.email}."
        services.staff_invitation_withdraw(invitation=invitation, by=request.user)
        return f"The invitation to {invitation.email} is withdrawn. Its link no longer works."

    @admin.action(description="Withdraw selected invitations", permissions=["change"])
    def withdraw_selected(self, request, queryset):
        queryset = queryset.select_related("local_authority")
        ready = [invitation for invitation in queryset if invitation.is_open]
        if not ready:
            self.message_user(
                request,
                "None of the invitations you chose is waiting to be taken up.",
                messages.WARNING,
            )
            return None
        if "post" not in request.POST:
            intro = [
                f"These {plural(len(ready), 'invitation')} will be withdrawn. The links we "
                "sent will stop working. We do not email the people invited about it."
            ]
            skipped = len(queryset) - len(ready)
            if skipped:
                intro.append(
                    f"{plural(skipped, 'other invitation')} you chose "
                    f"{'was' if skipped == 1 else 'were'} already accepted or withdrawn, and "
                    "will not change."
                )
            return self.confirm_action(
                request,
                queryset,
                action="withdraw_selected",
                title="Withdraw invitations",
                intro=intro,
                objects=[str(invitation) for invitation in ready],
                submit_label="Withdraw",
            )
        withdrawn = 0
        for invitation in ready:
            try:
                services.staff_invitation_withdraw(invitation=invitation, by=request.user)
            except ValidationError:
                continue  # taken up or withdrawn meanwhile
            self.log_change(request, invitation, "Withdrawn.")
            withdrawn += 1
        self.message_user(
            request,
            f"Withdrew {plural(withdrawn, 'invitation')}. Their links no longer work.",
            messages.SUCCESS,
        )
        return None


# The outbox ------------------------------------------------------------------------------


OUTBOX_FIELDSETS = [
    (
        "Email",
        [
            "to",
            "copy_to",
            "blind_copy_to",
            "reply_to_addresses",
            "from_email",
            "subject",
            "body",
            "html_body",
        ],
    ),
    (
        "Sending",
        [
            "template",
            "status",
            "attempts",
            "last_error",
            "created_at",
            "sent_at",
            "next_attempt_at",
        ],
    ),
]


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ConfirmationMixin, ScopedModelAdmin):
    """Every email the portal has sent or tried to send, to see, and to send
    again when sending failed. Read-only: emails are recorded by
    ``citizenleaders.outbox`` and deleted after ``OUTBOX_RETENTION_DAYS``.

    For national coordinators only. Emails carry people's names, access
    needs and what they told us, and a row has no region to scope it by
    (an email to a coordinator may be about another region), so regional
    coordinators and council staff do not see the outbox at all.
    """

    list_display = [
        "created_at",
        "to",
        "subject",
        "template",
        "status",
        "attempts",
        "sent_at",
        "error",
    ]
    list_display_links = ["created_at", "subject"]
    list_filter = ["status", "template", "created_at"]
    date_hierarchy = "created_at"
    search_fields = ["recipients", "subject"]
    search_help_text = "Search by an email address it was sent to, or its subject."
    fieldsets = [(title, {"fields": fields}) for title, fields in OUTBOX_FIELDSETS]
    readonly_fields = [name for _, fields in OUTBOX_FIELDSETS for name in fields]
    actions = ["send_again"]

    @admin.display(description="to", ordering="recipients")
    def to(self, email):
        return email.to_display

    @admin.display(description="copy to")
    def copy_to(self, email):
        return ", ".join(email.cc) or "—"

    @admin.display(description="blind copy to")
    def blind_copy_to(self, email):
        return ", ".join(email.bcc) or "—"

    @admin.display(description="reply to")
    def reply_to_addresses(self, email):
        return ", ".join(email.reply_to) or "—"

    @admin.display(description="last error")
    def error(self, email):
        return Truncator(email.last_error).chars(80) or "—"

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and not obj.html_body:
            return [
                (title, {**options, "fields": [f for f in options["fields"] if f != "html_body"]})
                for title, options in fieldsets
            ]
        return fieldsets

    # National coordinators only, and nobody adds, changes or deletes an email.

    def has_view_permission(self, request, obj=None):
        return roles.is_national_coordinator(request.user) and super().has_view_permission(
            request, obj
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_send_permission(self, request):
        return self.has_view_permission(request)

    @admin.action(description="Send again now", permissions=["send"])
    def send_again(self, request, queryset):
        ready = [
            email
            for email in queryset
            if email.status != OutboundEmail.Status.SENT
            and not (
                email.status == OutboundEmail.Status.SENDING
                and email.next_attempt_at
                and email.next_attempt_at > timezone.now()
            )
        ]
        if not ready:
            self.message_user(
                request,
                "All the emails you chose have been sent already (or are being sent now), "
                "so there is nothing to send again.",
                messages.WARNING,
            )
            return None
        if "post" not in request.POST:
            intro = [
                f"We will try to send {plural(len(ready), 'email')} now, whatever "
                "the wait before their next try or how many tries they have had."
            ]
            skipped = len(queryset) - len(ready)
            if skipped:
                intro.append(
                    f"{plural(skipped, 'other email')} you chose "
                    f"{'has' if skipped == 1 else 'have'} been sent already and will not be "
                    "sent again."
                )
            return self.confirm_action(
                request,
                queryset,
                action="send_again",
                title="Send emails again",
                intro=intro,
                objects=[str(email) for email in ready],
                submit_label="Send now",
            )
        # Not written to the admin's log: its entries name the email (who to),
        # and would outlive the email and the person's erasure.
        results = outbox.send_now(queryset.filter(pk__in=[email.pk for email in ready]))
        if results["sent"]:
            self.message_user(
                request, f"Sent {plural(results['sent'], 'email')}.", messages.SUCCESS
            )
        not_sent = results["failed"] + results["given_up"]
        if not_sent:
            self.message_user(
                request,
                f"{plural(not_sent, 'email')} could not be sent. Their last error says why.",
                messages.ERROR,
            )
        return None
