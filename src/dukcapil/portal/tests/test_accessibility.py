"""WCAG 2.2 AA from the portal's own stylesheet: text contrast at least 4.5:1, focus indicators
and field borders at least 3:1, a visible focus style, nothing loaded from another host."""

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parents[1] / "static" / "portal" / "portal.css").read_text()
PALETTE = dict(re.findall(r"--([a-z-]+):(#[0-9a-f]{6})", CSS))


def luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


TEXT_PAIRS = [  # (text, background): every combination the stylesheet uses
    ("fg", "bg"), ("fg", "panel"), ("accent", "bg"), ("accent", "panel"), ("on-accent", "accent"),
    ("muted", "bg"), ("muted", "panel"), ("danger", "bg"), ("danger", "panel"), ("ok", "bg"),
    ("ok", "panel"), ("on-accent", "danger"),
]  # fmt: skip
NON_TEXT_PAIRS = [("focus", "bg"), ("focus", "panel"), ("focus-on-accent", "accent"),
                  ("border", "bg"), ("border", "panel")]  # fmt: skip


def test_the_contrast_checker_knows_the_reference_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize(("text", "background"), TEXT_PAIRS)
def test_text_colours_reach_4_5_to_1(text, background):
    assert contrast(PALETTE[text], PALETTE[background]) >= 4.5


@pytest.mark.parametrize(("colour", "background"), NON_TEXT_PAIRS)
def test_focus_rings_and_field_borders_reach_3_to_1(colour, background):
    assert contrast(PALETTE[colour], PALETTE[background]) >= 3


def test_every_colour_in_the_stylesheet_is_from_the_palette():
    loose = set(re.findall(r"#[0-9a-fA-F]{3,6}\b", CSS.split("}", 1)[1]))
    assert not loose, loose


def test_focus_is_always_visible_and_never_removed():
    assert re.search(r":focus-visible[^{]*\{outline:3px solid var\(--focus\)", CSS)
    assert "outline:none" not in CSS.replace(" ", "") and "outline:0" not in CSS.replace(" ", "")


def test_nothing_from_another_host():
    assert "http" not in CSS and "@import" not in CSS and "url(" not in CSS
    templates = Path(__file__).resolve().parents[1] / "templates" / "portal"
    for template in templates.rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"(src|href)=\"(https?:)?//", text), template
        assert "<script" not in text, template  # the portal needs no JavaScript
