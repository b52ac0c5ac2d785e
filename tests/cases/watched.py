"""The cases the ministry watches, counted by hand in the tests.

Cases of Hà Nội (01):

| case | place          | modus                 | foreign | minors (youngest) | line | handled    |
| ---- | -------------- | --------------------- | ------- | ----------------- | ---- | ---------- |
| HN-1 | Ba Đình        | online_social_network | yes     | yes (under_16)    | yes  | 01/05/2024 |
| HN-2 | Ba Đình        | online_ott            |         |                   |      | 01/06/2024 |
| HN-3 | Hoàn Kiếm      | establishment         |         | yes (16_17)       | yes  | 01/07/2024 |
| HN-4 | Hoàn Kiếm      | (not recorded)        |         |                   |      | 01/08/2024 |
| HN-5 | Hà Nội itself  | online_closed_group   | yes     |                   |      | 01/09/2024 |
| HN-6 | Ba Đình        | street                |         |                   |      | not yet    |
| HN-7 | Ba Đình        | call_girl             |         | yes (under_16)    |      | 01/03/2023 |
| HN-8 | Ba Đình        | online_ott            |         | yes (16_17)       |      | 01/02/2025 |

Cases of TP Hồ Chí Minh (79):

| SG-1 | Sài Gòn        | online_social_network |         | yes (under_16)    |      | 01/02/2024 |
| SG-2 | Bến Thành      | establishment         | yes     |                   | yes  | 01/03/2024 |
"""

import datetime

from localities.models import Case

D = datetime.date

CASES = [
    # reference, place, modus, foreign, age band (minors when given), line, opened, handled
    (
        "HN-1",
        "ba_dinh",
        "online_social_network",
        True,
        "under_16",
        True,
        D(2024, 1, 5),
        D(2024, 5, 1),
    ),
    ("HN-2", "ba_dinh", "online_ott", False, "", False, D(2024, 2, 1), D(2024, 6, 1)),
    ("HN-3", "hoan_kiem", "establishment", False, "16_17", True, D(2024, 3, 1), D(2024, 7, 1)),
    ("HN-4", "hoan_kiem", "", False, "", False, D(2024, 3, 1), D(2024, 8, 1)),
    ("HN-5", "hn", "online_closed_group", True, "", False, D(2024, 4, 1), D(2024, 9, 1)),
    ("HN-6", "ba_dinh", "street", False, "", False, D(2024, 5, 1), None),
    ("HN-7", "ba_dinh", "call_girl", False, "under_16", False, D(2023, 1, 1), D(2023, 3, 1)),
    ("HN-8", "ba_dinh", "online_ott", False, "16_17", False, D(2024, 11, 1), D(2025, 2, 1)),
    (
        "SG-1",
        "sai_gon",
        "online_social_network",
        False,
        "under_16",
        False,
        D(2024, 1, 1),
        D(2024, 2, 1),
    ),
    ("SG-2", "ben_thanh", "establishment", True, "", True, D(2024, 1, 1), D(2024, 3, 1)),
]


def make_case(world, reference, place, modus, foreign, band, line, opened, handled, **extra):
    case = Case(
        reference=reference,
        locality=getattr(world, place),
        article="327",
        opened_on=opened,
        handled_on=handled,
        modus=modus,
        foreign_element=foreign,
        minors_involved=bool(band),
        youngest_age_band=band,
        line_dismantled=line,
        **extra,
    )
    case.full_clean()
    case.save()
    return case


def build(world) -> dict:
    """The cases above, by reference."""
    return {row[0]: make_case(world, *row) for row in CASES}
