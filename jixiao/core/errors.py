"""One error type for a refused change: a Chinese message for the page and the fields it concerns.

`ServiceError` is a Django `ValidationError`, so forms, `except ValidationError` and `exc.messages` keep
working; `exc.messages[0]` is always its message. `error_parts` reads any `ValidationError` (a string, a
list or a dict of them) in the one shape pages and the API show.
"""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


class ServiceError(ValidationError):
    """The change was refused and nothing was written: `message` says why, `field_errors` where."""

    def __init__(self, message: str, field_errors: dict[str, list[str] | str] | None = None, *, code=None):
        message = str(message)
        fields = {
            name: [str(text) for text in (texts if isinstance(texts, (list, tuple)) else [texts])]
            for name, texts in (field_errors or {}).items()
        }
        if fields:
            super().__init__({NON_FIELD_ERRORS: [ValidationError(message, code=code)], **fields})
            self.message, self.code, self.params = message, code, None
        else:
            super().__init__(message, code=code)
        self.field_errors = fields

    def __str__(self):
        return self.message


def error_parts(exc: ValidationError) -> tuple[str, dict[str, list[str]]]:
    """(message, field errors) of any ValidationError; the message is never empty when there is an error."""
    if isinstance(exc, ServiceError):
        return exc.message, {name: list(texts) for name, texts in exc.field_errors.items()}
    if hasattr(exc, "error_dict"):
        fields = {name: [str(text) for text in texts] for name, texts in exc.message_dict.items()}
        general = fields.pop(NON_FIELD_ERRORS, [])
        message = " ".join(general) or next(iter(fields.values()))[0]
        return message, fields
    return " ".join(str(text) for text in exc.messages), {}


def show_on_form(form, exc: ValidationError, aliases: dict[str, str] | None = None) -> None:
    """The service's refusal on the form: its message on top, each field's error beside the field
    (`aliases` maps a service field to the form field that stands for it), the rest on top too."""
    message, fields = error_parts(exc)
    form.add_error(None, message)
    for name, texts in fields.items():
        target = (aliases or {}).get(name, name)
        for text in texts:
            form.add_error(target if target in form.fields else None, text)


def submit(
    request, form, run: Callable[[dict], object], *, done, aliases: dict[str, str] | None = None
) -> bool:
    """Run the service on a valid form's data. True when it went through, with `done` (a message, or
    one made from the service's result) shown; otherwise the form carries why not."""
    if not form.is_valid():
        return False
    try:
        result = run(form.cleaned_data)
    except ValidationError as exc:
        show_on_form(form, exc, aliases)
        return False
    messages.success(request, done(result) if callable(done) else done)
    return True


def press(request, run: Callable[[], object], *, done) -> None:
    """A button without a form: run the service and tell the person it went through (`done`, a message
    or one made from the service's result) or why it was refused."""
    try:
        result = run()
    except ValidationError as exc:
        messages.error(request, error_parts(exc)[0])
    else:
        messages.success(request, done(result) if callable(done) else done)
