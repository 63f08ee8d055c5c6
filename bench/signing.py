"""Signing and verifying a document the size of a 20-page plan annex (issue 15: a signature in under 1 s).

The PDF is made once by WeasyPrint from a dense table (not timed: rendering has its own benchmark); what is timed is
reports.signing.sign_pdf — the PAdES signature with the visible Russian stamp (PT Sans shaped and subset) — and the
check of the signed file. The certificate is a fresh self-signed one in a temporary folder."""

import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from weasyprint import HTML

PAGES = 20


def dense_pdf(pages: int = PAGES) -> bytes:
    rows = "".join(
        f"<tr><td>{n // 10 + 1}.{n % 10 + 1}</td><td>Семинар-практикум для учителей школ с низкими результатами</td>"
        f"<td>Октябрь-ноябрь 2020г</td><td>УМЦ</td><td>Обучились 10 % руководителей</td></tr>"
        for n in range(pages * 16)
    )
    return HTML(string=f"<table>{rows}</table>").write_pdf()


def page_count(pdf: bytes) -> int:
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader

    return int(PdfFileReader(io.BytesIO(pdf), strict=False).root["/Pages"]["/Count"])


def run(report) -> None:
    from bench.__main__ import timed
    from reports import signing

    pdf = dense_pdf()
    with tempfile.TemporaryDirectory() as folder:
        key = Path(folder) / "bench.p12"
        key.write_bytes(signing.make_self_signed_p12("Бенчмарк", "Департамент образования"))
        settings.DOCUMENT_SIGNING_P12, settings.DOCUMENT_SIGNING_P12_PASSWORD = key, ""
        start = time.perf_counter()
        signed = signing.sign_pdf(pdf, number="ШНОР-2026-000001", signed_at=timezone.now())
        first = (time.perf_counter() - start) * 1000
        median, best = timed(lambda: signing.sign_pdf(pdf, number="ШНОР-2026-000001", signed_at=timezone.now()))
        report(
            f"signing: a {page_count(pdf)}-page PDF ({len(pdf) // 1024} KB) signed with the stamp in {median:.0f} ms "
            f"(median of 5, best {best:.0f} ms; the first in a process {first:.0f} ms, loading pyHanko and the key)"
        )
        median, best = timed(lambda: signing.check_signature(signed.data))
        report(f"signing: the signed file checked (digest, signature, coverage) in {median:.0f} ms (best {best:.0f})")
