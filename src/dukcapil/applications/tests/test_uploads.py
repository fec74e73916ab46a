"""Uploads: only JPEG, PNG and PDF by content, at most 5 MB, images re-encoded without metadata,
pixel floods and active PDFs refused; the same checks through add_attachment for every channel."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from pypdf import PdfWriter

from dukcapil.applications import services
from dukcapil.applications.actors import Actor
from dukcapil.applications.testing import PDF, PNG, make_application
from dukcapil.applications.uploads import MAX_UPLOAD_BYTES, clean_upload


def _refusal(data: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as e:
        clean_upload(data)
    return e.value


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def pixel_flood_png(width: int = 50_000, height: int = 50_000) -> bytes:
    """A few hundred bytes that claim billions of pixels (a decompression bomb)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * (1 + 3 * width) * 4, 9)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat)
            + _png_chunk(b"IEND", b""))  # fmt: skip


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0131] = "SecretCam 1.0"  # Software
    exif.get_ifd(0x8825).update({1: "S", 2: (6.0, 7.0, 8.0), 3: "E", 4: (106.0, 9.0, 10.0)})
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=b"taken at home")
    return out.getvalue()


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF of these objects (1 is the catalogue), with a correct xref table."""
    out, offsets = b"%PDF-1.7\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


PAGES = [b"<</Type/Pages/Kids[3 0 R]/Count 1>>", b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 99 99]>>"]


def _pypdf(change) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# The refusals the issue names, and a few more.


def test_an_empty_file_is_refused():
    error = _refusal(b"")
    assert error.code == "empty"
    assert "Berkas kosong" in error.messages[0]


def test_a_renamed_executable_is_refused_by_its_content():
    windows_exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
    elf = b"\x7fELF\x02\x01\x01" + b"\x00" * 200
    for data in (windows_exe, elf, b"<html><script>alert(1)</script>", b"PK\x03\x04zip"):
        error = _refusal(data)
        assert error.code == "file_type"
        assert "JPEG, PNG atau PDF" in error.messages[0]


def test_a_file_over_five_megabytes_is_refused():
    error = _refusal(PDF + b"0" * MAX_UPLOAD_BYTES)
    assert error.code == "too_big"
    assert "5 MB" in error.messages[0]


def test_a_png_pixel_flood_is_refused_before_it_is_decoded():
    bomb = pixel_flood_png()
    assert len(bomb) < 200_000
    error = _refusal(bomb)
    assert error.code == "image_too_large"
    assert "juta piksel" in error.messages[0]


def test_pillows_own_bomb_guard_is_caught_too(settings):
    """With our limit above Pillow's, Pillow's DecompressionBombError still ends as a refusal."""
    settings.DUKCAPIL_UPLOAD_MAX_PIXELS = 10**12
    assert _refusal(pixel_flood_png()).code == "image_too_large"


def test_an_image_just_over_the_pixel_limit_is_refused(settings):
    settings.DUKCAPIL_UPLOAD_MAX_PIXELS = 100 * 100
    out = io.BytesIO()
    Image.new("RGB", (101, 100)).save(out, format="PNG")
    assert _refusal(out.getvalue()).code == "image_too_large"
    out = io.BytesIO()
    Image.new("RGB", (100, 100)).save(out, format="PNG")
    assert clean_upload(out.getvalue()).content_type == "image/png"


def test_a_pdf_with_javascript_is_refused():
    from pypdf.actions import JavaScript

    error = _refusal(_pypdf(lambda w: w.add_open_action(JavaScript("app.alert('hai');"))))
    assert error.code == "pdf_active"
    assert "skrip" in error.messages[0]


def test_a_pdf_with_a_launch_action_is_refused():
    launch = _pdf([b"<</Type/Catalog/Pages 2 0 R/OpenAction<</S/Launch/F(cmd.exe)>>>>", *PAGES])
    assert _refusal(launch).code == "pdf_active"


def test_a_pdf_with_an_embedded_file_is_refused():
    data = _pypdf(lambda w: w.add_attachment("lampiran.exe", b"MZ\x90\x00"))
    assert _refusal(data).code == "pdf_active"


def test_names_hidden_with_hex_escapes_are_found_by_the_parser():
    """/J#61vaScript is /JavaScript to a reader; a byte search alone would miss it."""
    hidden = _pdf([b"<</Type/Catalog/Pages 2 0 R/OpenAction 4 0 R>>", *PAGES,
                   b"<</S/J#61vaScript/J#53(app.alert(1))>>"])  # fmt: skip
    assert b"/JavaScript" not in hidden
    assert _refusal(hidden).code == "pdf_active"


def test_a_pdf_that_cannot_be_parsed_is_refused():
    for data in (b"%PDF-1.7\n" + b"\x00garbage" * 50, b"%PDF-", PDF[:60]):
        error = _refusal(data)
        assert error.code == "pdf_broken", data[:20]
        assert "PDF tidak dapat dibaca" in error.messages[0]


def test_an_encrypted_pdf_is_refused():
    assert _refusal(_pypdf(lambda w: w.encrypt("rahasia"))).code == "pdf_encrypted"


def test_a_broken_image_is_refused():
    assert _refusal(PNG[:40]).code == "image_broken"
    assert _refusal(b"\xff\xd8\xff\xe0" + b"\x00" * 100).code == "image_broken"


def test_refusals_are_in_the_citizens_language():
    with translation.override("en"):
        assert "JPEG, PNG or PDF" in _refusal(b"MZ").messages[0]


# What passes, and how it is stored.


def test_a_plain_pdf_is_kept_as_it_is():
    cleaned = clean_upload(PDF)
    assert (cleaned.data, cleaned.content_type, cleaned.extension) == (
        PDF,
        "application/pdf",
        "pdf",
    )
    generated = _pypdf(lambda w: None)
    assert clean_upload(generated).data == generated


def test_a_photo_is_re_encoded_without_exif_gps_or_comment():
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the GPS is there
    cleaned = clean_upload(original)
    assert (cleaned.content_type, cleaned.extension) == ("image/jpeg", "jpg")
    image = Image.open(io.BytesIO(cleaned.data))
    assert image.size == (64, 48)
    assert not image.getexif()
    assert b"Exif" not in cleaned.data
    assert b"PhoneMaker" not in cleaned.data and b"taken at home" not in cleaned.data


def test_a_photo_taken_sideways_is_turned_upright_before_its_exif_goes():
    image = Image.new("RGB", (60, 20))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    assert Image.open(io.BytesIO(clean_upload(out.getvalue()).data)).size == (20, 60)


def test_data_hidden_after_a_png_is_dropped():
    polyglot = PNG + b"PK\x03\x04 a zip archive hidden after IEND"
    cleaned = clean_upload(polyglot)
    assert cleaned.data == PNG
    assert b"PK\x03\x04" not in cleaned.data


def test_png_text_chunks_are_dropped():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("GPS", "-6.12, 106.15")
    out = io.BytesIO()
    Image.new("RGBA", (4, 4), (1, 2, 3, 4)).save(out, format="PNG", pnginfo=info)
    cleaned = clean_upload(out.getvalue())
    assert b"106.15" not in cleaned.data
    assert Image.open(io.BytesIO(cleaned.data)).getpixel((0, 0)) == (1, 2, 3, 4)


def test_a_clean_image_comes_out_as_it_went_in():
    assert clean_upload(PNG).data == PNG


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from([b"", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"%PDF-"]), st.binary(max_size=600)
)
def test_any_bytes_are_either_refused_with_a_message_or_cleaned(head, tail):
    try:
        cleaned = clean_upload(head + tail)
    except ValidationError as e:
        assert e.messages and e.code
    else:
        assert cleaned.content_type in ("image/jpeg", "image/png", "application/pdf")


# The same checks for every channel: add_attachment goes through clean_upload.


@pytest.mark.django_db
def test_add_attachment_stores_the_re_encoded_photo_under_a_server_made_name():
    app = make_application(submit=False)
    actor = Actor.citizen(app.applicant_id)
    attachment = services.add_attachment(
        application=app, actor=actor, requirement_code="ktp_kepala", content=jpeg_with_gps(),
        original_name="../../etc/passwd.jpg",
    )  # fmt: skip
    stored = attachment.file.read()
    assert b"PhoneMaker" not in stored
    assert attachment.size == len(stored)
    assert attachment.content_type == "image/jpeg"
    assert attachment.file.name.startswith("attachments/") and attachment.file.name.endswith(".jpg")
    assert "passwd" not in attachment.file.name


@pytest.mark.django_db
def test_add_attachment_refuses_a_bomb_under_the_requirements_name_and_keeps_the_old_file():
    app = make_application(submit=False)
    before = app.attachments.get(requirement_code="ktp_kepala", superseded=False)
    with pytest.raises(ValidationError) as e:
        services.add_attachment(
            application=app, actor=Actor.citizen(app.applicant_id),
            requirement_code="ktp_kepala", content=pixel_flood_png(),
        )  # fmt: skip
    assert "juta piksel" in e.value.message_dict["ktp_kepala"][0]
    assert app.attachments.get(requirement_code="ktp_kepala", superseded=False) == before
