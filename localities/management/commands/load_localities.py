"""Loads or refreshes both schemes of administrative units, idempotently."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import F
from tqdm import tqdm

from localities import official_units
from localities.models import Level, Locality, LocalityConversion, Scheme
from localities.models.places import SCHEME_2004_END, SCHEME_2025_START

FIELDS = ["name", "short_name", "unit_type", "level", "latitude", "longitude", "key"]


class Command(BaseCommand):
    help = "Load the official localities of the 2004 and 2025 schemes and the conversion table."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, *args, quiet=False, **options):
        units = official_units.new_units() + official_units.old_units()
        table = official_units.conversion_table()
        steps = tqdm(total=5, desc="localities", disable=quiet, unit="step")
        with transaction.atomic():
            self._upsert([u for u in units if u.level == "province"], {})
            steps.update()
            provinces = {
                (s, c): pk
                for s, c, pk in Locality.objects.filter(level="province").values_list(
                    "scheme", "code", "pk"
                )
            }
            Locality.objects.filter(level="province").exclude(province_id=F("pk")).update(
                province_id=F("pk")
            )
            self._upsert([u for u in units if u.level == "commune"], provinces)
            steps.update()
            self._link_provinces(table)
            steps.update()
            self._load_conversions(table)
            steps.update()
            Locality.objects.filter(scheme=Scheme.OLD).update(valid_until=SCHEME_2004_END)
            Locality.objects.filter(scheme=Scheme.NEW).update(valid_from=SCHEME_2025_START)
            steps.update()
        steps.close()
        count = {
            (s, lvl): Locality.objects.filter(scheme=s, level=lvl).count()
            for s in Scheme.values
            for lvl in Level.values
        }
        new, old = Scheme.NEW, Scheme.OLD
        self.stdout.write(
            f"Localities: 2025 scheme {count[(new, Level.PROVINCE)]} provinces, "
            f"{count[(new, Level.COMMUNE)]} communes; 2004 scheme "
            f"{count[(old, Level.PROVINCE)]} provinces, {count[(old, Level.COMMUNE)]} "
            f"communes; {LocalityConversion.objects.count()} conversions."
        )

    def _upsert(self, units, provinces):
        objs = [
            Locality(
                scheme=u.scheme,
                code=u.code,
                name=u.name,
                short_name=u.short_name,
                unit_type=u.unit_type,
                level=u.level,
                latitude=u.latitude,
                longitude=u.longitude,
                key=u.key,
                district_name=u.district_name,
                province_id=provinces.get((u.scheme, u.province_code)),
            )
            for u in units
        ]
        Locality.objects.bulk_create(
            objs,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["scheme", "code"],
            update_fields=[*FIELDS, "district_name", "province"],
        )

    def _link_provinces(self, table):
        by_key = {
            (s, k): pk
            for s, k, pk in Locality.objects.filter(level="province").values_list(
                "scheme", "key", "pk"
            )
        }
        for new_key, old_keys in table.provinces.items():
            Locality.objects.filter(
                scheme=Scheme.OLD, level=Level.PROVINCE, key__in=old_keys
            ).update(successor_id=by_key[(Scheme.NEW, new_key)])

    def _load_conversions(self, table):
        ids = {
            (s, k): pk
            for s, k, pk in Locality.objects.filter(level="commune").values_list(
                "scheme", "key", "pk"
            )
        }
        wanted = {}
        for old_key, new_key, is_default in table.communes:
            old_id, new_id = ids.get((Scheme.OLD, old_key)), ids.get((Scheme.NEW, new_key))
            if old_id and new_id:
                wanted[(old_id, new_id)] = is_default
        existing = {
            (o, n): (pk, d)
            for pk, o, n, d in LocalityConversion.objects.values_list(
                "pk", "old_id", "new_id", "is_default"
            )
        }
        stale = [pk for pair, (pk, _) in existing.items() if pair not in wanted]
        LocalityConversion.objects.filter(pk__in=stale).delete()
        LocalityConversion.objects.bulk_create(
            [
                LocalityConversion(old_id=o, new_id=n, is_default=d)
                for (o, n), d in wanted.items()
                if (o, n) not in existing
            ],
            batch_size=1000,
        )
        changed = [pk for pair, (pk, d) in existing.items() if pair in wanted and wanted[pair] != d]
        for pk in changed:
            conv = LocalityConversion.objects.get(pk=pk)
            conv.is_default = wanted[(conv.old_id, conv.new_id)]
            conv.save(update_fields=["is_default"])
