"""Convert old Word (.doc) and WPS (.wps) files to .docx with LibreOffice, when it is installed.

No maintained Python library reads these binary formats well; LibreOffice does. It runs headless,
in a temporary folder with a profile of its own (two conversions at once, from two workers, would
otherwise fight over the user's profile and one would silently do nothing), under a timeout.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from .errors import Unreadable

OFFICE_SUFFIXES = frozenset({".doc", ".wps"})
CONVERT_TIMEOUT_SECONDS = 120
"""A first start of LibreOffice makes its profile (several seconds); a meeting document converts in one or two."""
MISSING_OFFICE = "需要 LibreOffice 转换（apt-get install libreoffice-writer-nogui），或另存为 .docx 后再发送"
"""The reason given when LibreOffice is not installed: what to install, or what to do instead."""


def soffice() -> str | None:
    """The LibreOffice program to run, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_docx(data: bytes, suffix: str) -> bytes:
    """The .docx LibreOffice makes of a .doc or .wps file's ``data``.

    Raises ``Unreadable``: ``MISSING_OFFICE`` without LibreOffice, another reason when it cannot
    convert the file or takes longer than ``CONVERT_TIMEOUT_SECONDS``.
    """
    program = soffice()
    if program is None:
        raise Unreadable(MISSING_OFFICE)
    with tempfile.TemporaryDirectory(prefix="meeting-bot-office-") as folder:
        work = Path(folder)
        source = work / f"document{suffix}"
        source.write_bytes(data)
        command = [
            program, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
            "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(work / "out"), str(source),
        ]
        # Its own process group: soffice starts soffice.bin, which a timeout must end too.
        with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True) as process:
            try:
                process.wait(timeout=CONVERT_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                raise Unreadable(f"LibreOffice 转换超过 {CONVERT_TIMEOUT_SECONDS} 秒，已停止") from None
        converted = work / "out" / "document.docx"
        if not converted.is_file():
            raise Unreadable("LibreOffice 无法转换（可能不是 Word 或 WPS 文档）")
        return converted.read_bytes()
