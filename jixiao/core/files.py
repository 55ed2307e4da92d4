"""What an uploaded Office file really is, read from its package rather than trusted from its name."""

import io
import zipfile

from jixiao.core.errors import ServiceError

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

MAX_ZIP_ENTRIES = 2000
MAX_CONTENT_TYPES_BYTES = 256 * 1024


def office_kind(data: bytes) -> str | None:
    """docx or xlsx from the package's content types; macro-enabled or encrypted packages are refused."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        return None
    if len(infos) > MAX_ZIP_ENTRIES:
        return None
    if any(info.flag_bits & 0x1 for info in infos):
        raise ServiceError("文件已加密，请取消密码保护后再上传。")
    types = next((info for info in infos if info.filename == "[Content_Types].xml"), None)
    if types is None or types.file_size > MAX_CONTENT_TYPES_BYTES:
        return None
    try:
        content_types = archive.read(types)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        return None
    if b"macroEnabled" in content_types or any(i.filename.lower().endswith("vbaproject.bin") for i in infos):
        raise ServiceError("文件含有宏，不能上传；请另存为不含宏的 .docx 或 .xlsx 文件。")
    if b"wordprocessingml.document.main+xml" in content_types:
        return "docx"
    if b"spreadsheetml.sheet.main+xml" in content_types:
        return "xlsx"
    return None
