"""Golden images: each document type rendered (PDFium) and compared with a reviewed reference, so
that a layout regression fails. After a deliberate layout change, review the new images and
refresh them with ``DOCUMENTS_UPDATE_GOLDEN=1 pytest src/dukcapil/documents/tests/test_golden.py``.
"""

import os
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from dukcapil.documents.rendering import Issue, render
from dukcapil.documents.testing import pdf_pages_as_images
from dukcapil.documents.tests.samples import SAMPLES

GOLDEN = Path(__file__).parent / "golden"
ISSUE = Issue(
    number="3673-XX-29112026-0001",
    issued_on="29 November 2026",
    verification_url="https://dukcapil.example.go.id/verifikasi/Xq3vTt9mR2kLp8sWn4Yz/",
    signer_name="Rahmat Hidayat",
)
TOLERANCE = 0.002  # share of pixels that may differ (anti-aliasing of another PDFium build)


def _differing_share(a: Image.Image, b: Image.Image) -> float:
    diff = ImageChops.difference(a, b).point(lambda v: 255 if v > 64 else 0)
    histogram = diff.histogram()
    return histogram[255] / (a.width * a.height)


@pytest.mark.parametrize("document_type", sorted(SAMPLES))
def test_layout_matches_the_reviewed_reference(document_type):
    (image,) = pdf_pages_as_images(render(SAMPLES[document_type], ISSUE), scale=1.0)
    image = image.convert("L")
    reference_path = GOLDEN / f"{document_type}.png"
    if os.environ.get("DOCUMENTS_UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(exist_ok=True)
        image.save(reference_path, optimize=True)
    reference = Image.open(reference_path).convert("L")
    assert image.size == reference.size
    assert _differing_share(image, reference) <= TOLERANCE


def test_a_moved_field_fails_the_comparison():
    content = dict(SAMPLES["akta_kelahiran"])
    content["person"] = {**content["person"], "name": "Putri Ayu Lestari Wulandari"}
    (image,) = pdf_pages_as_images(render(content, ISSUE), scale=1.0)
    reference = Image.open(GOLDEN / "akta_kelahiran.png").convert("L")
    assert _differing_share(image.convert("L"), reference) > TOLERANCE
