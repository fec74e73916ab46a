import pytest

from dukcapil.dashboard.testing import Office


@pytest.fixture(autouse=True)
def _dashboard_effect_only(settings):
    settings.DUKCAPIL_TRANSITION_EFFECTS = ["dukcapil.dashboard.rollups.record_transition"]


@pytest.fixture
def serang(db) -> Office:
    return Office("36.73")


@pytest.fixture
def tangerang(db) -> Office:
    return Office("36.03")


@pytest.fixture
def handmade(serang, tangerang) -> dict:
    """Six applications in two regencies, each at a known point of its life."""
    a = serang.walk(serang.new(), "claim", "approve", "issue", "ship", "complete")
    b = serang.walk(serang.new(channel="whatsapp"), "claim", "request_revision")
    c = serang.walk(serang.new(), "claim", "reject")
    d = serang.new()
    e = serang.walk(serang.new(), "claim", "approve", "issue", "ship", "mark_ready_for_pickup")
    f = tangerang.walk(tangerang.new(), "claim", "approve")
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f}
