"""Charts are inline SVG drawn on the server: no script, no outside host, small counts hidden."""

from __future__ import annotations

from dukcapil.dashboard import charts


def test_a_line_chart_is_self_contained_svg_that_shrinks_to_a_phone():
    svg = charts.lines("Permohonan <per> hari", ["2026-11-01", "2026-11-02"],
                       [("Diterima", charts.BLUE, [10, 20])], protect=False)  # fmt: skip
    assert svg.startswith("<svg") and 'viewBox="0 0 ' in svg and 'width="100%"' in svg
    assert "<script" not in svg and "href" not in svg
    assert "Permohonan &lt;per&gt; hari" in svg  # titles are escaped
    assert ">20<" in svg


def test_small_counts_get_no_label_for_a_protected_viewer():
    items = [("Kota Serang", 3, charts.GREEN), ("Kota Cilegon", 12, charts.GREEN)]
    shown = charts.bars("Tunggakan", items, protect=True)
    assert "&lt;5" in shown and ">3<" not in shown and ">12<" in shown
    plain = charts.bars("Tunggakan", items, protect=False)
    assert ">3<" in plain
