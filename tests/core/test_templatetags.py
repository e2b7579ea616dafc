import datetime as dt

from django.utils import translation

from samenbieb.core.templatetags.samenbieb import day_hours, periods, weekday_name
from samenbieb.network.calendar import Day

T = dt.time


def test_opening_periods_read_as_dutch_time_ranges():
    assert periods([(T(10), T(12, 30)), (T(13, 30), T(17))]) == "10:00–12:30, 13:30–17:00"


def test_a_day_without_periods_reads_closed_in_the_visitors_language():
    with translation.override("nl"):
        assert periods([]) == "gesloten"
    with translation.override("en"):
        assert periods([]) == "closed"


def test_a_closed_day_names_its_reason_instead_of_its_usual_hours():
    christmas = Day(dt.date(2026, 12, 25), ((T(10), T(17)),), closure_reason="Eerste kerstdag")
    with translation.override("nl"):
        assert day_hours(christmas) == "gesloten: Eerste kerstdag"
    assert day_hours(Day(dt.date(2026, 12, 28), ((T(10), T(17)),))) == "10:00–17:00"


def test_weekdays_are_named_in_dutch():
    with translation.override("nl"):
        assert [weekday_name(day) for day in (0, 6)] == ["maandag", "zondag"]
