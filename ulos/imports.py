"""Importing councils' adult social care lead contacts from a spreadsheet,
matched by GSS code: see ``citizenleaders.imports`` for the upload, preview
and confirm."""

from django.core.exceptions import ValidationError

from citizenleaders import roles
from citizenleaders.imports import Change, Importer
from ulos.models import LocalAuthority
from ulos.services import COUNCIL_CONTACT_FIELDS, council_contacts_update


class CouncilContactsImporter(Importer):
    title = "Import council contacts"
    required_columns = ("gss_code",)
    optional_columns = COUNCIL_CONTACT_FIELDS
    column_aliases = {
        "gss": "gss_code",
        "code": "gss_code",
        "lead_name": "care_lead_name",
        "lead_role": "care_lead_role",
        "lead_job_title": "care_lead_role",
        "lead_email": "care_lead_email",
        "lead_phone": "care_lead_phone",
    }
    guidance = (
        "Update the adult social care leads of councils from a spreadsheet: one row for each "
        "council, found by its GSS code (such as E08000035).",
        "An empty cell leaves what we have as it is: to remove a detail, change it on the "
        "council’s page. You can update only the councils of your region.",
    )

    def __init__(self, request):
        super().__init__(request)
        self.in_scope = LocalAuthority.objects.in_scope_of(self.user)
        self.seen: dict[str, int] = {}

    def check_columns(self, headings):
        if not set(headings) & set(COUNCIL_CONTACT_FIELDS):
            raise ValidationError(
                "The file must have at least one of the columns "
                f"{', '.join(COUNCIL_CONTACT_FIELDS)}",
                code="missing_columns",
            )

    def check_row(self, row, values):
        code = values["gss_code"].strip().upper()
        row.about = code
        if not code:
            row.errors.append("Enter the council’s GSS code, such as E08000035")
            return
        if code in self.seen:
            row.errors.append(f"{code} is also in row {self.seen[code]}: give each council once")
            return
        self.seen[code] = row.number
        council = self.in_scope.filter(gss_code=code).first()
        if council is None:
            if LocalAuthority.objects.filter(gss_code=code).exists():
                row.errors.append(f"{code} is not in your {self.scope_name()}")
            else:
                row.errors.append(f"No council has the GSS code {code}")
            return
        row.about = f"{council} ({code})"
        new = {
            name: values[name].strip()
            for name in COUNCIL_CONTACT_FIELDS
            if values.get(name, "").strip()
        }
        changed = {name: value for name, value in new.items() if getattr(council, name) != value}
        errors = self.field_errors(council, changed)
        if errors:
            row.errors.extend(errors)
            return
        for name, value in changed.items():
            label = LocalAuthority._meta.get_field(name).verbose_name
            row.changes.append(Change(str(label).capitalize(), getattr(council, name), value))
        row.data = (council.pk, changed)

    def scope_name(self):
        return "region" if roles.scope_of(self.user).region_id else "scope"

    @staticmethod
    def field_errors(council, changed):
        """What the model says is wrong with the new values."""
        if not changed:
            return []
        trial = LocalAuthority(
            **{
                **{
                    f.attname: getattr(council, f.attname)
                    for f in LocalAuthority._meta.concrete_fields
                },
                **changed,
            }
        )
        others = [f.name for f in LocalAuthority._meta.fields if f.name not in changed]
        try:
            trial.clean_fields(exclude=others)
        except ValidationError as error:
            return [
                f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
            ]
        return []

    def apply(self, rows):
        councils = self.in_scope.in_bulk([row.data[0] for row in rows])
        changes = [(councils[pk], values) for pk, values in (row.data for row in rows)]
        updated = council_contacts_update(changes=changes, by=self.user)
        for council, values in changes:
            labels = [str(LocalAuthority._meta.get_field(name).verbose_name) for name in values]
            self.changed.append((council, f"Imported: {', '.join(labels)}."))
        count = len(updated)
        return f"Updated the contacts of {count} council{'' if count == 1 else 's'}."
