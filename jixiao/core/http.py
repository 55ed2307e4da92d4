from urllib.parse import quote

from django.http import HttpResponse


def download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    """A file download whose Chinese name survives every browser (RFC 6266 filename*)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
