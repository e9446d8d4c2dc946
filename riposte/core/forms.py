"""Form helpers every module's views share."""

from typing import Any

from django.core.exceptions import ValidationError


def add_errors(form: Any, exc: ValidationError) -> None:
    """A service's refusal, shown on the form: by field when it names one of the form's fields,
    else above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)
