"""Template helpers that make django-allauth's forms follow the GOV.UK Design System.

allauth's forms come with title-case labels ("Remember Me"), placeholders,
a "Forgot your password?" link inside the password hint and messages such as
"This field is required.". The account pages (``templates/account/``,
``templates/mfa/`` and the allauth "elements" in ``templates/allauth/``) pass
each form through ``govuk_form`` before rendering it, which:

- gives fields plain-English labels and hints, but only where the label is
  still allauth's default, so a project form with its own wording keeps it;
- takes out placeholders (GOV.UK: use a hint instead) and the reset-password
  link that allauth puts in the password hint (the pages show it as a link);
- sets the attributes GOV.UK asks for: ``spellcheck="false"`` on emails,
  codes and passwords, ``inputmode="numeric"`` and a fixed width on codes, the
  password input's classes, and the error class crispy-forms-gds leaves off
  password and email inputs;
- shows one error message per field, and rewrites the messages people meet
  most often in GOV.UK style ("Enter your email address").

The wording would sit more naturally in project forms (``ACCOUNT_FORMS``,
``MFA_FORMS``) and an account adapter's ``error_messages``; this module keeps
it in the presentation layer until those exist, and steps aside for any label
they change.
"""

from django import forms, template
from django.contrib.auth import password_validation
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.widgets import Input

register = template.Library()

EMAIL_FORMAT_MESSAGE = "Enter an email address in the correct format, like name@example.com"

# (field name, allauth's default label) -> (GOV.UK label, hint or None).
# A hint of ``PASSWORD_RULES`` is replaced by the rules the site's password
# validators actually apply.
PASSWORD_RULES = object()
FIELD_WORDING = {
    ("login", "Email"): ("Email address", None),
    ("email", "Email"): ("Email address", None),
    ("password", "Password"): ("Password", None),
    ("remember", "Remember Me"): (
        "Keep me logged in on this device",
        "Do not choose this on a shared computer, for example in a library.",
    ),
    ("oldpassword", "Current Password"): ("Current password", None),
    ("password1", "Password"): ("Create a password", PASSWORD_RULES),
    ("password1", "New Password"): ("New password", PASSWORD_RULES),
    ("password2", "Password (again)"): ("Confirm your password", "Type the same password again."),
    ("password2", "New Password (again)"): (
        "Confirm your new password",
        "Type the same password again.",
    ),
    ("code", "Authenticator code"): (
        "Code from your authenticator app",
        "The app shows a 6-digit code, for example 123456. It changes every 30 seconds.",
    ),
    ("code", "Code"): ("Code", None),
}

# Wording that depends on the form as well as the field.
FORM_FIELD_WORDING = {
    ("allauth.account.forms.AddEmailForm", "email"): (
        "New email address",
        "We’ll send a link to this address to check it’s yours.",
    ),
    ("allauth.account.forms.ChangeEmailForm", "email"): (
        "New email address",
        "We’ll send a link to this address to check it’s yours.",
    ),
    ("allauth.account.forms.SignupForm", "email"): (
        "Email address",
        "We’ll send you an email to check it’s yours.",
    ),
    ("allauth.account.forms.ResetPasswordForm", "email"): (
        "Email address",
        "Use the email address you log in with.",
    ),
    ("allauth.mfa.base.forms.AuthenticateForm", "code"): (
        "Code",
        "Enter the 6-digit code from your authenticator app. If you cannot use the app, "
        "enter one of your recovery codes.",
    ),
    ("allauth.mfa.base.forms.ReauthenticateForm", "code"): (
        "Code",
        "Enter the 6-digit code from your authenticator app, or one of your recovery codes.",
    ),
}

# Messages for an empty required field, by field name.
REQUIRED_MESSAGES = {
    "login": "Enter your email address",
    "email": "Enter an email address",
    "password": "Enter your password",
    "oldpassword": "Enter your current password",
    "password1": "Enter a password",
    "password2": "Enter the password again",
    "code": "Enter the code from your authenticator app",
}

# allauth's and Django's own messages, by error code, in GOV.UK style.
ERROR_MESSAGES = {
    "email_password_mismatch": (
        "The email address or password is not right. Check them and try again"
    ),
    "incorrect_code": "The code is not right. Enter the latest code from your authenticator app",
    "incorrect_password": "The password is not right",
    "enter_current_password": "Your current password is not right",
    "duplicate_email": "This email address is already on your account",
    "same_as_current": "Enter a different email address from the one you use now",
    "account_inactive": "This account is not active",
    "too_many_login_attempts": (
        "You’ve tried to log in too many times. Wait a few minutes, then try again"
    ),
    "rate_limited": "You’ve tried this too many times. Wait a few minutes, then try again",
    "add_email_blocked": (
        "You cannot change the email address of an account that uses two-factor authentication"
    ),
    "unverified_email": (
        "Confirm your email address before you set up two-factor authentication. "
        "Use the link in the email we sent you"
    ),
    "cannot_delete_authenticator": "You cannot turn off two-factor authentication",
    "password_entirely_numeric": "Your password must include letters or symbols, not only numbers",
    "password_too_common": "This password is too easy to guess. Choose a different one",
    "password_too_similar": (
        "Your password is too like your email address. Choose a different one"
    ),
}


def _class_path(cls) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _form_field_wording(form, name):
    """Wording for this field on this kind of form (or one it is built on)."""
    for cls in type(form).__mro__:
        wording = FORM_FIELD_WORDING.get((_class_path(cls), name))
        if wording:
            return wording
    return None


def password_rules_hint() -> str:
    """Describe the site's password validators in one or two plain sentences."""
    min_length = None
    do_not_use = []
    others = []
    for validator in password_validation.get_default_password_validators():
        kind = type(validator).__name__
        if kind == "MinimumLengthValidator":
            min_length = validator.min_length
        elif kind == "UserAttributeSimilarityValidator":
            do_not_use.append("something like your email address")
        elif kind == "CommonPasswordValidator":
            do_not_use.append("a common password")
        elif kind == "NumericPasswordValidator":
            do_not_use.append("only numbers")
        else:
            others.append(str(validator.get_help_text()))
    sentences = []
    if min_length:
        sentences.append(f"Use at least {min_length} characters.")
    if do_not_use:
        listed = (
            do_not_use[0]
            if len(do_not_use) == 1
            else ", ".join(do_not_use[:-1]) + " or " + do_not_use[-1]
        )
        sentences.append(f"Do not use {listed}.")
    sentences.extend(others)
    return " ".join(sentences)


def _is_reset_password_help(help_text) -> bool:
    return "Forgot your password?" in str(help_text)


def _set_wording(form, name, bound_field):
    """Plain-English label and hint, where the label is still allauth's own."""
    wording = FIELD_WORDING.get((name, str(form.fields[name].label)))
    if wording is None:
        if _is_reset_password_help(bound_field.help_text):
            bound_field.help_text = ""
        return
    label, hint = _form_field_wording(form, name) or wording
    bound_field.label = label
    if hint is PASSWORD_RULES:
        hint = password_rules_hint()
    bound_field.help_text = hint or ""


def _tidy_widget(bound_field):
    widget = bound_field.field.widget
    attrs = widget.attrs
    attrs.pop("placeholder", None)
    classes = attrs.get("class", "").split()

    def add_class(*names):
        for class_name in names:
            if class_name not in classes:
                classes.append(class_name)

    input_type = getattr(widget, "input_type", None)
    if attrs.get("type"):
        input_type = attrs["type"]
    if isinstance(widget, forms.PasswordInput):
        attrs.setdefault("spellcheck", "false")
        attrs.setdefault("autocapitalize", "none")
        add_class("govuk-password-input__input", "govuk-js-password-input-input")
    elif input_type == "email":
        attrs.setdefault("spellcheck", "false")
        attrs.setdefault("autocapitalize", "none")
    elif attrs.get("autocomplete") == "one-time-code":
        attrs.setdefault("inputmode", "numeric")
        attrs.setdefault("spellcheck", "false")
        add_class("govuk-input--width-10", "govuk-input--extra-letter-spacing")

    # crispy-forms-gds marks only text inputs, selects and text areas as in
    # error; do the same for the other text-like inputs.
    text_like = isinstance(widget, Input) and not isinstance(
        widget, (forms.TextInput, forms.CheckboxInput, forms.HiddenInput, forms.FileInput)
    )
    if text_like and bound_field.errors:
        add_class("govuk-input--error")
    if classes:
        attrs["class"] = " ".join(classes)


def _better_message(form, name, error):
    if error.code == "required" and name in REQUIRED_MESSAGES:
        return REQUIRED_MESSAGES[name]
    if error.code == "invalid" and name in {"login", "email"}:
        return EMAIL_FORMAT_MESSAGE
    if error.code == "password_too_short":
        min_length = (error.params or {}).get("min_length")
        if min_length:
            return f"Your password must be at least {min_length} characters"
    if error.code == "incorrect_code" and not type(form).__module__.startswith("allauth.mfa"):
        return "The code is not right. Check the code we sent you and try again"
    return ERROR_MESSAGES.get(error.code)


def _reword_errors(form):
    """GOV.UK: one message per field, the first (most basic) one, in plain
    English. Errors about the whole form are all kept."""
    for name, errors in form.errors.items():
        if name != NON_FIELD_ERRORS:
            del errors.data[1:]
        for index, error in enumerate(errors.data):
            if not isinstance(error, ValidationError):
                continue
            message = _better_message(form, name, error)
            if message:
                errors.data[index] = ValidationError(message, code=error.code)


@register.filter
def govuk_form(form):
    """Prepare an allauth form for GOV.UK rendering (see the module docstring).

    Safe to apply more than once: the second time does nothing.
    """
    if not isinstance(form, forms.BaseForm) or getattr(form, "_govuk_ready", False):
        return form
    for name in form.fields:
        bound_field = form[name]
        _set_wording(form, name, bound_field)
        _tidy_widget(bound_field)
    _reword_errors(form)
    form._govuk_ready = True
    return form


@register.filter
def govuk_is_password(bound_field) -> bool:
    """True for a password field, which gets GOV.UK's password input (with a
    Show button once JavaScript runs)."""
    return isinstance(getattr(bound_field, "field", None), forms.Field) and isinstance(
        bound_field.field.widget, forms.PasswordInput
    )


@register.filter
def govuk_chunked(value, size=4) -> str:
    """'ABCDEFGHIJ' -> 'ABCD EFGH IJ': easier to read out and type in."""
    text = str(value or "")
    size = int(size)
    return " ".join(text[i : i + size] for i in range(0, len(text), size))
