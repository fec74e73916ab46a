"""PAdES signatures with pyHanko: sign a rendered PDF, and check an uploaded one."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from dukcapil.documents.keystore import KeyStoreError, get_key_store

T = TypeVar("T")
FIELD_NAME = "TTE"
# Room for the CMS signature (certificate chain, RSA signature): fixed instead of pyHanko's
# estimate, which signs every document twice.
SIGNATURE_BYTES = 12_288


def _outside_event_loop(work: Callable[[], T]) -> T:
    """pyHanko's synchronous calls start their own event loop (``asyncio.run``), which fails in
    a thread that already runs one (an ASGI server, a test driving a browser): there, the work
    runs in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


def sign_pdf(pdf: bytes, *, office_code: str, signer_name: str, location: str) -> bytes:
    """``pdf`` with an invisible PAdES B-B signature of the office's key added."""
    store = get_key_store()
    signer = store.signer(office_code)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason="Dokumen kependudukan diterbitkan secara elektronik",
        location=location,
        name=signer_name or None,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    pdf_signer = signers.PdfSigner(meta, signer=signer)
    with store.signing_lock():
        out = _outside_event_loop(
            lambda: pdf_signer.sign_pdf(writer, output=io.BytesIO(), bytes_reserved=SIGNATURE_BYTES)
        )
    return out.getvalue()


@dataclass(frozen=True)
class PdfCheck:
    """What a check of an uploaded PDF found (each flag False when it could not be shown)."""

    readable: bool = False
    signed: bool = False
    signature_valid: bool = False  # the signature matches the signed bytes
    unchanged: bool = False  # nothing was added or changed after signing
    trusted: bool = False  # the signer's certificate chains to this deployment's roots
    issued_by_office: str = ""  # regency code whose certificate signed it ("" if none of ours)

    @property
    def genuine(self) -> bool:
        return self.signature_valid and self.unchanged and bool(self.issued_by_office)


def check_pdf(data: bytes, *, office_codes: list[str]) -> PdfCheck:
    """Validate the first signature of ``data`` against the deployment's trust roots and tell
    which of ``office_codes`` signed it. Never raises on a bad file."""
    store = get_key_store()
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # noqa: BLE001 - any malformed file is "not readable"
        return PdfCheck()
    if not signatures:
        return PdfCheck(readable=True)
    sig = signatures[0]
    try:
        context = ValidationContext(trust_roots=store.trust_roots(), allow_fetching=False)
        status = _outside_event_loop(lambda: validate_pdf_signature(sig, context))
    except Exception:  # noqa: BLE001 - a damaged signature or content is "altered"
        return PdfCheck(readable=True, signed=True)
    valid = bool(status.intact and status.valid)
    trusted = valid and bool(status.trusted)
    unchanged = valid and status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    office = ""
    if trusted:
        signer_cert = status.signing_cert
        for code in office_codes:
            try:
                certificate = store.certificate(code)
            except KeyStoreError:  # an office without a key signed nothing
                continue
            if certificate.sha256 == signer_cert.sha256:
                office = code
                break
    return PdfCheck(
        readable=True,
        signed=True,
        signature_valid=valid,
        unchanged=unchanged,
        trusted=trusted,
        issued_by_office=office,
    )
