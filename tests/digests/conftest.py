"""A small world of due work, with hand-computed digests.

On day D (today) in Phường Ba Đình (crime denunciations: 20 days from receipt):
  BD-SOON-1, BD-SOON-2  received D−17, deadline D+3: due soon (within DUE_SOON_DAYS = 5)
  BD-LATE               received D−22, deadline D−2: overdue by 2 days
  BD-LATER              received D−11, deadline D+9: pending, not in the digest
  BD-DONE               received D−17, deadline D+3, handled D−1: not in the digest
In Phường Hoàn Kiếm: HK-SOON, received D−17, deadline D+3 (the province's digest only).
Every report has a reporter whose name, phone and address must never appear.

Establishments of Ba Đình (the default plan began on 01/01/2021):
  BD-NEVER    opening unknown, never inspected          -> never inspected since the plan began
  BD-OLD      opened 2019, inspected 01/06/2020 only    -> never inspected since the plan began
  BD-SEEN     opened 2019, inspected 05/05/2022         -> inspected
  BD-OUT      out of the plan's scope, never inspected  -> not counted
Hoàn Kiếm: HK-NEVER, never inspected. TP Hồ Chí Minh: nothing at all.

So the commune officer's digest lists 3 reports (1 overdue, 2 due soon) and 2 establishments;
the Hà Nội officer's, 4 reports (+HK-SOON) and 3 establishments (+HK-NEVER); the Hồ Chí Minh
officer has nothing due.
"""

import datetime

import pytest
from django.utils import timezone

from localities.models import Establishment, Inspection, Report, ReporterIdentity, Role
from tests.conftest import make_user

D = datetime.date
REPORTER_SECRETS = ("Nguyễn Thị Tố Giác", "0912345678", "12 Ngõ Bí Mật")


def report(ref, locality, kinds, received_ago, *, handled_ago=None):
    today = timezone.localdate()
    handled = today - datetime.timedelta(days=handled_ago) if handled_ago is not None else None
    made = Report.objects.create(
        reference=ref,
        kind=kinds["crime_denunciation"],
        locality=locality,
        received_on=today - datetime.timedelta(days=received_ago),
        handled_on=handled,
        outcome="no_violation" if handled else "",
        summary=f"Tin báo {ref}",
    )
    name, phone, address = REPORTER_SECRETS
    ReporterIdentity.objects.create(
        report=made, full_name=name, contact=phone, address=address, handwriting=name
    )
    return made


def establishment(code, commune, *, opened=None, in_scope=True, inspected=()):
    est = Establishment.objects.create(
        code=code,
        name=f"Cơ sở {code}",
        line="karaoke",
        commune=commune,
        opened_on=opened,
        in_scope=in_scope,
    )
    for day in inspected:
        Inspection.objects.create(
            establishment=est, inspected_on=day, team="police", outcome="no_violation"
        )
    return est


@pytest.fixture
def due_world(world, kinds):
    bd, hk = world.ba_dinh, world.hoan_kiem
    report("BD-SOON-1", bd, kinds, 17)
    report("BD-SOON-2", bd, kinds, 17)
    report("BD-LATE", bd, kinds, 22)
    report("BD-LATER", bd, kinds, 11)
    report("BD-DONE", bd, kinds, 17, handled_ago=1)
    report("HK-SOON", hk, kinds, 17)
    establishment("BD-NEVER", bd)
    establishment("BD-OLD", bd, opened=D(2019, 1, 1), inspected=[D(2020, 6, 1)])
    establishment("BD-SEEN", bd, opened=D(2019, 1, 1), inspected=[D(2022, 5, 5)])
    establishment("BD-OUT", bd, in_scope=False)
    establishment("HK-NEVER", hk)
    return world


@pytest.fixture
def officers(due_world):
    w = due_world
    return type(
        "Officers",
        (),
        {
            "commune": make_user(
                "bd_officer", Role.COMMUNE_OFFICER, w.ba_dinh, email="bd@example.vn"
            ),
            "province": make_user(
                "hn_officer", Role.PROVINCIAL_OFFICER, w.hn, email="hn@example.vn"
            ),
            "idle": make_user(
                "hcm_officer", Role.PROVINCIAL_OFFICER, w.hcm, email="hcm@example.vn"
            ),
            "ministry": make_user("ministry", Role.MINISTRY, email="ministry@example.vn"),
            "admin": make_user("admin", Role.ADMINISTRATOR, email="admin@example.vn"),
        },
    )
