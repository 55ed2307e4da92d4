"""One error shape for every refusal: {"message": "...", "errors": {"field": ["..."]}}, in Chinese.

The services raise Django's ValidationError and PermissionDenied (the loaders LoadRefused with every
problem), the selectors Http404; DRF raises its own exceptions for authentication, parsing and serializer
validation. All of them are mapped here.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from jixiao.loads.parsing import LoadRefused
from jixiao.monitoring.services import StaleReport

NON_FIELD = "non_field_errors"
INVALID_INPUT = "提交的内容有误，请按各字段的提示修改。"


def _flatten(detail) -> list[str]:
    if isinstance(detail, dict):
        return [message for value in detail.values() for message in _flatten(value)]
    if isinstance(detail, list):
        return [message for item in detail for message in _flatten(item)]
    return [str(detail)]


def _field_errors(detail) -> dict[str, list[str]]:
    """Messages by field; a lone message about no field is the message itself and lists nothing."""
    if isinstance(detail, dict):
        return {NON_FIELD if key == "__all__" else str(key): _flatten(value) for key, value in detail.items()}
    messages = _flatten(detail)
    return {NON_FIELD: messages} if len(messages) > 1 else {}


def _body(message: str, errors: dict | None = None) -> dict:
    return {"message": message, "errors": errors or {}}


def _summary(errors: dict[str, list[str]], messages: list[str]) -> str:
    """One sentence for the message: the only problem itself, or a pointer to the list."""
    if len(messages) == 1:
        return messages[0]
    if set(errors) == {NON_FIELD}:
        return f"有 {len(messages)} 处问题需要先处理，详见各项说明。"
    return INVALID_INPUT


def api_exception_handler(exc, context):
    if isinstance(exc, LoadRefused | StaleReport | DjangoValidationError | PermissionDenied | Http404):
        set_rollback()
    if isinstance(exc, LoadRefused):
        rows = [str(problem) for problem in exc.problems[:500]]
        message = f"有 {len(exc.problems)} 处问题，整批未加载。"
        return Response(_body(message, {"rows": rows}), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, StaleReport):
        return Response(_body(exc.messages[0]), status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        errors = _field_errors(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
        return Response(_body(_summary(errors, exc.messages), errors), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, PermissionDenied):
        message = str(exc) or "您没有执行该操作的权限。"
        return Response(_body(message), status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, Http404):
        return Response(_body("未找到，或您无权查看。"), status=status.HTTP_404_NOT_FOUND)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _field_errors(exc.detail)
        response.data = _body(_summary(errors, _flatten(exc.detail)), errors)
    else:
        response.data = _body(" ".join(_flatten(exc.detail)))
    return response
