"""Shared helpers of the Word form tests: test data, reading documents back, LibreOffice."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from duban_desktop.domain import coordination, settings, supervision

from .. import factories
from ..factories import TODAY

OFFICE = "青山县人民政府办公室"
PHONE = "0571-12345678"


def office_settings(**extra) -> None:
    settings.update({"office_name": OFFICE, "contact_phone": PHONE, "operator_name": "林晓",
                     **extra})


def typical_item(**overrides):
    """An item in progress with a leader's instruction, a helper unit and two urges."""
    values = dict(assisting=["县财政局"], basis="县政府第12次常务会议纪要",
                  content="对城区32条背街小巷的路面、管网和照明进行改造,10月底前完工。")
    values.update(overrides)
    made = factories.item(**values)
    supervision.urge(made.id, method="phone", content="请加快方案编制。", urged_on=dt.date(2026, 6, 5),
                     reply_days=3, now=TODAY)
    supervision.urge(made.id, method="notice", content="请于本周内报送改造方案。",
                     urged_on=dt.date(2026, 6, 12), reply_days=5, now=TODAY)
    return supervision.get_item(made.id)


def resolved_case(**overrides):
    values = dict(description="县城停车难问题突出,停车场选址涉及用地和建设两个部门,意见尚不一致。")
    values.update(overrides)
    made = factories.case_in_consultation(**values)
    coordination.resolve(
        made.id, decision="停车场选址在城北旧货运站地块,由县自然资源局办理用地手续,县住房和城乡建设局负责建设。",
        record_kind="minutes", record_number="协调纪要〔2026〕2号", resolved_on=dt.date(2026, 5, 15),
        tasks=[{"unit": "县自然资源局", "task": "办理停车场建设用地手续", "deadline": dt.date(2026, 7, 31),
                "responsible_person": "褚红梅"},
               {"unit": "县住房和城乡建设局", "task": "完成停车场设计和招标", "deadline": dt.date(2026, 9, 30),
                "responsible_person": "蒋建华"}],
        now=TODAY)
    return coordination.get_case(made.id)


def paragraph_texts(path) -> list[str]:
    """Every paragraph of the document (body with tables, headers, footers) as text."""
    document = Document(str(path))
    roots = [document.element.body]
    for rel in document.part.rels.values():
        if rel.reltype.endswith(("/header", "/footer")):
            roots.append(rel.target_part.element)
    texts = []
    for root in roots:
        for p in root.iter(qn("w:p")):
            parts = []
            for node in p.iter(qn("w:t"), qn("w:br"), qn("w:tab")):
                if node.tag == qn("w:t"):
                    parts.append(node.text or "")
                else:
                    parts.append("\n" if node.tag == qn("w:br") else "\t")
            texts.append("".join(parts))
    return texts


def all_text(path) -> str:
    return "\n".join(paragraph_texts(path))


# ------------------------------------------------------------------ LibreOffice


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is missing: .ci/run must install libreoffice-writer")
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
    return found


def convert(files: list[Path], outdir: Path, to: str = "pdf") -> list[Path]:
    """Convert with LibreOffice in one run; returns the converted files in order."""
    outdir.mkdir(parents=True, exist_ok=True)
    profile = outdir / ".lo-profile"
    subprocess.run([soffice(), f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", to, "--outdir", str(outdir), *map(str, files)],
                   check=True, capture_output=True, timeout=300)
    suffix = "." + to.split(":")[0]
    made = [outdir / (Path(f).stem + suffix) for f in files]
    for path in made:
        assert path.is_file(), f"LibreOffice made no {path.name}"
    return made


def pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))


def pdf_fonts(pdf: Path) -> list[tuple[str, bool]]:
    """(font name, embedded) for each font of the PDF, from poppler's pdffonts."""
    lines = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    fonts = []
    for line in lines:
        parts = line.split()
        # name type [type word] encoding emb sub uni id gen: emb is 5th from the end
        fonts.append((parts[0], parts[-5] == "yes"))
    return fonts


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
