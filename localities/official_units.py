"""Reads the official administrative units shipped by the `vietnamadminunits` package (MIT).

Only its data files are read (a SQLite file and the conversion table in JSON); none of its
address-parsing code runs, so nothing here reaches the network.
"""

import json
import sqlite3
from dataclasses import dataclass
from importlib import resources

from localities.models.places import Scheme


@dataclass
class Unit:
    scheme: str
    code: str
    name: str
    short_name: str
    unit_type: str
    level: str
    province_code: str | None
    latitude: float | None
    longitude: float | None
    key: str
    district_name: str = ""


def _data_path(name: str):
    return resources.files("vietnamadminunits").joinpath("data", name)


def _rows(sql: str):
    with resources.as_file(_data_path("dataset.db")) as path:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            connection.row_factory = sqlite3.Row
            yield from connection.execute(sql)
        finally:
            connection.close()


def _province_type(name: str) -> str:
    return "Thành phố" if name.startswith("Thành phố") else "Tỉnh"


def _units(scheme: str, table: str, *, with_districts: bool) -> list[Unit]:
    """Every unit of one scheme, provinces first. Each row of `table` is a commune with its
    province; in the 2004 scheme, with its district too, which is part of the commune's key."""
    provinces: dict[str, Unit] = {}
    communes = []
    for row in _rows(f"SELECT * FROM {table} ORDER BY provinceCode, wardCode"):
        if row["provinceCode"] not in provinces:
            provinces[row["provinceCode"]] = Unit(
                scheme=scheme,
                code=row["provinceCode"],
                name=row["province"],
                short_name=row["provinceShort"],
                unit_type=_province_type(row["province"]),
                level="province",
                province_code=None,
                latitude=row["provinceLat"],
                longitude=row["provinceLon"],
                key=row["provinceKey"],
            )
        # Five island districts of 2004 had no communes; they became special zones (đặc khu).
        if not row["wardCode"]:
            continue
        key_parts = [row["provinceKey"], row["wardKey"]]
        if with_districts:
            key_parts.insert(1, row["districtKey"])
        communes.append(
            Unit(
                scheme=scheme,
                code=row["wardCode"],
                name=row["ward"],
                short_name=row["wardShort"],
                unit_type=row["wardType"] or "",
                level="commune",
                province_code=row["provinceCode"],
                latitude=row["wardLat"],
                longitude=row["wardLon"],
                key="_".join(key_parts),
                district_name=(row["district"] or "") if with_districts else "",
            )
        )
    return list(provinces.values()) + communes


def new_units() -> list[Unit]:
    return _units(Scheme.NEW, "admin_units", with_districts=False)


def old_units() -> list[Unit]:
    return _units(Scheme.OLD, "admin_units_legacy", with_districts=True)


@dataclass
class ConversionTable:
    # new province key -> the old province keys that went whole into it
    provinces: dict[str, list[str]]
    # (old commune key, new commune key, is default)
    communes: list[tuple[str, str, bool]]


def conversion_table() -> ConversionTable:
    with resources.as_file(_data_path("converter_2025.json")) as path:
        data = json.loads(path.read_text(encoding="utf-8"))
    communes: list[tuple[str, str, bool]] = []
    for province_key, wards in data["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward_key, old_keys in wards.items():
            for old_key in old_keys:
                communes.append((old_key, f"{province_key}_{ward_key}", True))
    for province_key, olds in data["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, parts in olds.items():
            for part in parts:
                new_key = f"{province_key}_{part['newWardKey']}"
                communes.append((old_key, new_key, bool(part["isDefaultNewWard"])))
    return ConversionTable(provinces=data["DICT_PROVINCE"], communes=communes)
