from datetime import timedelta

from django.utils import timezone
from rest_framework.test import APIClient

from jixiao.api.services import api_token_create
from jixiao.organisations.models import Organisation, Role, User


def administrator() -> User:
    """The district's system administrator (a fresh object, so its roles are read anew)."""
    return User.objects.filter(memberships__role=Role.SYSADMIN).first()


def make_token(organisation: Organisation, *, scopes=("read",), days: int = 30) -> str:
    """A token of the organisation created through the service, as the administrator does; its raw value."""
    _token, raw = api_token_create(
        organisation=organisation,
        name=f"{organisation.name}对接",
        scopes=set(scopes),
        expires_at=timezone.now() + timedelta(days=days),
        acting_user=administrator(),
    )
    return raw


def token_client(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def person_client(user: User, *, enforce_csrf: bool = False) -> APIClient:
    client = APIClient(enforce_csrf_checks=enforce_csrf)
    client.force_login(user)
    return client


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}
