from collections.abc import Callable
from functools import wraps
from urllib.parse import quote

from django.http import FileResponse, Http404, HttpResponse


def download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    """A file download whose Chinese name survives every browser (RFC 6266 filename*)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def stored_file_download(field, *, filename: str, content_types: dict[str, str]) -> FileResponse:
    """A stored file as a download under its original name; a file gone from storage is a 404."""
    extension = field.name.rpartition(".")[2].lower()
    try:
        handle = field.open("rb")
    except FileNotFoundError as exc:
        raise Http404("文件不存在。") from exc
    return FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type=content_types.get(extension, "application/octet-stream"),
    )


def hidden_unless(check: Callable[[object], object]):
    """A view decorator: the page does not exist (404, as for another unit's id) for anyone `check`
    refuses."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not check(request.user):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
