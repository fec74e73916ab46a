"""The one check every uploaded file passes, whatever the channel (web, WhatsApp, API, operator).

A file is accepted only as JPEG, PNG or PDF, recognised by its first bytes and never by its name,
and at most 5 MB. Images are decoded and encoded again by Pillow: what is stored is a fresh image
without EXIF, GPS or any other metadata, and without whatever was hidden after the image data.
An image whose dimensions would take too much memory to decode (a "pixel flood" or decompression
bomb) is refused before it is decoded. A PDF is parsed, and refused when it cannot be parsed, is
encrypted, or contains JavaScript, launch actions or embedded files.
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# 30 million pixels: more than a 24-megapixel phone photo, far less than a pixel flood (a small
# PNG that claims 50,000 × 50,000 pixels would need gigabytes of memory once decoded).
DEFAULT_MAX_PIXELS = 30_000_000
JPEG_QUALITY = 85

JPEG, PNG, PDF = "image/jpeg", "image/png", "application/pdf"
# Content types recognised by their first bytes, never by the file name.
MAGIC = ((b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG), (b"%PDF-", PDF))
EXTENSIONS = {JPEG: "jpg", PNG: "png", PDF: "pdf"}

# PDF names that make a reader run code, open other programs or carry other files.
_PDF_ACTIVE_NAMES = frozenset(
    {"/JS", "/JavaScript", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/EF", "/RichMedia",
     "/ImportData", "/GoToE", "/SubmitForm", "/XFA"}
)  # fmt: skip
# The same names in the raw bytes, for objects a lenient reader could find outside the xref table.
_PDF_ACTIVE_RAW = re.compile(rb"/(JavaScript|Launch|EmbeddedFiles?|RichMedia|ImportData)\b")

MESSAGES = {
    "empty": _("Berkas kosong. Pilih lagi foto atau pindaian dokumen Anda, lalu unggah ulang."),
    "too_big": _(
        "Berkas lebih dari 5 MB. Perkecil ukuran foto (misalnya kirim sebagai foto biasa, bukan "
        "dokumen asli kamera) atau pindai dengan resolusi lebih rendah, lalu unggah ulang."
    ),
    "file_type": _(
        "Berkas harus JPEG, PNG atau PDF. Foto dokumen dengan kamera ponsel, atau simpan "
        "pindaiannya sebagai PDF, lalu unggah ulang."
    ),
    "image_too_large": _(
        "Ukuran gambar terlalu besar (lebih dari %(megapixels)s juta piksel). Foto ulang dengan "
        "resolusi kamera yang lebih rendah, lalu unggah ulang."
    ),
    "image_broken": _(
        "Gambar tidak dapat dibuka (berkas rusak atau tidak lengkap). Foto ulang dokumen Anda, "
        "lalu unggah ulang."
    ),
    "pdf_broken": _(
        "PDF tidak dapat dibaca (berkas rusak atau tidak lengkap). Simpan ulang pindaian sebagai "
        "PDF, atau unggah fotonya (JPEG/PNG)."
    ),
    "pdf_encrypted": _(
        "PDF dikunci dengan kata sandi. Unggah PDF tanpa kata sandi, atau unggah fotonya "
        "(JPEG/PNG)."
    ),
    "pdf_active": _(
        "PDF ini berisi skrip, tindakan otomatis atau berkas lain di dalamnya, sehingga tidak "
        "dapat diterima. Pindai ulang dokumen Anda sebagai PDF biasa, atau unggah fotonya "
        "(JPEG/PNG)."
    ),
}


@dataclass(frozen=True)
class CleanedUpload:
    """What may be stored: the (re-encoded) bytes, their content type and file extension."""

    data: bytes
    content_type: str
    extension: str


def sniff_content_type(head: bytes) -> str | None:
    """The content type the first bytes announce (JPEG, PNG or PDF), or None."""
    return next((ctype for magic, ctype in MAGIC if head.startswith(magic)), None)


def max_pixels() -> int:
    return int(getattr(settings, "DUKCAPIL_UPLOAD_MAX_PIXELS", DEFAULT_MAX_PIXELS))


def _refuse(code: str, **params: object) -> ValidationError:
    return ValidationError(MESSAGES[code], code=code, params=params or None)


def clean_upload(data: bytes) -> CleanedUpload:
    """Check ``data`` and make it safe to store, or raise ``ValidationError`` (Indonesian message
    saying what to do next; ``code`` one of the keys of :data:`MESSAGES`)."""
    if not data:
        raise _refuse("empty")
    if len(data) > MAX_UPLOAD_BYTES:
        raise _refuse("too_big")
    content_type = sniff_content_type(data[:16])
    if content_type is None:
        raise _refuse("file_type")
    if content_type == PDF:
        _check_pdf(data)
        return CleanedUpload(data, PDF, EXTENSIONS[PDF])
    return CleanedUpload(_reencoded_image(data, content_type), content_type, EXTENSIONS[content_type])  # noqa: E501  # fmt: skip


def _reencoded_image(data: bytes, content_type: str) -> bytes:
    from PIL import Image, ImageOps

    limit = max_pixels()
    megapixels = limit // 1_000_000
    expected = {JPEG: "JPEG", PNG: "PNG"}[content_type]
    with warnings.catch_warnings():
        # Pillow only warns between its limit and twice its limit: make that a refusal too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=[expected]) as image:
                width, height = image.size
                # Refused from the header, before a single pixel is decoded.
                if width * height > limit or width <= 0 or height <= 0:
                    raise _refuse("image_too_large", megapixels=megapixels)
                image.load()
                # EXIF goes away with the re-encoding: turn the picture as the camera meant first.
                upright = ImageOps.exif_transpose(image)
                return _encoded(upright, content_type)
        except ValidationError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _refuse("image_too_large", megapixels=megapixels) from None
        except (OSError, SyntaxError, ValueError, EOFError, Image.UnidentifiedImageError):
            raise _refuse("image_broken") from None


def _encoded(image, content_type: str) -> bytes:
    """A fresh file of ``image``'s pixels only: no EXIF, GPS, ICC, comments, text chunks or data
    hidden after the image (Pillow writes some of ``info`` back when saving: it is emptied)."""
    transparency = image.info.get("transparency") if image.mode == "P" else None
    image = image.copy()
    image.info = {}
    out = io.BytesIO()
    if content_type == JPEG:
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    else:
        if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
            image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
        params = {"transparency": transparency} if transparency is not None else {}
        image.save(out, format="PNG", optimize=True, **params)
    return out.getvalue()


def _check_pdf(data: bytes) -> None:
    import pypdf
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    if _PDF_ACTIVE_RAW.search(data):
        raise _refuse("pdf_active")
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise _refuse("pdf_encrypted")
        if len(reader.pages) == 0:
            raise _refuse("pdf_broken")
        objects = [reader.trailer]
        for generation, numbers in reader.xref.items():
            objects += [IndirectObject(num, generation, reader) for num in numbers]
        objects += [IndirectObject(num, 0, reader) for num in reader.xref_objStm]
        seen: set[int] = set()
        while objects:
            obj = objects.pop()
            if isinstance(obj, IndirectObject):
                obj = obj.get_object()
            if obj is None or id(obj) in seen:
                continue
            seen.add(id(obj))
            if isinstance(obj, DictionaryObject):
                if _PDF_ACTIVE_NAMES.intersection(obj) or obj.get("/S") in _PDF_ACTIVE_NAMES:
                    raise _refuse("pdf_active")
                objects += [v for v in obj.values() if not isinstance(v, IndirectObject)]
            elif isinstance(obj, ArrayObject):
                objects += [v for v in obj if not isinstance(v, IndirectObject)]
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 — pypdf raises many kinds of errors on a broken file
        raise _refuse("pdf_broken") from None
