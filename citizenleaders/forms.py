"""Forms of the site's own pages."""

import datetime

from django import forms
from django.utils import timezone

from citizenleaders.reports import MONTH, QUARTER, financial_year_start

LONGEST_REPORT_YEARS = 10


class DateInput(forms.DateInput):
    """The browser's own date control, which works without JavaScript and
    sends the date as 2026-04-01 (the form accepts typed dates that way too)."""

    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


class ReportForm(forms.Form):
    """The period and region a report covers, all in the address so that a
    report can be bookmarked and shared. Regional coordinators are offered
    only their own region; anything else is refused."""

    start = forms.DateField(
        label="Start date",
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=DateInput(),
        error_messages={"invalid": "Enter the start date as a real date, for example 2026-04-01"},
    )
    end = forms.DateField(
        label="End date",
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=DateInput(),
        error_messages={"invalid": "Enter the end date as a real date, for example 2027-03-31"},
    )
    region = forms.ChoiceField(
        label="Region",
        required=False,
        error_messages={"invalid_choice": "Choose a region from the list"},
    )
    by = forms.ChoiceField(
        label="Show activity over time by",
        required=False,
        choices=[(MONTH, "Month"), (QUARTER, "Quarter")],
        error_messages={"invalid_choice": "Choose month or quarter"},
    )

    def __init__(self, *args, regions, england=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.regions = {region.gss_code: region for region in regions}
        choices = [(region.gss_code, region.name) for region in regions]
        self.fields["region"].choices = [("", "England"), *choices] if england else choices
        if not england:
            self.fields["region"].required = True
            self.fields["region"].error_messages["required"] = "Choose your region"

    @staticmethod
    def defaults(today=None) -> dict:
        """This financial year so far, by month."""
        today = today or timezone.localdate()
        return {"start": financial_year_start(today), "end": today, "by": MONTH}

    def clean(self):
        cleaned_data = super().clean()
        defaults = self.defaults()
        start = cleaned_data.get("start") or defaults["start"]
        end = cleaned_data.get("end") or defaults["end"]
        if "start" in cleaned_data and "end" in cleaned_data:
            if end < start:
                self.add_error(
                    "end",
                    forms.ValidationError(
                        "The end date must be the same as or after the start date",
                        code="end_before_start",
                    ),
                )
            elif end - start > datetime.timedelta(days=366 * LONGEST_REPORT_YEARS):
                self.add_error(
                    "start",
                    forms.ValidationError(
                        f"Choose a period of at most {LONGEST_REPORT_YEARS} years",
                        code="too_long",
                    ),
                )
        cleaned_data["start"], cleaned_data["end"] = start, end
        cleaned_data["by"] = cleaned_data.get("by") or MONTH
        return cleaned_data

    def chosen_region(self):
        code = self.cleaned_data.get("region")
        return self.regions.get(code) if code else None
