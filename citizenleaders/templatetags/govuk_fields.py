"""Filters for the GOV.UK form field includes in ``templates/includes/fields/``.

The includes write the form group, label, hint and error message; these
filters give the control itself the GOV.UK classes and tie it to its hint and
error message, whatever attributes the form's widget already has (such as
``autocomplete``).
"""

from django import forms, template

register = template.Library()


@register.filter
def govuk_describedby(field) -> str:
    """The ids of the field's hint and error message, for ``aria-describedby``."""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    return " ".join(ids)


@register.filter
def govuk_control(field, extra_classes=""):
    """The field's input, textarea or select with GOV.UK classes."""
    widget = field.field.widget
    if isinstance(widget, forms.Textarea):
        kind = "govuk-textarea"
    elif isinstance(widget, forms.Select):
        kind = "govuk-select"
    else:
        kind = "govuk-input"
    classes = [kind, *widget.attrs.get("class", "").split(), *extra_classes.split()]
    if field.errors:
        classes.append(f"{kind}--error")
    attrs = {"class": " ".join(classes)}
    describedby = govuk_describedby(field)
    if describedby:
        attrs["aria-describedby"] = describedby
    # GOV.UK: never cut people off with maxlength; the form says when an answer
    # is too long. (Each form has its own copy of its widgets.)
    widget.attrs.pop("maxlength", None)
    return field.as_widget(attrs=attrs)


@register.filter
def govuk_choice_kind(field) -> str:
    """``checkboxes`` or ``radios``, for the GOV.UK class names of a choice field."""
    return "radios" if getattr(field.field.widget, "input_type", "") == "radio" else "checkboxes"


@register.filter
def govuk_option_id(field, number) -> str:
    """The id of a field's ``number``th checkbox or radio (counting from 1): the
    field's own id for the first, as GOV.UK Frontend does, then ``<id>-2``…"""
    return field.auto_id if int(number) == 1 else f"{field.auto_id}-{number}"
