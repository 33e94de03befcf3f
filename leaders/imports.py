"""Importing training attendance from a session's sign-in sheet: each row a
leader (by email address) who attended a module on a date. See
``citizenleaders.imports`` for the upload, preview and confirm; the rows
are applied through ``review.training_attendance_record``, so the training
rules hold and leaders who finish the required modules become active and
are emailed."""

import datetime

from django.utils import dateformat, timezone

from citizenleaders.imports import Change, Importer
from leaders.models import Leader, Module, TrainingRecord
from leaders.services import review

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y", "%d %B %Y", "%d %b %Y")


def parse_date(text: str) -> datetime.date | None:
    """A date as people write it on a sheet in the UK (21/03/2027), or as a
    workbook gives it (2027-03-21)."""
    text = " ".join(text.split())
    if " " in text and ":" in text:  # a workbook's date and time
        text = text.split(" ")[0]
    for date_format in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, date_format).date()
        except ValueError:
            continue
    return None


def long_date(value: datetime.date) -> str:
    return dateformat.format(value, "j F Y")


class TrainingAttendanceImporter(Importer):
    title = "Import training attendance"
    required_columns = ("email", "module", "date")
    optional_columns = ("name", "trainer")
    column_aliases = {
        "email_address": "email",
        "e_mail": "email",
        "full_name": "name",
        "module_title": "module",
        "training_module": "module",
        "date_attended": "date",
        "date_completed": "date",
        "completed_on": "date",
        "session_date": "date",
    }
    guidance = (
        "Record who attended a training session from its sign-in sheet: one row for each "
        "leader and module, with the email address the leader signs in with, the module’s "
        "title (or its short name), the date they attended (21/03/2027) and, if you like, "
        "the trainer.",
        "Each module is marked completed on that date. Leaders who have then completed all "
        "the required training become active, and we email them once the import is saved. "
        "You can record training only for the leaders of your region.",
    )

    def __init__(self, request):
        super().__init__(request)
        self.leaders = Leader.objects.visible_to(self.user).select_related("user")
        self.modules = {module.pk: module for module in Module.objects.all()}
        self.required = {pk for pk, module in self.modules.items() if module.is_required}
        self.seen: dict[tuple[int, int], int] = {}
        self.completing: dict[int, set[int]] = {}  # leader -> modules this file completes

    def find_module(self, text):
        wanted = " ".join(text.split()).casefold()
        for module in self.modules.values():
            if wanted in (module.title.casefold(), module.slug.casefold()):
                return module
        return None

    def check_row(self, row, values):
        email = values["email"].strip()
        row.about = email
        leader = None
        if not email:
            row.errors.append("Enter the leader’s email address")
        else:
            leader = self.leaders.filter(user__email__iexact=email).first()
            if leader is None:
                if Leader.objects.filter(user__email__iexact=email).exists():
                    row.errors.append(f"{email} is not a Citizen Leader in your region")
                else:
                    row.errors.append(f"No Citizen Leader has the email address {email}")
            elif leader.status == Leader.Status.LEFT:
                row.errors.append(f"{leader.user.get_full_name()} has left the programme")
            else:
                row.about = f"{leader.user.get_full_name() or leader} ({email})"

        module = self.find_module(values["module"]) if values["module"].strip() else None
        if not values["module"].strip():
            row.errors.append("Enter the training module")
        elif module is None:
            titles = ", ".join(module.title for module in self.modules.values())
            row.errors.append(
                f"There is no module called “{values['module']}”. Use one of: {titles}"
            )

        attended = parse_date(values["date"]) if values["date"].strip() else None
        if not values["date"].strip():
            row.errors.append("Enter the date attended")
        elif attended is None:
            row.errors.append(
                f"“{values['date']}” is not a date. Enter the date attended like 21/03/2027"
            )
        elif attended > timezone.localdate():
            row.errors.append(f"The date attended, {long_date(attended)}, is in the future")

        trainer = values.get("trainer", "").strip()
        if len(trainer) > TrainingRecord._meta.get_field("trainer").max_length:
            row.errors.append("The trainer’s name must be 200 characters or fewer")

        if leader is None or module is None:
            return
        key = (leader.pk, module.pk)
        if key in self.seen:
            row.errors.append(f"{module} for {email} is also in row {self.seen[key]}: give it once")
            return
        self.seen[key] = row.number
        name = values.get("name", "").strip()
        full_name = leader.user.get_full_name()
        if name and full_name and name.casefold() != full_name.casefold():
            row.notes.append(f"The sheet says “{name}”; this email address is {full_name}’s.")
        if row.errors:
            return
        self.describe(row, leader, module, attended, trainer)

    def describe(self, row, leader, module, attended, trainer):
        record = leader.training.filter(module=module).first()
        if record is not None and record.status == TrainingRecord.Status.COMPLETED:
            row.notes.append(
                f"{module} was already completed on {long_date(record.completed_on)}: "
                "it stays as it is."
            )
            return
        old = record.get_status_display() if record else "Not started"
        new = f"Completed on {long_date(attended)}" + (f", with {trainer}" if trainer else "")
        row.changes.append(Change(f"{module}", old, new))
        row.data = (leader.pk, module.pk, attended, trainer)
        if leader.status != Leader.Status.IN_TRAINING:
            return
        completing = self.completing.setdefault(leader.pk, set())
        completing.add(module.pk)
        done = set(
            leader.training.filter(status=TrainingRecord.Status.COMPLETED).values_list(
                "module", flat=True
            )
        )
        if module.pk in self.required and self.required <= done | completing:
            row.notes.append(
                f"{leader.user.get_full_name() or leader} will then have completed all the "
                "required training and become active. We will email them."
            )

    def apply(self, rows):
        leaders = self.leaders.in_bulk([row.data[0] for row in rows])
        attendance = [
            review.Attendance(
                leader=leaders[leader_id],
                module=self.modules[module_id],
                completed_on=attended,
                trainer=trainer,
            )
            for leader_id, module_id, attended, trainer in (row.data for row in rows)
        ]
        done = review.training_attendance_record(attendance=attendance, by=self.user)
        for record in done.completed:
            with_trainer = f" with {record.trainer}" if record.trainer else ""
            self.changed.append(
                (record, f"Completed on {long_date(record.completed_on)}{with_trainer} (imported).")
            )
        count = len(done.completed)
        message = f"Marked {count} training record{'' if count == 1 else 's'} as completed."
        if done.activated:
            names = ", ".join(str(leader) for leader in done.activated)
            message += f" Now active, and emailed: {names}."
        return message
