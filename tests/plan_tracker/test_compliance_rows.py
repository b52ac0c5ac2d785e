"""The compliance table's rows as the files read them: the localities with their province, the
values in column order with dates as text, and the CSV written column by column."""

import datetime
import io
from dataclasses import dataclass
from decimal import Decimal

import pytest

from localities.selectors import Frame
from plan_tracker.compliance_io import write_csv
from plan_tracker.metrics import Row, compliance_table, plain_rows
from plan_tracker.models import Plan

PAST = datetime.date(2024, 12, 31)


@pytest.mark.django_db
def test_a_table_of_communes_gives_each_row_its_province_without_a_query(
    world, django_assert_num_queries
):
    plan = Plan.objects.get(is_default=True)
    table = compliance_table(
        frame=Frame.nation(), year=2024, as_of=PAST, plan=plan, level="commune"
    )
    with django_assert_num_queries(0):
        provinces = {row["locality_code"]: row.locality.province.name for row in table.rows}
    assert provinces == {
        "00004": "Thành phố Hà Nội",
        "00070": "Thành phố Hà Nội",
        "26734": "Thành phố Hồ Chí Minh",
        "26740": "Thành phố Hồ Chí Minh",
    }
    ba_dinh, hoan_kiem = table.rows[0].locality, table.rows[1].locality
    assert ba_dinh.province is hoan_kiem.province
    assert ba_dinh.province.pk == world.hn.pk


@pytest.mark.django_db
def test_a_table_of_provinces_keeps_each_provinces_number_of_communes(world):
    plan = Plan.objects.get(is_default=True)
    table = compliance_table(frame=Frame.nation(), year=2024, as_of=PAST, plan=plan)
    assert {row["locality_code"]: row["communes"] for row in table.rows} == {"01": 2, "79": 2}
    # A province is its own province, as select_related would give it.
    assert all(row.locality.province.pk == row.locality.pk for row in table.rows)


def test_plain_rows_write_dates_as_text_and_a_missing_key_as_none():
    day = datetime.date(2024, 6, 30)
    rows = [
        Row(locality=None, values={"a": day, "b": 1, "c": "x"}),
        Row(locality=None, values={"a": None, "b": 2}),
    ]
    assert plain_rows(rows, ["a", "b", "c"]) == [["2024-06-30", 1, "x"], [None, 2, None]]
    assert plain_rows([], ["a"]) == []


@dataclass
class Written:
    columns: list
    rows: list

    def value_rows(self, *, total=False):
        return [list(values) for values in self.rows]


def test_the_csv_converts_each_column_as_its_cells_require():
    table = Written(
        columns=["code", "count", "pct", "status", "mixed", "differs"],
        rows=[
            ["=01", 3, Decimal("12.5"), "met", 1, True],
            ["02", None, None, "met", Decimal("1"), None],
            ["-3", 0, Decimal("12.5"), "behind", True, False],
        ],
    )
    out = io.StringIO()
    write_csv(table, out)
    assert out.getvalue() == (
        "code,count,pct,status,mixed,differs\n"
        "'=01,3,12.5,met,1,True\n"
        "02,,,met,1.0,\n"
        "'-3,0,12.5,behind,True,False\n"
    )


def test_a_csv_of_no_rows_is_its_header():
    out = io.StringIO()
    write_csv(Written(columns=["code", "count"], rows=[]), out)
    assert out.getvalue() == "code,count\n"


def test_a_fall_too_small_to_show_is_zero_not_negative_zero():
    from decimal import Decimal

    from plan_tracker.metrics import percentage

    # (2,999 − 3,000) / 3,000 × 100 = −0.033… → −0.0 once rounded: written 0.0, as a
    # growth of +0.033… is, so a column holding both writes them alike.
    small_fall = percentage(2_999 - 3_000, 3_000)
    assert str(small_fall) == "0.0" and not small_fall.is_signed()
    assert str(percentage(3_001 - 3_000, 3_000)) == "0.0"
    # A fall that shows keeps its sign: (2,625 − 3,000) / 3,000 × 100 = −12.5.
    assert percentage(2_625 - 3_000, 3_000) == Decimal("-12.5")
