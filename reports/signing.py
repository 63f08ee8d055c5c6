"""The department's PAdES signature of a frozen PDF, and the check of a signed file (pyHanko).

This module knows PDF bytes and certificates only: which document is signed, who signs and where the result is
registered is the business of `reports/signatures/services.py`. The key is read from a PKCS#12 file named by the
settings (DOCUMENT_SIGNING_P12 and its password, both with *_FILE variants); it is never logged, never put into an
exception message and never leaves this process. The demo set-up makes a self-signed certificate under var/keys/.
"""

import asyncio
import concurrent.futures
import datetime as dt
import functools
import hashlib
import io
import logging
import os
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# pyHanko imports cryptography's DSA key type, which cryptography now deprecates: a warning about a library's internals
# that `render_report --sign` and `verify_pdf` would otherwise print to every user of the command line.
warnings.filterwarnings("ignore", message="DSA is deprecated", module="pyhanko")

FIELD_NAME = "ShnorSignature"
# The registry number travels inside the signature dictionary (/Reason) as well as in the visible stamp, so that a
# file whose bytes no longer match any entry can still name the entry it claims to be.
REASON_PREFIX = "Регистрационный номер "
NUMBER_RE = re.compile(r"ШНОР-\d{4}-\d{6}")
# The visible stamp: width × height in points, placed in the bottom left corner of the last page, inside the
# bottom margin that WeasyPrint leaves for the page numbers (those are centred or on the right).
STAMP_WIDTH, STAMP_HEIGHT, STAMP_MARGIN = 250, 82, 14
STAMP_FONT_SIZE = 7

STAMP_TEXT = (
    "ДОКУМЕНТ ПОДПИСАН ЭЛЕКТРОННОЙ ПОДПИСЬЮ\n"
    "Сертификат: %(serial)s\n"
    "Владелец: %(owner)s\n"
    "Действителен: с %(valid_from)s по %(valid_to)s\n"
    "Подписан: %(signed)s\n"
    "Рег. № %(number)s"
)


class SigningUnavailable(Exception):
    """No usable certificate: the message is shown to the coordinator (Russian, without secrets)."""


@dataclass(frozen=True)
class Certificate:
    """What the registry keeps of the certificate that signed: public facts only."""

    serial: str
    owner: str
    valid_from: dt.datetime
    valid_to: dt.datetime
    der: bytes = field(repr=False)

    @classmethod
    def from_asn1(cls, cert: asn1_x509.Certificate) -> "Certificate":
        return cls(
            serial=format(cert.serial_number, "X"),
            owner=_owner(cert),
            valid_from=cert.not_valid_before,
            valid_to=cert.not_valid_after,
            der=cert.dump(),
        )


def _owner(cert: asn1_x509.Certificate) -> str:
    subject = cert.subject.native
    parts = [subject.get("organization_name"), subject.get("common_name")]
    return ", ".join(dict.fromkeys(str(part) for part in parts if part)) or cert.subject.human_friendly


def _date(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%d.%m.%Y")


def outside_event_loop(function, *args, **kwargs):
    """`function(*args, **kwargs)` where pyHanko's synchronous API works: its sign_pdf and validate_pdf_signature call
    asyncio.run(), which refuses to run inside a running event loop (an ASGI server, Playwright's sync API in the
    browser tests). There the call is made in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(function, *args, **kwargs).result()


# --- The key -------------------------------------------------------------------------------------------------------


def configured_p12() -> tuple[Path, bytes | None]:
    """The PKCS#12 path and password from the settings (the password as bytes; None when there is none)."""
    path = Path(settings.DOCUMENT_SIGNING_P12)
    password = settings.DOCUMENT_SIGNING_P12_PASSWORD
    return path, password.encode("utf-8") if password else None


def load_signer():
    """pyHanko's signer with the department's key; SigningUnavailable (in Russian) when it cannot be had."""

    path, password = configured_p12()
    try:
        data = path.read_bytes()
    except OSError:
        raise SigningUnavailable(
            _(
                "The signing certificate is not installed: the file named by DOCUMENT_SIGNING_P12 cannot be read. "
                "Ask the administrator to install the department's certificate."
            )
        ) from None
    return _signer_from(data, password, path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=2)
def _signer_from(data: bytes, password: bytes | None, _mtime: int):
    # Cached by content: reading the key costs milliseconds, but so does everything in a signature under 1 s.
    from pyhanko.sign import signers

    try:
        signer = signers.SimpleSigner.load_pkcs12_data(data, other_certs=(), passphrase=password)
    except (ValueError, TypeError):
        # Deliberately without the cause: it may quote the file's content.
        raise SigningUnavailable(
            _(
                "The signing certificate cannot be opened: the PKCS#12 file or its password "
                "(DOCUMENT_SIGNING_P12_PASSWORD) is wrong."
            )
        ) from None
    if signer is None or signer.signing_cert is None:
        raise SigningUnavailable(_("The signing certificate file holds no certificate with a key."))
    return signer


def signing_certificate() -> Certificate:
    return Certificate.from_asn1(load_signer().signing_cert)


def ensure_demo_certificate(path: Path | None = None) -> Path | None:
    """Make the self-signed demo certificate at the demo path unless it exists (idempotent). Only where no
    certificate was configured: a production path named by DOCUMENT_SIGNING_P12 is never written. The file is
    readable by its owner only and has no password (it is a demo key)."""
    target = Path(path or settings.DOCUMENT_SIGNING_DEMO_P12)
    if path is None and Path(settings.DOCUMENT_SIGNING_P12) != target:
        return None
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    data = make_self_signed_p12(
        "Департамент образования (демо)", "ШНОР-портал, демонстрационный сертификат", password=None
    )
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return target


def make_self_signed_p12(
    common_name: str, organization: str, *, password: bytes | None = None, days: int = 3 * 365, serial=None
) -> bytes:
    """A PKCS#12 with an RSA key and a self-signed certificate for document signing (demo and tests)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "RU"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(serial or x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    encryption = serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
    return pkcs12.serialize_key_and_certificates(b"shnor-signing", key, cert, None, encryption)


# --- Signing -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Signed:
    data: bytes
    sha256: str
    certificate: Certificate


def stamp_style():
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import TextStampStyle

    # The shaping engine and the text box must use one font size, or the glyphs drift apart (pyHanko issue 733).
    return TextStampStyle(
        stamp_text=STAMP_TEXT,
        text_box_style=TextBoxStyle(
            font=GlyphAccumulatorFactory(settings.DOCUMENT_STAMP_FONT, font_size=STAMP_FONT_SIZE),
            font_size=STAMP_FONT_SIZE,
        ),
        border_width=1,
        background=None,
    )


def sign_pdf(pdf: bytes, *, number: str, signed_at: dt.datetime, signer=None) -> Signed:
    """`pdf` signed (PAdES baseline B) with a visible Russian stamp on its last page; the registry `number` goes
    into the stamp and the signature's /Reason."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import fields, signers

    signer = signer or load_signer()
    certificate = Certificate.from_asn1(signer.signing_cert)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    last_page = int(PdfFileReader(io.BytesIO(pdf), strict=False).root["/Pages"]["/Count"]) - 1
    box = (STAMP_MARGIN, STAMP_MARGIN, STAMP_MARGIN + STAMP_WIDTH, STAMP_MARGIN + STAMP_HEIGHT)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=f"{REASON_PREFIX}{number}",
        name=certificate.owner,
        location=settings.DOCUMENT_SIGNING_LOCATION,
    )
    pdf_signer = signers.PdfSigner(
        meta,
        signer=signer,
        stamp_style=stamp_style(),
        new_field_spec=fields.SigFieldSpec(FIELD_NAME, on_page=last_page, box=box),
    )
    local = timezone.localtime(signed_at)
    output = outside_event_loop(
        pdf_signer.sign_pdf,
        writer,
        appearance_text_params={
            "serial": certificate.serial,
            "owner": certificate.owner,
            "valid_from": _date(certificate.valid_from),
            "valid_to": _date(certificate.valid_to),
            "signed": local.strftime("%d.%m.%Y %H:%M:%S ") + local.strftime("%Z"),
            "number": number,
        },
        output=io.BytesIO(),
    )
    data = output.getvalue()
    return Signed(data=data, sha256=hashlib.sha256(data).hexdigest(), certificate=certificate)


# --- Checking a file -----------------------------------------------------------------------------------------------


@dataclass
class SignatureCheck:
    """What the signature of a file says by itself (the registry is consulted by the services)."""

    sha256: str
    problem: str = ""  # Russian, for a file that cannot be checked at all (not a PDF, no signature …)
    intact: bool = False  # the signed bytes are unchanged and the signature matches them
    covers_whole_file: bool = False  # nothing was appended after signing
    certificate: Certificate | None = None
    number: str = ""  # the registry number the signature claims (from /Reason)
    signed_at: dt.datetime | None = None
    details: list[str] = field(default_factory=list)


def check_signature(data: bytes) -> SignatureCheck:
    """Read the last signature of `data` and check it cryptographically (digest and signature value); never
    raises on a bad file: the reason is in `problem`."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    result = SignatureCheck(sha256=hashlib.sha256(data).hexdigest())
    if not data.lstrip()[:5] == b"%PDF-":
        result.problem = _("The file is not a PDF document.")
        return result
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception:
        logger.info("A PDF to verify could not be read", exc_info=True)
        result.problem = _("The PDF file is damaged and cannot be read.")
        return result
    if not signatures:
        result.problem = _("The file holds no electronic signature.")
        return result
    embedded = signatures[-1]
    try:
        reason = str(embedded.sig_object.get("/Reason", ""))
        found = NUMBER_RE.search(reason)
        result.number = found.group(0) if found else ""
        cert = embedded.signer_cert
        result.certificate = Certificate.from_asn1(cert) if cert is not None else None
        # Trust is decided against the registry (the certificate recorded for the entry), not by a chain to a
        # public root: a self-signed department certificate is a trust root of its own.
        status = outside_event_loop(validate_pdf_signature, embedded, _validation_context(cert), skip_diff=True)
    except (PdfError, SignatureValidationError, ValueError, KeyError, TypeError):
        logger.info("A signature could not be checked", exc_info=True)
        result.problem = _("The signature of the file is damaged and cannot be checked.")
        return result
    result.intact = bool(status.intact and status.valid)
    result.covers_whole_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    result.signed_at = status.signer_reported_dt
    return result


def _validation_context(cert):
    from pyhanko_certvalidator import ValidationContext

    return ValidationContext(trust_roots=[cert] if cert is not None else [], allow_fetching=False)
