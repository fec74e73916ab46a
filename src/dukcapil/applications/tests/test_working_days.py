import datetime as dt

from dukcapil.core.working_days import add_working_days, is_working_day, working_days_between


def test_weekends_and_public_holidays_are_not_working_days():
    assert not is_working_day(dt.date(2026, 8, 17))  # Independence Day (a Monday)
    assert not is_working_day(dt.date(2026, 12, 25))  # Christmas
    assert not is_working_day(dt.date(2026, 11, 28))  # Saturday
    assert is_working_day(dt.date(2026, 11, 27))


def test_due_date_skips_holidays():
    # Thursday 24 Dec 2026 + 1 working day: Friday 25th is Christmas, then the weekend.
    assert add_working_days(dt.date(2026, 12, 24), 1) == dt.date(2026, 12, 28)
    assert add_working_days(dt.date(2026, 11, 27), 3) == dt.date(2026, 12, 2)
    assert working_days_between(dt.date(2026, 12, 24), dt.date(2026, 12, 28)) == 1
