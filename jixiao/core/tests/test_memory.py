"""A benchmark's child process reports its own peak memory, not the size of the process that started it."""

import subprocess
import sys

from django.conf import settings

from jixiao.core.memory import peak_rss_mb


def test_a_child_of_a_large_process_reports_its_own_peak():
    ballast = bytearray(200 * 1024 * 1024)
    ballast[::4096] = b"\x01" * len(ballast[::4096])  # touched, so that it is resident
    assert peak_rss_mb() > 200
    child = subprocess.run(
        [sys.executable, "-c", "from jixiao.core.memory import peak_rss_mb; print(peak_rss_mb())"],
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    )
    assert float(child.stdout) < 100
    del ballast
