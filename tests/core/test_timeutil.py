from datetime import UTC, date, datetime

import pytest

from ecabinet.core.timeutil import decree30_date, to_local

pytestmark = pytest.mark.dbless  # never touches the database: the SQLite pass only


@pytest.mark.parametrize("day, expected", [
    (date(2025, 3, 5), "ngày 05 tháng 3 năm 2025"),
    (date(2025, 1, 15), "ngày 15 tháng 01 năm 2025"),
    (date(2025, 2, 9), "ngày 09 tháng 02 năm 2025"),
    (date(2025, 12, 25), "ngày 25 tháng 12 năm 2025"),
    (date(2025, 10, 1), "ngày 01 tháng 10 năm 2025"),
])
def test_decree30_date(day, expected):
    assert decree30_date(day) == expected


def test_decree30_date_with_place_and_utc_moment_uses_vietnam_day():
    # 18:30 UTC on 28 Feb is already 1 March in Vietnam.
    moment = datetime(2025, 2, 28, 18, 30, tzinfo=UTC)
    assert decree30_date(moment, "Hà Tĩnh") == "Hà Tĩnh, ngày 01 tháng 3 năm 2025"


def test_to_local_refuses_naive_times():
    with pytest.raises(ValueError):
        to_local(datetime(2025, 1, 1, 8, 0))
    assert to_local(datetime(2025, 1, 1, 1, 0, tzinfo=UTC)).hour == 8
