"""A small world with hand-computed figures, shared by the figures' and dashboards' tests.

Year 2024 (a leap year, 366 days), plan 2021–2025 (first day 01/01/2021, last 31/12/2025).

Phường Ba Đình (Hà Nội):
  E1 opened 01/01/2020, closed 30/06/2024 (closed mid-year), inspected 01/03/2024
  E2 opened 01/07/2024 (opened mid-year), inspected 31/12/2024
  E3 opening unknown, never inspected
  E4 opened 01/05/2019, inspected 10/02/2024 and 10/09/2024 (two in one year)
  E5 opened 01/01/2018, inspected 01/01/2025 only (1 January of the next year)
  E6 opened 01/01/2018, inspected 31/12/2023 only (31 December of the year before)
  E7 out of the plan's scope, inspected 05/05/2024 (never counted)
Phường Hoàn Kiếm (Hà Nội): H1..H4 opening unknown; H1 inspected 04/04/2024.
Reports of Ba Đình (crime denunciation: 20 days; denunciation: 30 days):
  R1 crime, received 01/03/2024, deadline 21/03, handled 15/03/2024 (on time)
  R2 crime, received 01/04/2024, deadline 21/04, handled 10/05/2024 (late)
  R3 denunciation, received 01/06/2024, base deadline 01/07, extended to 31/07,
     handled 20/07/2024 (on time thanks to the extension)
  R4 crime, received 20/12/2024, deadline 09/01/2025, handled 05/01/2025 (December → January)
  R5 crime, received 01/11/2024, deadline 21/11/2024, not handled (overdue)
  R6 crime, received 28/12/2024, extended to 15/04/2025, not handled (pending until then)
  R7 crime, received 10/01/2025 (another year)
Report of Hà Nội itself (placed at the province): RP crime, received 02/02/2024, handled
  10/02/2024 (on time).
Cases handled: Ba Đình C1 01/02/2023, C2 31/12/2023, C3 01/01/2024, C4 05/05/2024,
  C5 02/01/2025, C6 not handled, C7 30/11/2024; Hà Nội itself CP 08/08/2024.
TP Hồ Chí Minh: nothing at all (zero denominators).
"""

import datetime

from localities.models import Case, Establishment, Inspection, Report
from tests.localities.conftest import add_extension

D = datetime.date


def establishment(code, commune, *, opened=None, closed=None, in_scope=True, inspected=()):
    est = Establishment.objects.create(
        code=code,
        name=f"Cơ sở {code}",
        line="accommodation",
        commune=commune,
        opened_on=opened,
        closed_on=closed,
        in_scope=in_scope,
    )
    for day in inspected:
        Inspection.objects.create(
            establishment=est, inspected_on=day, team="police", outcome="no_violation"
        )
    return est


def report(ref, locality, kind, received, *, handled=None, extended=None):
    record = Report.objects.create(
        reference=ref,
        kind=kind,
        locality=locality,
        received_on=received,
        handled_on=handled,
        outcome="no_violation" if handled else "",
    )
    if extended:
        # Decided the day it was received: it counts at every as-of date of the scenario.
        add_extension(record, extended)
    return record


def case(ref, locality, opened, handled=None):
    return Case.objects.create(
        reference=ref, locality=locality, article="327", opened_on=opened, handled_on=handled
    )


def build(world, kinds):
    bd, hk, hn = world.ba_dinh, world.hoan_kiem, world.hn
    crime, denunciation = kinds["crime_denunciation"], kinds["denunciation"]
    establishment("E1", bd, opened=D(2020, 1, 1), closed=D(2024, 6, 30), inspected=[D(2024, 3, 1)])
    establishment("E2", bd, opened=D(2024, 7, 1), inspected=[D(2024, 12, 31)])
    establishment("E3", bd)
    establishment("E4", bd, opened=D(2019, 5, 1), inspected=[D(2024, 2, 10), D(2024, 9, 10)])
    establishment("E5", bd, opened=D(2018, 1, 1), inspected=[D(2025, 1, 1)])
    establishment("E6", bd, opened=D(2018, 1, 1), inspected=[D(2023, 12, 31)])
    establishment("E7", bd, in_scope=False, inspected=[D(2024, 5, 5)])
    establishment("H1", hk, inspected=[D(2024, 4, 4)])
    for code in ("H2", "H3", "H4"):
        establishment(code, hk)

    report("R1", bd, crime, D(2024, 3, 1), handled=D(2024, 3, 15))
    report("R2", bd, crime, D(2024, 4, 1), handled=D(2024, 5, 10))
    report("R3", bd, denunciation, D(2024, 6, 1), handled=D(2024, 7, 20), extended=D(2024, 7, 31))
    report("R4", bd, crime, D(2024, 12, 20), handled=D(2025, 1, 5))
    report("R5", bd, crime, D(2024, 11, 1))
    report("R6", bd, crime, D(2024, 12, 28), extended=D(2025, 4, 15))
    report("R7", bd, crime, D(2025, 1, 10))
    report("RP", hn, crime, D(2024, 2, 2), handled=D(2024, 2, 10))

    case("C1", bd, D(2023, 1, 1), D(2023, 2, 1))
    case("C2", bd, D(2023, 1, 1), D(2023, 12, 31))
    case("C3", bd, D(2023, 6, 1), D(2024, 1, 1))
    case("C4", bd, D(2024, 1, 1), D(2024, 5, 5))
    case("C5", bd, D(2024, 6, 1), D(2025, 1, 2))
    case("C6", bd, D(2024, 6, 1))
    case("C7", bd, D(2024, 6, 1), D(2024, 11, 30))
    case("CP", hn, D(2024, 6, 1), D(2024, 8, 8))
