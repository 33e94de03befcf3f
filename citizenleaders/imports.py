"""Importing a spreadsheet in the back office, with a preview first.

A coordinator uploads a CSV or Excel file on a model's import page. Every
row is checked and the preview lists, row by row, what would change and
what is wrong; nothing is saved. Only a file without a single error can be
confirmed, and confirming checks every row again (scope and records may
have changed since) and applies them all in one transaction, or none.

What was uploaded is kept in the person's session (server side), never in
the page, so the preview cannot be forged: the confirm button carries only
a token naming it.

Each import says what its rows mean in an ``Importer``: its columns, how to
check one row (``check_row``) and how to apply the checked rows (``apply``,
through the app's services so their rules and emails apply). The admin page
comes from ``ImportAdminMixin``.
"""

from __future__ import annotations

import csv
import datetime
import io
import secrets
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from citizenleaders import roles

MAX_FILE_SIZE = 2 * 1024 * 1024  # 2 MB: far more than a few thousand rows
MAX_ROWS = 2000
EXTENSIONS = (".csv", ".xlsx")


# Reading a file ----------------------------------------------------------------------


def column_key(heading) -> str:
    """A heading as the importer knows it: "Care lead email" -> "care_lead_email"."""
    return "_".join(str(heading or "").strip().lower().replace("-", " ").split())


def cell_text(value) -> str:
    """A cell as text: dates from a workbook as 2027-03-21, numbers without
    a needless ".0", everything stripped."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(name: str, content: bytes) -> list[list[str]]:
    """The rows of an uploaded CSV or .xlsx file (the first sheet), headings
    first, as text. Raises ``ValidationError`` saying what is wrong with
    the file."""
    if len(content) > MAX_FILE_SIZE:
        raise ValidationError(
            f"The file is larger than {MAX_FILE_SIZE // (1024 * 1024)} MB. "
            "Split it into smaller files",
            code="too_big",
        )
    lower = name.lower()
    if lower.endswith(".csv"):
        rows = _read_csv(content)
    elif lower.endswith(".xlsx"):
        rows = _read_xlsx(content)
    else:
        raise ValidationError(
            "The file must be a CSV or an Excel workbook (.xlsx)", code="file_type"
        )
    rows = [row for row in rows if any(row)]  # blank lines mean nothing
    if not rows:
        raise ValidationError("The file is empty", code="empty")
    if len(rows) - 1 > MAX_ROWS:
        raise ValidationError(
            f"The file has more than {MAX_ROWS:,} rows. Split it into smaller files",
            code="too_many_rows",
        )
    return rows


def _read_csv(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            "The file could not be read as text. Save it as “CSV UTF-8” and upload it again",
            code="encoding",
        ) from None
    try:
        return [[cell_text(cell) for cell in row] for row in csv.reader(io.StringIO(text))]
    except csv.Error:
        raise ValidationError(
            "The file is not a CSV file that can be read. Save it as “CSV UTF-8” and upload "
            "it again",
            code="bad_csv",
        ) from None


def _read_xlsx(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ValidationError(
            "The file is not an Excel workbook that can be read. Save it as .xlsx and upload "
            "it again",
            code="bad_xlsx",
        ) from None
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append([cell_text(cell) for cell in row])
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        workbook.close()


# Checking rows -----------------------------------------------------------------------


@dataclass
class Change:
    """One value a row changes: ``old`` -> ``new``."""

    label: str
    old: str
    new: str


@dataclass
class Row:
    """One row of the file, checked: what it is about, what it would change,
    what is wrong with it, and what ``apply`` needs (``data``)."""

    number: int  # as the spreadsheet numbers it: the headings are row 1
    about: str = ""
    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    data: Any = None

    @property
    def unchanged(self) -> bool:
        return not self.errors and not self.changes


@dataclass
class Preview:
    rows: list[Row]

    @property
    def errors(self) -> list[Row]:
        return [row for row in self.rows if row.errors]

    @property
    def changing(self) -> list[Row]:
        return [row for row in self.rows if row.changes and not row.errors]

    @property
    def can_confirm(self) -> bool:
        return not self.errors and bool(self.changing)


class Importer:
    """What one kind of import means. Subclasses set the columns and write
    ``check_row`` and ``apply``; one instance checks one file, so it may
    remember what earlier rows said (the same record twice)."""

    title = ""
    required_columns: tuple[str, ...] = ()
    optional_columns: tuple[str, ...] = ()
    # Other names people give a column: {"date_attended": "date"}
    column_aliases: dict[str, str] = {}
    guidance: tuple[str, ...] = ()

    def __init__(self, request):
        self.request = request
        self.user = request.user
        # (record, what happened to it) for the admin's history, filled by apply()
        self.changed: list[tuple[Any, str]] = []

    @property
    def columns(self):
        return (*self.required_columns, *self.optional_columns)

    def preview(self, table: list[list[str]]) -> Preview:
        headings = [self.column_aliases.get(column_key(h), column_key(h)) for h in table[0]]
        missing = [name for name in self.required_columns if name not in headings]
        if missing:
            raise ValidationError(
                "The file must have a heading row with the columns "
                f"{', '.join(self.required_columns)}. Missing: {', '.join(missing)}",
                code="missing_columns",
            )
        self.check_columns(headings)
        rows = []
        for number, cells in enumerate(table[1:], start=2):
            values = {
                heading: (cells[index] if index < len(cells) else "")
                for index, heading in enumerate(headings)
                if heading in self.columns
            }
            row = Row(number=number)
            self.check_row(row, values)
            rows.append(row)
        if not rows:
            raise ValidationError("The file has headings but no rows", code="no_rows")
        return Preview(rows)

    def check_columns(self, headings: list[str]) -> None:
        """Raise ``ValidationError`` if the headings, together, make no sense."""

    def check_row(self, row: Row, values: dict[str, str]) -> None:
        """Fill in ``row``: ``about``, ``changes``, ``errors`` and ``data``."""
        raise NotImplementedError

    def apply(self, rows: list[Row]) -> str:
        """Save the rows that change something (all checked, none with an
        error), note each record changed in ``changed`` and return the
        message to show."""
        raise NotImplementedError


# The admin pages ---------------------------------------------------------------------


class UploadForm(forms.Form):
    file = forms.FileField(
        label="File (CSV or Excel .xlsx)",
        error_messages={
            "required": "Choose a file to upload",
            "empty": "The file is empty",
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(EXTENSIONS):
            raise ValidationError(
                "The file must be a CSV or an Excel workbook (.xlsx)", code="file_type"
            )
        if upload.size > MAX_FILE_SIZE:
            raise ValidationError(
                f"The file is larger than {MAX_FILE_SIZE // (1024 * 1024)} MB. "
                "Split it into smaller files",
                code="too_big",
            )
        return upload


class ImportAdminMixin:
    """An "Import …" button on the list, leading to ``import/``: upload,
    preview, confirm. National and regional coordinators may import, each
    within their scope (the importer checks every row's scope); nobody else
    reaches the page (403).

    Set ``importer`` (an ``Importer`` subclass) and ``import_label``.
    """

    importer: type[Importer]
    import_label = "Import"
    change_list_template = "admin/change_list_with_import.html"

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_import"
        urls = [path("import/", self.admin_site.admin_view(self.import_view), name=name)]
        return urls + super().get_urls()

    def has_import_permission(self, request) -> bool:
        return roles.is_coordinator(request.user) and self.has_change_permission(request)

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        if self.has_import_permission(request):
            extra_context["import_url"] = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_import"
            )
            extra_context["import_label"] = self.import_label
        return super().changelist_view(request, extra_context)

    @property
    def import_session_key(self):
        return f"import:{self.opts.label_lower}"

    def import_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        importer = self.importer(request)
        form, preview, token = UploadForm(), None, ""
        if request.method == "POST" and "confirm" in request.POST:
            return self.import_confirm(request, importer)
        if request.method == "POST":
            form = UploadForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                try:
                    table = read_table(upload.name, upload.read())
                    preview = importer.preview(table)
                except ValidationError as error:
                    form.add_error("file", error)
                else:
                    request.session.pop(self.import_session_key, None)
                    if preview.can_confirm:
                        token = secrets.token_urlsafe(16)
                        request.session[self.import_session_key] = {
                            "token": token,
                            "name": upload.name,
                            "table": table,
                        }
        return self.render_import(request, importer, form, preview, token)

    def import_confirm(self, request, importer):
        """Check every row again and apply them all, or none."""
        kept = request.session.get(self.import_session_key) or {}
        token = request.POST.get("token", "")
        if not kept or not token or not secrets.compare_digest(kept.get("token", ""), token):
            self.message_user(
                request,
                "That preview is no longer available. Upload the file again.",
                messages.ERROR,
            )
            return HttpResponseRedirect(request.path)
        try:
            with transaction.atomic():
                preview = importer.preview(kept["table"])
                if not preview.can_confirm:
                    raise _NothingToApply
                message = importer.apply(preview.changing)
                for obj, change in importer.changed:
                    self.log_change(request, obj, change)
        except _NothingToApply:
            del request.session[self.import_session_key]
            problem = "Nothing has been saved: the rows have changed since the preview."
            return self.render_import(request, importer, UploadForm(), preview, "", [problem])
        except ValidationError as error:
            del request.session[self.import_session_key]
            problems = ["Nothing has been saved.", *error.messages]
            return self.render_import(request, importer, UploadForm(), None, "", problems)
        del request.session[self.import_session_key]
        self.message_user(request, message, messages.SUCCESS)
        return HttpResponseRedirect(
            reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        )

    def render_import(self, request, importer, form, preview, token, problems=()):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": importer.title,
            "importer": importer,
            "form": form,
            "preview": preview,
            "token": token,
            "problems": problems,
            "max_rows": MAX_ROWS,
            "max_size": f"{MAX_FILE_SIZE // (1024 * 1024)} MB",
            "changelist_url": reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"
            ),
        }
        return TemplateResponse(request, "admin/import.html", context)


class _NothingToApply(Exception):
    """The rows, checked again on confirming, have an error (or change nothing)."""
