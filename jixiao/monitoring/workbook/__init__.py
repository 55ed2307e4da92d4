"""附件1 as an Excel workbook: export (prefilled, printable like the paper form) and import (round trip).

Cut along its jobs: `layout` (the sheet's labels and cells, the contract both halves keep), `export`
(writing the sheet), `parsing` (typing one cell as the web form would), `reading` (the report's fields and
the indicator table found by their labels) and `importing` (one file, whole or not at all, through
`report_save`). The hardened upload loader and the styles live in `jixiao.core`. Other apps use the names
below.
"""

from jixiao.monitoring.workbook.export import (
    export_filename,
    export_projects_zip,
    export_report_bytes,
    export_report_workbook,
    export_unit_zip,
    report_of,
    with_unique_filenames,
)
from jixiao.monitoring.workbook.importing import PROJECT_NOT_FOUND, REPORT_LIMITS, import_report_workbook
from jixiao.monitoring.workbook.parsing import ImportResult

__all__ = [
    "PROJECT_NOT_FOUND",
    "REPORT_LIMITS",
    "ImportResult",
    "export_filename",
    "export_projects_zip",
    "export_report_bytes",
    "export_report_workbook",
    "export_unit_zip",
    "import_report_workbook",
    "report_of",
    "with_unique_filenames",
]
