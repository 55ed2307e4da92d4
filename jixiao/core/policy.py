"""The answer every `can_<action>` predicate gives, shared by the services, the pages' buttons and the API.

Each app's `policy.py` says who may do what; this says how the answer looks and how a service refuses with it.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError


@dataclass(frozen=True)
class Verdict:
    """An action allowed now (true), or the reason it is not; `forbidden` when the person may never do it,
    `details` when the reason has several parts (each shown on its own)."""

    reason: str = ""
    forbidden: bool = False
    details: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return not self.reason

    def enforce(self) -> None:
        """Raise what a service raises on refusal: PermissionDenied for the wrong person, else ValidationError."""
        if self.forbidden:
            raise PermissionDenied(self.reason)
        if self.reason:
            raise ValidationError(list(self.details) or self.reason)


ALLOWED = Verdict()


def forbid(reason: str) -> Verdict:
    """The person may never do this (the service raises PermissionDenied)."""
    return Verdict(reason, forbidden=True)


def refuse(reason: str) -> Verdict:
    """Not now: the state does not allow it (the service raises ValidationError)."""
    return Verdict(reason)
