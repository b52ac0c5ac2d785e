"""A deterministic demo data set, the demo users, Hà Nội's 2026 plan and records dated in the
current year (so that a new user sees the year they live in). Running it again adds nothing."""

import datetime
import random

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from localities.models import (
    Activity,
    ActivityAudience,
    ActivityKind,
    ActivityMedium,
    AgeBand,
    CaseArticle,
    InspectionOutcome,
    InspectionTeam,
    Line,
    Modus,
)
from localities.models.access import Assignment, Role
from localities.models.places import Locality, Scheme
from localities.models.records import Case, Establishment, Inspection
from localities.models.reports import (
    Report,
    ReporterIdentity,
    ReportExtension,
    ReportKind,
    ReportOutcome,
)

PASSWORD = "plan-tracker-demo"
# (province code, communes used, establishments, reports, cases, yearly inspection rate)
PROVINCES = [("01", 12, 90, 60, 24, 0.35), ("79", 10, 80, 50, 20, 0.18), ("48", 8, 50, 30, 10, 0.1)]
# The demo commune officer's commune: Phường Ba Đình, Hà Nội.
COMMUNE_OFFICER_COMMUNE = "00004"
FIRST_DAY = datetime.date(2021, 1, 1)
NAMES = {
    Line.ACCOMMODATION: "Khách sạn",
    Line.KARAOKE: "Karaoke",
    Line.DISCOTHEQUE: "Vũ trường",
    Line.MASSAGE: "Massage",
    Line.RESTAURANT_BAR: "Nhà hàng",
    Line.SAUNA_SPA_BARBER: "Spa",
    Line.OTHER: "Cơ sở",
}
WORDS = ["Hoa Sen", "Bình Minh", "Ánh Dương", "Sông Hồng", "Phương Nam", "Hòa Bình", "Thăng Long"]
WORDS += ["Sao Mai", "Biển Xanh", "Hướng Dương", "Trường An", "Kim Liên", "Mai Vàng"]
LINE_WEIGHTS = [(Line.ACCOMMODATION, 55), (Line.KARAOKE, 14), (Line.MASSAGE, 9)]
LINE_WEIGHTS += [(Line.RESTAURANT_BAR, 10), (Line.SAUNA_SPA_BARBER, 7), (Line.DISCOTHEQUE, 2)]
LINE_WEIGHTS += [(Line.OTHER, 3)]
# The year of the default plan whose approvals the demo shows, and each province's steps:
# (step, by whom, comment).
APPROVED_YEAR = 2025
DEMO_APPROVALS = [
    ("01", [("submit", "province_officer", ""), ("approve", "ministry", "")]),
    (
        "79",
        [
            ("submit", "province_officer_hcm", ""),
            (
                "return",
                "ministry",
                "Đề nghị rà soát lại các tin báo quá hạn của quý IV trước khi gửi lại.",
            ),
        ],
    ),
]

# How the demo's cases operated, in turn: about a third online, as the ministry sees it now.
MODUS_CYCLE = [
    Modus.ONLINE_SOCIAL_NETWORK,
    Modus.ESTABLISHMENT,
    Modus.ONLINE_OTT,
    Modus.ESTABLISHMENT,
    Modus.CALL_GIRL,
    Modus.ONLINE_CLOSED_GROUP,
    Modus.STREET,
    Modus.ESTABLISHMENT,
    Modus.OTHER,
]


def case_kinds(number: int) -> dict:
    """What the demo's case number `number` (from 1 in each province) watches: its way of
    operating, foreign elements, minors (every fifth case, the youngest under 16 or 16–17 in
    turn) and brokerage line. From the number alone, so that a rerun gives the same."""
    minors = number % 5 == 3
    return {
        "modus": MODUS_CYCLE[number % len(MODUS_CYCLE)],
        "foreign_element": number % 7 == 4,
        "minors_involved": minors,
        "youngest_age_band": (
            (AgeBand.UNDER_16 if number % 2 else AgeBand.AGE_16_17) if minors else ""
        ),
        "line_dismantled": number % 4 == 2,
    }


HANOI_PLAN_2026 = {
    "name": "Kế hoạch phòng, chống mại dâm năm 2026 của Thành phố Hà Nội",
    "name_en": "Hà Nội's prostitution prevention and control plan 2026",
    "document_number": "07/KH-UBND",
    "document_date": datetime.date(2026, 1, 7),
    "issuing_body": "UBND Thành phố Hà Nội",
    "first_year": 2026,
    "last_year": 2026,
    "description": (
        "Dữ liệu minh họa (demo): các chỉ tiêu ghi theo Kế hoạch 07/KH-UBND như được trích dẫn; "
        "mọi hồ sơ cơ sở, kiểm tra, tin báo, vụ án của bản demo đều là số liệu giả định."
    ),
}
# (metric, threshold, applies to, description)
HANOI_TARGETS_2026 = [
    (
        "reports_on_time",
        100,
        "each_commune",
        "100% tố giác, tin báo, kiến nghị khởi tố được tiếp nhận, phân loại, giải quyết kịp thời",
    ),
    (
        "cases_handled_count",
        100,
        "whole_province",
        "Phát hiện, xử lý hình sự 100 vụ phạm tội liên quan đến mại dâm trong năm",
    ),
    (
        "communication_coverage",
        100,
        "each_commune",
        "100% xã, phường tổ chức ít nhất một hình thức tuyên truyền phòng, chống mại dâm",
    ),
]


def users_table():
    return [
        ("admin", Role.ADMINISTRATOR, None, "Quản trị viên"),
        ("ministry", Role.MINISTRY, None, "Cán bộ Bộ Công an"),
        (
            "province_officer",
            Role.PROVINCIAL_OFFICER,
            ("province", "01"),
            "Cán bộ Công an TP Hà Nội",
        ),
        (
            "province_officer_hcm",
            Role.PROVINCIAL_OFFICER,
            ("province", "79"),
            "Cán bộ Công an TP Hồ Chí Minh",
        ),
        (
            "commune_officer",
            Role.COMMUNE_OFFICER,
            ("commune", COMMUNE_OFFICER_COMMUNE),
            "Cán bộ Công an phường Ba Đình",
        ),
    ]


class Command(BaseCommand):
    help = "Load the demo data set and the demo users (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2021)

    def handle(self, *args, seed=2021, **options):
        if not Locality.objects.filter(scheme=Scheme.NEW, code="01").exists():
            self.stderr.write("Load the localities first: python manage.py load_localities")
            raise SystemExit(1)
        today = timezone.localdate()
        with transaction.atomic():
            self._users()
            if Establishment.objects.filter(code__startswith="DEMO-").exists():
                self.stdout.write("Demo records are already loaded: nothing added.")
                self._describe_older_cases()
            else:
                self._records(random.Random(seed), today)
            if Activity.objects.filter(reference__startswith="DEMO-TT-").exists():
                self.stdout.write("Demo activities are already loaded: nothing added.")
            else:
                self._activities(random.Random(seed), today)
            self._hanoi_plan_2026()
            if Report.objects.filter(reference__startswith=f"DEMO-{today.year}-").exists():
                self.stdout.write(f"Demo records of {today.year} are already loaded.")
            else:
                self._current_year(random.Random(seed + today.year), today)
            self._approvals()
        self.stdout.write(self.style.SUCCESS(f"Demo users (password: {PASSWORD}):"))
        users = users_table()
        width = max(len(username) for username, *_ in users)
        for username, role, place, _ in users:
            where = ""
            if place:
                where = " — " + str(Locality.objects.get(scheme=Scheme.NEW, code=place[1]))
            self.stdout.write(f"  {username:<{width}} {Role(role).label}{where}")

    def _users(self):
        User = get_user_model()
        for username, role, place, full_name in users_table():
            user, created = User.objects.get_or_create(username=username)
            if created:
                user.set_password(PASSWORD)
                user.first_name = full_name
                # The administrator manages users, plans and targets in Django's admin.
                user.is_staff = user.is_superuser = role == Role.ADMINISTRATOR
                user.save()
            locality = None
            if place:
                locality = Locality.objects.get(scheme=Scheme.NEW, code=place[1])
            Assignment.objects.update_or_create(
                user=user, defaults={"role": role, "locality": locality}
            )

    def _approvals(self):
        """The default plan's APPROVED_YEAR through its steps (who submits, approves and
        returns is checked as on the site): Hà Nội's approved, Hồ Chí Minh City's returned with
        a comment. A province whose year has an approval already is left as it is."""
        from plan_tracker.approvals import YearApproval, take_step
        from plan_tracker.metrics import default_plan

        plan = default_plan()
        if APPROVED_YEAR not in plan.years:
            return
        User = get_user_model()
        for province_code, steps in DEMO_APPROVALS:
            province = Locality.objects.get(scheme=Scheme.NEW, code=province_code)
            if YearApproval.objects.filter(plan=plan, province=province, year=APPROVED_YEAR):
                continue
            for action, username, comment in steps:
                take_step(
                    user=User.objects.get(username=username),
                    action=action,
                    plan=plan,
                    province=province,
                    year=APPROVED_YEAR,
                    comment=comment,
                )
        self.stdout.write(f"Demo approvals of {APPROVED_YEAR}: Hà Nội approved, TP HCM returned.")

    def _records(self, rng: random.Random, today: datetime.date):
        span = (today - FIRST_DAY).days
        kinds = list(ReportKind.objects.all())
        for province_code, n_communes, n_est, n_reports, n_cases, rate in PROVINCES:
            province = Locality.objects.get(scheme=Scheme.NEW, code=province_code)
            communes = list(province.members.filter(level="commune").order_by("code")[:n_communes])
            if province_code == "01":
                ba_dinh = Locality.objects.get(scheme=Scheme.NEW, code=COMMUNE_OFFICER_COMMUNE)
                if ba_dinh not in communes:
                    communes[0] = ba_dinh
            establishments = self._establishments(rng, province, communes, n_est, today, span)
            self._inspections(rng, establishments, rate, today)
            reports = self._reports(rng, province, communes, n_reports, kinds, today, span)
            self._cases(rng, province, communes, reports, n_cases, today, span)

    def _activities(self, rng, today):
        """Communication and training activities in Hà Nội's demo communes in 2025 and 2026
        (up to today): in 2025 ten of its twelve communes hold communication, in 2026 a few so
        far. Demo data: the titles say so."""
        province = Locality.objects.get(scheme=Scheme.NEW, code="01")
        communes = list(province.members.filter(level="commune").order_by("code")[:12])
        ba_dinh = Locality.objects.get(scheme=Scheme.NEW, code=COMMUNE_OFFICER_COMMUNE)
        if ba_dinh not in communes:
            communes[0] = ba_dinh
        forms, audiences = list(ActivityMedium), list(ActivityAudience)
        titles = {
            ActivityKind.COMMUNICATION: "Tuyên truyền phòng, chống mại dâm (dữ liệu mẫu)",
            ActivityKind.TRAINING: "Tập huấn nghiệp vụ phòng, chống mại dâm (dữ liệu mẫu)",
        }
        number = 0
        for year, holding in ((2025, 10), (2026, 6)):
            first = datetime.date(year, 1, 1)
            last = min(datetime.date(year, 12, 31), today)
            if last < first:
                continue
            for i, commune in enumerate(communes):
                for _ in range(rng.randint(1, 3)):
                    kind = ActivityKind.COMMUNICATION if i < holding else ActivityKind.TRAINING
                    number += 1
                    activity = Activity(
                        reference=f"DEMO-TT-{year}-{number:04d}",
                        commune=commune,
                        held_on=first
                        + datetime.timedelta(days=rng.randint(0, (last - first).days)),
                        kind=kind,
                        form=rng.choice(forms),
                        audience=rng.choice(audiences),
                        people_reached=rng.randint(20, 400),
                        title=titles[kind],
                    )
                    activity.full_clean()
                    activity.save()

    def _hanoi_plan_2026(self):
        """Hà Nội's plan for 2026 as the issue quotes it (Kế hoạch 07/KH-UBND of 07/01/2026):
        reports handled in time 100%, at least 100 prostitution cases handled in the year."""
        from plan_tracker.models import Applies, Plan, Target

        hanoi = Locality.objects.get(scheme=Scheme.NEW, code="01")
        plan, _ = Plan.objects.update_or_create(
            province=hanoi,
            document_number=HANOI_PLAN_2026["document_number"],
            defaults={k: v for k, v in HANOI_PLAN_2026.items() if k != "document_number"},
        )
        for metric, threshold, applies_to, description in HANOI_TARGETS_2026:
            Target.objects.update_or_create(
                plan=plan,
                metric=metric,
                defaults={
                    "threshold": threshold,
                    "applies_to": Applies(applies_to),
                    "description": description,
                },
            )

    def _current_year(self, rng, today):
        """Records dated from 1 January of the current year to today in each demo province:
        inspections of about a third of the establishments operating, reports received, cases
        handled (references DEMO-<year>-…), so the year's figures are live."""
        first = datetime.date(today.year, 1, 1)
        days = (today - first).days
        kinds = list(ReportKind.objects.all())
        for province_code, n_communes, *_rest in PROVINCES:
            province = Locality.objects.get(scheme=Scheme.NEW, code=province_code)
            establishments = Establishment.objects.filter(
                code__startswith=f"DEMO-{province_code}-"
            ).order_by("code")
            for est in establishments:
                start = max(first, est.opened_on or first)
                end = min(est.closed_on or today, today)
                if start > end or rng.random() >= 0.35:
                    continue
                day = start + datetime.timedelta(days=rng.randint(0, (end - start).days))
                if Inspection.objects.filter(establishment=est, inspected_on=day).exists():
                    continue
                inspection = Inspection(
                    establishment=est,
                    inspected_on=day,
                    team=rng.choice(list(InspectionTeam)),
                    outcome=InspectionOutcome.NO_VIOLATION,
                )
                inspection.full_clean()
                inspection.save()
            communes = list(province.members.filter(level="commune").order_by("code")[:n_communes])
            for i in range(12):
                received = first + datetime.timedelta(days=rng.randint(0, days))
                kind = kinds[i % len(kinds)]
                report = Report(
                    reference=f"DEMO-{today.year}-BC-{province_code}-{i + 1:03d}",
                    kind=kind,
                    locality=communes[i % len(communes)],
                    received_on=received,
                    summary="Tin báo về hoạt động mại dâm tại cơ sở lưu trú",
                )
                handled = received + datetime.timedelta(days=rng.randint(2, 25))
                if handled <= today and rng.random() < 0.8:
                    report.handled_on = handled
                    report.verified_on = report.classified_on = received
                    report.outcome = (
                        ReportOutcome.CASE_OPENED
                        if i % 3 == 0
                        else (ReportOutcome.ADMINISTRATIVE_PENALTY)
                    )
                report.full_clean()
                report.save()
                ReporterIdentity.objects.create(
                    report=report,
                    full_name=f"Trần Thị {chr(65 + i % 26)}",
                    address=f"Số {i + 1} phố {rng.choice(WORDS)}",
                    contact=f"09{rng.randint(10000000, 99999999)}",
                )
            for i in range(15 if province_code == "01" else 6):
                opened = first + datetime.timedelta(days=rng.randint(0, max(days - 30, 0)))
                handled = opened + datetime.timedelta(days=rng.randint(10, 60))
                case = Case(
                    reference=f"DEMO-{today.year}-VA-{province_code}-{i + 1:03d}",
                    locality=communes[i % len(communes)],
                    article=CaseArticle.BROTHEL if i % 2 else CaseArticle.PROCURING,
                    opened_on=opened,
                    handled_on=handled if handled <= today else None,
                    summary="Vụ án chứa mại dâm / môi giới mại dâm",
                    **case_kinds(i + 1),
                )
                case.full_clean()
                case.save()

    def _establishments(self, rng, province, communes, count, today, span):
        lines, weights = zip(*LINE_WEIGHTS, strict=True)
        result = []
        for i in range(count):
            # Every line appears in every province: the first seven take one line each.
            line = list(Line)[i] if i < len(Line) else rng.choices(lines, weights)[0]
            opened = None
            if rng.random() < 0.9:
                opened = FIRST_DAY - datetime.timedelta(days=rng.randint(0, 3000))
                if rng.random() < 0.2:
                    opened = FIRST_DAY + datetime.timedelta(days=rng.randint(0, span - 30))
            closed = None
            if rng.random() < 0.1:
                start = max(opened or FIRST_DAY, FIRST_DAY)
                closed = start + datetime.timedelta(
                    days=rng.randint(30, max(31, (today - start).days))
                )
                closed = min(closed, today)
            commune = communes[i % len(communes)]
            est = Establishment(
                code=f"DEMO-{province.code}-{i + 1:04d}",
                name=f"{NAMES[line]} {rng.choice(WORDS)} {i + 1}",
                line=line,
                commune=commune,
                address=f"Số {rng.randint(1, 300)} đường {rng.choice(WORDS)}, {commune.name}",
                permit_number=f"{rng.randint(100, 999)}/GCN-ANTT" if rng.random() < 0.8 else "",
                opened_on=opened,
                closed_on=closed,
                in_scope=rng.random() > 0.03,
            )
            est.full_clean()
            est.save()
            result.append(est)
        return result

    def _inspections(self, rng, establishments, rate, today):
        for est in establishments:
            days = set()
            for year in range(FIRST_DAY.year, today.year + 1):
                if rng.random() >= rate:
                    continue
                start = max(datetime.date(year, 1, 1), est.opened_on or FIRST_DAY)
                end = min(datetime.date(year, 12, 31), est.closed_on or today, today)
                if start > end:
                    continue
                days.add(start + datetime.timedelta(days=rng.randint(0, (end - start).days)))
            for day in sorted(days):
                violation = rng.random() < 0.3
                inspection = Inspection(
                    establishment=est,
                    inspected_on=day,
                    team=rng.choice(list(InspectionTeam)),
                    outcome=InspectionOutcome.VIOLATION
                    if violation
                    else InspectionOutcome.NO_VIOLATION,
                    violations="Không xuất trình được sổ quản lý lưu trú" if violation else "",
                    fine_vnd=rng.choice([2_000_000, 5_000_000, 10_000_000]) if violation else 0,
                )
                inspection.full_clean()
                inspection.save()

    def _reports(self, rng, province, communes, count, kinds, today, span):
        reports = []
        outcomes = list(ReportOutcome)
        for i in range(count):
            kind = kinds[i % len(kinds)]
            # The last few are recent, so some are pending, due soon or overdue today.
            if i >= count - 8:
                received = today - datetime.timedelta(days=rng.randint(0, 45))
            else:
                received = FIRST_DAY + datetime.timedelta(days=rng.randint(0, span))
            place = province if i % 9 == 0 else communes[i % len(communes)]
            report = Report(
                reference=f"DEMO-BC-{province.code}-{i + 1:04d}",
                kind=kind,
                locality=place,
                received_on=received,
                summary=f"Phản ánh hoạt động mại dâm tại cơ sở kinh doanh, {place.name}",
            )
            maximum = kind.legal_maximum(received)
            base = kind.base_deadline(received)
            extended_until = None
            if rng.random() < 0.2 and maximum > base + datetime.timedelta(days=1):
                extra = rng.randint(1, (maximum - base).days)
                extended_until = base + datetime.timedelta(days=extra)
            deadline = extended_until or base
            # Handled on time (most), late (some), or not yet handled.
            roll = rng.random()
            if roll < 0.7:
                handled = received + datetime.timedelta(
                    days=rng.randint(3, max(3, (deadline - received).days))
                )
            elif roll < 0.85:
                handled = deadline + datetime.timedelta(days=rng.randint(1, 40))
            else:
                handled = None
            if handled and handled > today:
                handled = None
            if handled:
                report.handled_on = handled
                report.outcome = rng.choice(outcomes)
                report.verified_on = received + datetime.timedelta(
                    days=rng.randint(0, (handled - received).days)
                )
                report.classified_on = report.verified_on + datetime.timedelta(
                    days=rng.randint(0, (handled - report.verified_on).days)
                )
            elif (today - received).days > 3:
                report.verified_on = received + datetime.timedelta(days=rng.randint(1, 3))
            report.full_clean()
            report.save()
            if extended_until:
                # Decided within the base time limit, before the handling and not after today.
                decided = min(received + datetime.timedelta(days=5), base, today)
                if handled:
                    decided = min(decided, handled)
                extension = ReportExtension(
                    report=report,
                    sequence=1,
                    extended_until=extended_until,
                    decided_on=decided,
                    decision_no=f"{i + 1:03d}/QĐ-CSĐT",
                    decided_by="Thủ trưởng Cơ quan Cảnh sát điều tra",
                    reason="Vụ việc phức tạp, cần xác minh thêm",
                )
                extension.full_clean(exclude=["counted_from"])
                report.apply_extension(extension)
                report.save()
                extension.save()
            ReporterIdentity.objects.create(
                report=report,
                full_name=f"Nguyễn Văn {chr(65 + i % 26)}",
                address=f"Số {i + 1} phố {rng.choice(WORDS)}",
                contact=f"09{rng.randint(10000000, 99999999)}",
            )
            reports.append(report)
        return reports

    def _cases(self, rng, province, communes, reports, count, today, span):
        opened_reports = [r for r in reports if r.outcome == ReportOutcome.CASE_OPENED]
        articles = list(CaseArticle)
        for i in range(count):
            report = opened_reports[i] if i < len(opened_reports) else None
            if report:
                opened = report.handled_on
                place = report.locality
            else:
                opened = FIRST_DAY + datetime.timedelta(days=rng.randint(0, span - 10))
                place = communes[i % len(communes)]
            handled = opened + datetime.timedelta(days=rng.randint(20, 200))
            case = Case(
                reference=f"DEMO-VA-{province.code}-{i + 1:04d}",
                locality=place,
                article=articles[i % len(articles)] if i % 3 == 0 else CaseArticle.BROTHEL,
                opened_on=opened,
                handled_on=handled if handled <= today else None,
                report=report,
                summary="Vụ án chứa mại dâm / môi giới mại dâm",
                **case_kinds(i + 1),
            )
            case.full_clean()
            case.save()

    def _describe_older_cases(self):
        """Demo cases loaded before cases said how they operated get the values a new load
        gives them; a case already described (or edited since) is left as it is."""
        described = 0
        for case in Case.objects.filter(reference__startswith="DEMO-VA-", modus=""):
            for name, value in case_kinds(int(case.reference.rsplit("-", 1)[1])).items():
                setattr(case, name, value)
            case.full_clean()
            case.save_checked(expected_version=case.version)
            described += 1
        if described:
            self.stdout.write(f"Described how {described} older demo cases operated.")
