"""A deterministic, realistic nation of records for the benchmark, and its loading.

At --scale 1.0: 150,000 establishments (lines in the December 2020 proportions), 600,000
inspections from 2021 to today, 60,000 reports of every kind and state, 8,000 cases, spread over
the 34 provinces and 3,321 communes of the 2025 scheme by population-like weights.

Provinces differ on purpose so that every status occurs: yearly inspection rates run from far
below to well above 20%, a few provinces inspect every establishment during the plan (full
coverage met), a few handle every report on time, and case numbers grow in some provinces and
fall in others.

Every generated row carries the code prefix "NAT-" and is deleted before a new run, so running
it again is safe. On PostgreSQL rows go in with COPY; elsewhere with bulk_create in batches.
History tables are not filled for generated rows.

`manage.py generate_national_dataset` (bench/management/commands/) runs `generate`.
"""

import datetime
import io
import math
import random
from collections import defaultdict

from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from localities.models import (
    Case,
    Establishment,
    FirstInspection,
    InspectedYears,
    Inspection,
    Locality,
    Report,
    ReportExtension,
    ReportKind,
)
from localities.models.reports import LIFE

PREFIX = "NAT-"
FIRST_DAY = datetime.date(2021, 1, 1)
FULL = {"establishments": 150_000, "inspections": 600_000, "reports": 60_000, "cases": 8_000}

# December 2020 (plan-rules §1): 42,335 accommodation, 17,462 restaurants/karaoke/massage,
# 154 discotheques out of 76,037; the 17,462 split among the four lines it covers.
LINE_WEIGHTS = {
    "accommodation": 42_335,
    "karaoke": 6_985,
    "restaurant_bar": 4_365,
    "massage": 4_366,
    "sauna_spa_barber": 1_746,
    "discotheque": 154,
    "other": 76_037 - 42_335 - 17_462 - 154,
}
NAMES = {
    "accommodation": ["Khách sạn", "Nhà nghỉ", "Nhà trọ", "Homestay"],
    "karaoke": ["Karaoke"],
    "restaurant_bar": ["Nhà hàng", "Quán bar", "Cà phê"],
    "massage": ["Massage"],
    "sauna_spa_barber": ["Spa", "Xông hơi", "Cắt tóc gội đầu"],
    "discotheque": ["Vũ trường"],
    "other": ["Cơ sở kinh doanh", "Quán"],
}
WORDS = [
    "Hoa Sen",
    "Bình Minh",
    "Ánh Dương",
    "Sông Hồng",
    "Phương Nam",
    "Hòa Bình",
    "Thăng Long",
    "Sao Mai",
    "Biển Xanh",
    "Hướng Dương",
    "Trường An",
    "Kim Liên",
    "Mai Vàng",
    "Hải Âu",
    "Thiên Phú",
    "Phú Quý",
]
STREETS = ["Lê Lợi", "Trần Hưng Đạo", "Nguyễn Huệ", "Hai Bà Trưng", "Quang Trung", "Lý Thường Kiệt"]
# Communes: a phường (urban ward) is denser in establishments than a xã.
UNIT_WEIGHT = {"Phường": 4.0, "Đặc khu": 2.0, "Xã": 1.0}
# The six centrally run cities, and provinces known for tourism, draw more establishments.
TOURISM = {"22", "56", "68", "51", "91", "96", "15"}
KIND_WEIGHTS = {
    "crime_denunciation": 30,
    "crime_information": 30,
    "prosecution_petition": 10,
    "denunciation": 30,
}
OUTCOMES = [
    ("case_opened", 15),
    ("case_not_opened", 20),
    ("suspended", 5),
    ("transferred", 15),
    ("administrative_penalty", 30),
    ("no_violation", 15),
]
ARTICLES = [("327", 45), ("328", 35), ("329", 8), ("150", 9), ("151", 3)]
VIOLATIONS = [
    "Không xuất trình được sổ quản lý lưu trú",
    "Không thông báo lưu trú cho công an",
    "Nhân viên không có hợp đồng lao động",
    "Phòng karaoke không có cửa kính trong suốt",
    "Kinh doanh quá giờ quy định",
]
FINES = [1_500_000, 2_000_000, 5_000_000, 7_500_000, 10_000_000, 20_000_000, 40_000_000]

# Every table's first columns, filled when the rows are loaded (Loader._stamp), not generated.
STAMP_COLUMNS = ["version", "created_at", "updated_at"]
# What precedes a generated establishment, report or case: the stamp, and the locality code as
# given (empty: the place is known).
RECORD_HEAD = [*STAMP_COLUMNS, "locality_code_given"]
ESTABLISHMENT_COLUMNS = [
    *RECORD_HEAD,
    "code",
    "name",
    "line",
    "address",
    "permit_number",
    "opened_on",
    "closed_on",
    "in_scope",
    "commune_id",
    "province_id",
]
INSPECTION_COLUMNS = [
    *STAMP_COLUMNS,
    "inspected_on",
    "team",
    "outcome",
    "violations",
    "fine_vnd",
    "notes",
    "establishment_id",
]
REPORT_COLUMNS = [
    *RECORD_HEAD,
    "reference",
    *LIFE,
    "outcome",
    "extended_until",
    "extension_reason",
    "summary",
    "deadline",
    "locality_id",
    "province_id",
    "kind",
    "base_deadline",
    "extension_decided_on",
    "extension_decision_no",
    "extension_decided_by",
    "extension_counted_from",
]
COLUMN = {name: index for index, name in enumerate(REPORT_COLUMNS)}
# A generated report's extension decision (one at most), loaded after the reports.
EXTENSION_COLUMNS = [
    "version",
    "created_at",
    "updated_at",
    "report_id",
    "sequence",
    "extended_until",
    "decided_on",
    "decision_no",
    "decided_by",
    "reason",
    "recorded_on",
    "counted_from",
]
CASE_COLUMNS = [
    *RECORD_HEAD,
    "reference",
    "article",
    "opened_on",
    "handled_on",
    "summary",
    "locality_id",
    "province_id",
    "report_id",
]
# The columns the generated rows hold as days (ordinals: cheap to compare and to add days to),
# loaded as dates.
DAY_COLUMNS = {
    "opened_on",
    "closed_on",
    "received_on",
    "verified_on",
    "classified_on",
    "handled_on",
    "extended_until",
    "deadline",
    "base_deadline",
    "extension_decided_on",
    "extension_counted_from",
}


def _d(ordinal):
    return None if ordinal is None else datetime.date.fromordinal(ordinal)


class Nation:
    """Everything generated, as plain tuples in the tables' column order (ids filled later)."""

    def __init__(self, *, scale: float, seed: int, today: datetime.date, years=None):
        """years: (first, last) — a horizon of data from 1 January of the first to 31 December
        of the last (the data's own today, later than the real one for a future horizon), with
        the records of FULL per five years; by default from 2021 to today."""
        self.rng = random.Random(seed)
        self.scale = scale
        self.first_day = FIRST_DAY
        per_five_years = 1.0
        if years is not None:
            first, last = years
            self.first_day = datetime.date(first, 1, 1)
            today = datetime.date(last, 12, 31)
            per_five_years = (last - first + 1) / 5
        self.today = today
        self.counts = {
            k: max(1, round(v * scale * (1 if k == "establishments" else per_five_years)))
            for k, v in FULL.items()
        }

    # --- places -------------------------------------------------------------------------
    def places(self, provinces, communes):
        """provinces: [(id, code, unit_type)]; communes: [(id, province_id, unit_type)]."""
        rng = self.rng
        self.provinces = provinces
        city = {pid for pid, code, unit_type in provinces if unit_type == "Thành phố"}
        tourism = {pid for pid, code, _ in provinces if code in TOURISM}
        self.communes = communes
        self.commune_weights = []
        for _cid, pid, unit_type in communes:
            weight = UNIT_WEIGHT.get(unit_type, 1.0) * rng.lognormvariate(0, 0.5)
            weight *= 1.8 if pid in city else 1.4 if pid in tourism else 1.0
            self.commune_weights.append(weight)
        # Province behaviours, spread evenly over a seeded order so every status occurs.
        order = [pid for pid, _, _ in provinces]
        rng.shuffle(order)
        n = len(order)
        self.inspection_rate = {pid: 0.04 + 0.46 * i / max(1, n - 1) for i, pid in enumerate(order)}
        # The three most diligent inspect every establishment at least once during the plan.
        self.full_coverage = set(order[-3:])
        order = order[:]
        rng.shuffle(order)
        self.on_time_rate = {pid: 0.62 + 0.38 * i / max(1, n - 1) for i, pid in enumerate(order)}
        self.always_on_time = set(order[-3:])
        rng.shuffle(order)
        self.case_growth = {pid: -0.15 + 0.35 * i / max(1, n - 1) for i, pid in enumerate(order)}
        self.communes_of = defaultdict(list)
        for index, (_cid, pid, _) in enumerate(communes):
            self.communes_of[pid].append(index)

    # --- establishments -----------------------------------------------------------------
    def establishments(self):
        rng, today = self.rng, self.today
        n = self.counts["establishments"]
        lines = rng.choices(list(LINE_WEIGHTS), weights=list(LINE_WEIGHTS.values()), k=n)
        places = rng.choices(range(len(self.communes)), weights=self.commune_weights, k=n)
        # Every line at least once, even at a tiny scale.
        for i, line in enumerate(LINE_WEIGHTS):
            if i < n:
                lines[i] = line
        first, now = self.first_day.toordinal(), today.toordinal()
        seq = defaultdict(int)
        codes = {pid: code for pid, code, _ in self.provinces}
        rows = []
        for line, place in zip(lines, places, strict=True):
            cid, pid, _ = self.communes[place]
            seq[pid] += 1
            roll = rng.random()
            if roll < 0.06:
                opened = None  # opening date unknown
            elif roll < 0.78:
                opened = first - rng.randint(1, 7000)
            else:
                opened = first + rng.randint(0, now - first - 1)
            closed = None
            if rng.random() < 0.12:
                start = max(opened or first - 365, first - 365)
                if now - start > 30:
                    closed = start + rng.randint(30, now - start)
            code = f"{PREFIX}{codes[pid]}-{seq[pid]:06d}"
            word = rng.choice(WORDS)
            rows.append(
                [
                    code,
                    f"{rng.choice(NAMES[line])} {word} {seq[pid]}",
                    line,
                    f"Số {rng.randint(1, 400)} đường {rng.choice(STREETS)}",
                    f"{rng.randint(100, 9999)}/GCN-ANTT" if rng.random() < 0.85 else "",
                    opened,
                    closed,
                    rng.random() > 0.03,
                    cid,
                    pid,
                ]
            )
        self.establishment_rows = rows
        return rows

    # --- inspections --------------------------------------------------------------------
    def inspections(self):
        """Pairs (establishment, year) inspected at least once, then the remaining inspections
        spread over those pairs as repeat visits; every date inside the establishment's life."""
        rng, today = self.rng, self.today
        now = today.toordinal()
        years = range(self.first_day.year, today.year + 1)
        bounds = {
            y: (datetime.date(y, 1, 1).toordinal(), datetime.date(y, 12, 31).toordinal())
            for y in years
        }
        plan_years = [y for y in years if y <= 2025]
        year_rate = {
            (pid, y): self.inspection_rate[pid] * (0.85 + 0.3 * rng.random())
            for pid, _, _ in self.provinces
            for y in years
        }
        pairs = []  # [establishment index, window start, window length]
        for index, row in enumerate(self.establishment_rows):
            opened, closed, pid = row[5], row[6], row[9]
            mine = []
            for y in years:
                lo, hi = bounds[y]
                lo = max(lo, opened or lo)
                hi = min(hi, closed or hi, now)
                if lo > hi:
                    continue
                if rng.random() < year_rate[(pid, y)]:
                    mine.append([index, lo, hi - lo + 1, y])
            if pid in self.full_coverage and not any(p[3] <= 2025 for p in mine):
                open_years = []
                for y in plan_years:
                    lo, hi = bounds[y]
                    lo, hi = max(lo, opened or lo), min(hi, closed or hi, now)
                    if lo <= hi:
                        open_years.append((y, lo, hi))
                if open_years:
                    y, lo, hi = rng.choice(open_years)
                    mine.append([index, lo, hi - lo + 1, y])
            pairs.extend(mine)
        total = self.counts["inspections"]
        if len(pairs) > total:
            pairs = rng.sample(pairs, total)
        visits = [1] * len(pairs)
        extra = total - len(pairs)
        attempts = 0
        while extra > 0 and pairs and attempts < total * 20:
            attempts += 1
            i = rng.randrange(len(pairs))
            if visits[i] < pairs[i][2]:
                visits[i] += 1
                extra -= 1
        rows = []
        for (index, lo, length, _y), k in zip(pairs, visits, strict=True):
            days = rng.sample(range(length), k) if k > 1 else [rng.randrange(length)]
            for day in days:
                if rng.random() < 0.27:
                    outcome, fine = "violation", rng.choice(FINES)
                    violations = rng.choice(VIOLATIONS)
                else:
                    outcome, fine, violations = "no_violation", 0, ""
                team = "police" if rng.random() < 0.6 else "interagency"
                rows.append([index, lo + day, team, outcome, violations, fine])
        self.inspection_rows = rows
        return rows

    # --- reports ------------------------------------------------------------------------
    def reports(self, kinds: dict):
        """kinds: code -> ReportKind (the deadline rule is the model's own)."""
        rng, today = self.rng, self.today
        first, now = self.first_day.toordinal(), today.toordinal()
        n = self.counts["reports"]
        province_weight = defaultdict(float)
        for weight, (_cid, pid, _) in zip(self.commune_weights, self.communes, strict=True):
            province_weight[pid] += weight
        pids = list(province_weight)
        chosen = rng.choices(pids, weights=[province_weight[p] for p in pids], k=n)
        kind_codes = [k for k in KIND_WEIGHTS if k in kinds]
        kind_list = rng.choices(kind_codes, weights=[KIND_WEIGHTS[k] for k in kind_codes], k=n)
        outcomes, outcome_weights = zip(*OUTCOMES, strict=True)
        rows = []
        for i, (pid, kind_code) in enumerate(zip(chosen, kind_list, strict=True)):
            kind = kinds[kind_code]
            # Reports grow a little over the years; the last months hold the pending ones.
            received = first + int((now - first) * math.sqrt(rng.random()))
            received_day = _d(received)
            if rng.random() < 0.12:
                locality = pid
            else:
                members = self.communes_of[pid]
                locality = self.communes[members[rng.randrange(len(members))]][0]
            base = kind.base_deadline(received_day).toordinal()
            maximum = kind.legal_maximum(received_day).toordinal()
            extended = decided = None
            if rng.random() < 0.15 and maximum > base:
                extended = base + rng.randint(1, maximum - base)
                # Decided on or before the base deadline it extends, as the law requires.
                decided = min(now, received + rng.randint(0, base - received))
            deadline = extended or base
            roll = rng.random()
            if pid in self.always_on_time or roll < self.on_time_rate[pid]:
                handled = received + rng.randint(1, max(1, deadline - received))
            elif roll < self.on_time_rate[pid] + (1 - self.on_time_rate[pid]) * 0.7:
                handled = deadline + rng.randint(1, 60)
            else:
                handled = None
            if handled is not None and handled > now:
                handled = None
            verified = classified = None
            outcome = ""
            if handled is not None:
                outcome = rng.choices(outcomes, outcome_weights)[0]
                verified = received + rng.randint(0, handled - received)
                classified = verified + rng.randint(0, handled - verified)
                if rng.random() < 0.2:  # the middle two in the other order
                    verified, classified = classified, verified
            elif now - received > 3:
                verified = received + rng.randint(1, 3)
            rows.append(
                [
                    f"{PREFIX}BC-{i + 1:06d}",
                    received,
                    verified,
                    classified,
                    handled,
                    outcome,
                    extended,
                    "Vụ việc phức tạp, cần xác minh thêm" if extended else "",
                    "Phản ánh hoạt động mại dâm tại cơ sở kinh doanh",
                    deadline,
                    locality,
                    pid,
                    kind_code,
                    base,
                    decided,
                    f"{i + 1}/QĐ-GH" if extended else "",
                    "Thủ trưởng Cơ quan điều tra" if extended else "",
                    decided,
                ]
            )
        self.report_rows = rows
        return rows

    # --- cases --------------------------------------------------------------------------
    def cases(self):
        """A third born from reports whose decision was to open a case; the rest spread over
        the years with each province's own trend, so growth is met in some and not others."""
        rng, today = self.rng, self.today
        now = today.toordinal()
        n = self.counts["cases"]
        rows = []
        born = [r for r in self.report_rows if r[5] == "case_opened"]
        rng.shuffle(born)
        articles, article_weights = zip(*ARTICLES, strict=True)
        for report in born[: n // 3]:
            opened = report[4]
            handled = opened + rng.randint(20, 240)
            rows.append(
                [opened, handled if handled <= now else None, report[10], report[11], report[0]]
            )
        province_weight = defaultdict(float)
        for weight, (_cid, pid, _) in zip(self.commune_weights, self.communes, strict=True):
            province_weight[pid] += weight
        years = list(range(self.first_day.year, today.year + 1))
        elapsed = (now - datetime.date(today.year, 1, 1).toordinal() + 1) / 365
        pair_keys, pair_weights = [], []
        for pid, weight in province_weight.items():
            for y in years:
                share = elapsed if y == today.year else 1.0
                pair_keys.append((pid, y))
                pair_weights.append(weight * (1 + self.case_growth[pid]) ** (y - years[0]) * share)
        remaining = n - len(rows)
        for pid, y in rng.choices(pair_keys, weights=pair_weights, k=max(0, remaining)):
            lo = datetime.date(y, 1, 1).toordinal()
            hi = min(datetime.date(y, 12, 31).toordinal(), now)
            if rng.random() < 0.08:  # still under investigation
                opened, handled = now - rng.randint(0, 200), None
            else:
                handled = rng.randint(lo, hi)
                opened = handled - rng.randint(20, 240)
            members = self.communes_of[pid]
            locality = pid if rng.random() < 0.3 else self.communes[rng.choice(members)][0]
            rows.append([opened, handled, locality, pid, None])
        result = []
        for i, (opened, handled, locality, pid, report_ref) in enumerate(rows):
            article = rng.choices(articles, article_weights)[0]
            result.append(
                [
                    f"{PREFIX}VA-{i + 1:06d}",
                    article,
                    opened,
                    handled,
                    "Vụ án chứa mại dâm / môi giới mại dâm",
                    locality,
                    pid,
                    report_ref,
                ]
            )
        self.case_rows = result
        return result


class Loader:
    """Writes a Nation's rows into the database: COPY on PostgreSQL, bulk_create elsewhere."""

    def __init__(self, *, quiet: bool = False):
        self.postgres = connection.vendor == "postgresql"
        self.quiet = quiet
        self.now = None  # the rows' created_at and updated_at, set before the first load

    # --- clearing -----------------------------------------------------------------------
    def clear(self):
        """Delete the previous run's rows (and anything hung on them) with plain SQL: the ORM
        would load 600,000 objects to send history signals."""
        est = Establishment._meta.db_table
        history = Inspection.history.model._meta.db_table
        nat_est = f"SELECT id FROM {est} WHERE code LIKE %s"
        rep = Report._meta.db_table
        nat_rep = f"SELECT id FROM {rep} WHERE reference LIKE %s"
        statements = [
            (
                f"DELETE FROM {Case._meta.db_table} WHERE reference LIKE %s "
                f"OR report_id IN ({nat_rep})",
                2,
            ),
            (f"DELETE FROM localities_reporteridentity WHERE report_id IN ({nat_rep})", 1),
            (f"DELETE FROM localities_identityaccess WHERE report_id IN ({nat_rep})", 1),
            (f"DELETE FROM localities_reportextension WHERE report_id IN ({nat_rep})", 1),
            (f"DELETE FROM {rep} WHERE reference LIKE %s", 1),
            (
                f"DELETE FROM {history} WHERE establishment_id IN ({nat_est})",
                1,
            ),
            (f"DELETE FROM {Inspection._meta.db_table} WHERE establishment_id IN ({nat_est})", 1),
            (f"DELETE FROM {est} WHERE code LIKE %s", 1),
        ]
        pattern = PREFIX + "%"
        with connection.cursor() as cursor:
            for sql, n in statements:
                cursor.execute(sql, [pattern] * n)

    # --- loading ------------------------------------------------------------------------
    def _copy(self, model, columns, rows, desc):
        table = model._meta.db_table
        if self.postgres:
            self._copy_postgres(table, columns, rows, desc)
        else:
            self._bulk_create(model, columns, rows, desc)

    def _copy_postgres(self, table, columns, rows, desc):
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        chunk = 50_000
        progress = tqdm(total=len(rows), desc=desc, unit="row", disable=self.quiet, leave=False)
        cursor = connection.cursor()
        raw = cursor.cursor  # the psycopg2 cursor under Django's wrapper
        for start in range(0, len(rows), chunk):
            buffer = io.StringIO()
            for row in rows[start : start + chunk]:
                buffer.write("\t".join(_copy_value(v) for v in row))
                buffer.write("\n")
            buffer.seek(0)
            raw.copy_expert(sql, buffer)
            progress.update(min(chunk, len(rows) - start))
        progress.close()

    def _bulk_create(self, model, columns, rows, desc):
        batch = 2_000
        attnames = ["kind_id" if c == "kind" else c for c in columns]
        progress = tqdm(total=len(rows), desc=desc, unit="row", disable=self.quiet, leave=False)
        for start in range(0, len(rows), batch):
            objs = [
                model(**dict(zip(attnames, row, strict=True)))
                for row in rows[start : start + batch]
            ]
            model.objects.bulk_create(objs, batch_size=batch)
            progress.update(len(objs))
        progress.close()

    def _stamp(self):
        return [1, self.now, self.now]

    def _table_rows(self, columns, generated):
        """A Nation's rows as the table's (`columns`: RECORD_HEAD, then the generated row's
        columns): stamped, their days (ordinals) turned into dates."""
        head = [*self._stamp(), ""]  # RECORD_HEAD
        days = [i for i, column in enumerate(columns[len(RECORD_HEAD) :]) if column in DAY_COLUMNS]
        rows = []
        for row in generated:
            row = list(row)
            for i in days:
                row[i] = _d(row[i])
            rows.append(head + row)
        return rows

    def load_establishments(self, nation):
        rows = self._table_rows(ESTABLISHMENT_COLUMNS, nation.establishment_rows)
        self._copy(Establishment, ESTABLISHMENT_COLUMNS, rows, "establishments")
        ids = dict(Establishment.objects.filter(code__startswith=PREFIX).values_list("code", "pk"))
        nation.establishment_ids = [ids[row[0]] for row in nation.establishment_rows]

    def load_inspections(self, nation):
        ids = nation.establishment_ids
        days = {}
        rows = []
        stamp = self._stamp()
        for index, day, team, outcome, violations, fine in nation.inspection_rows:
            date = days.get(day)
            if date is None:
                date = days[day] = _d(day)
            rows.append(stamp + [date, team, outcome, violations, fine, "", ids[index]])
        self._copy(Inspection, INSPECTION_COLUMNS, rows, "inspections")

    def load_reports(self, nation):
        rows = self._table_rows(REPORT_COLUMNS, nation.report_rows)
        self._copy(Report, REPORT_COLUMNS, rows, "reports")
        nation.report_ids = dict(
            Report.objects.filter(reference__startswith=PREFIX).values_list("reference", "pk")
        )
        stamp = self._stamp()
        extensions = []
        for row in rows:
            if row[COLUMN["extended_until"]] is None:
                continue
            decided = row[COLUMN["extension_decided_on"]]
            extensions.append(
                [
                    *stamp,
                    nation.report_ids[row[COLUMN["reference"]]],
                    1,
                    row[COLUMN["extended_until"]],
                    decided,
                    row[COLUMN["extension_decision_no"]],
                    row[COLUMN["extension_decided_by"]],
                    row[COLUMN["extension_reason"]],
                    decided,
                    decided,
                ]
            )
        self._copy(ReportExtension, EXTENSION_COLUMNS, extensions, "extensions")

    def load_cases(self, nation):
        # The case's report: generated as its reference, loaded as its id.
        generated = [
            [*row[:-1], nation.report_ids[row[-1]] if row[-1] else None] for row in nation.case_rows
        ]
        rows = self._table_rows(CASE_COLUMNS, generated)
        self._copy(Case, CASE_COLUMNS, rows, "cases")

    def analyze(self):
        """Fresh planner statistics (and, on PostgreSQL, the visibility map that index-only
        scans need): what autovacuum would do a little later anyway."""
        models = (
            Establishment,
            Inspection,
            InspectedYears,
            FirstInspection,
            Report,
            ReportExtension,
            Case,
        )
        tables = [m._meta.db_table for m in models]
        if self.postgres:
            with connection.cursor() as cursor:
                for table in tables:
                    cursor.execute(f"VACUUM (ANALYZE) {table}")
        else:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")


def generate(*, scale: float, seed: int, quiet: bool = False, stdout=None, years=None) -> Nation:
    """Replace the previous national data set by a new one for (scale, seed), in one
    transaction, then refresh the planner statistics; loads the localities first if they are
    missing. Returns the Nation (its rows, for counting)."""
    if not Locality.objects.filter(scheme="2025", level="commune").exists():
        call_command("load_localities", quiet=True, stdout=stdout)
    loader = Loader(quiet=quiet)
    today = timezone.localdate()
    nation = Nation(scale=scale, seed=seed, today=today, years=years)
    provinces = list(
        Locality.objects.filter(scheme="2025", level="province")
        .order_by("code")
        .values_list("pk", "code", "unit_type")
    )
    communes = list(
        Locality.objects.filter(scheme="2025", level="commune")
        .order_by("code")
        .values_list("pk", "province_id", "unit_type")
    )
    kinds = {k.code: k for k in ReportKind.objects.all()}
    nation.places(provinces, communes)
    bar = tqdm(total=8, desc="national data set", unit="step", disable=quiet)

    def step(label):
        bar.set_postfix_str(label)
        bar.update()

    with transaction.atomic():
        loader.clear()
        step("cleared")
        nation.establishments()
        loader.now = timezone.now()
        loader.load_establishments(nation)
        step("establishments")
        nation.inspections()
        step("inspections generated")
        loader.load_inspections(nation)
        step("inspections")
        nation.reports(kinds)
        loader.load_reports(nation)
        step("reports")
        nation.cases()
        loader.load_cases(nation)
        step("cases")
    step("committed")
    loader.analyze()
    step("analyzed")
    bar.close()
    return nation


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    return str(value)
