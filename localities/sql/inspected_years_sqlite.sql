-- The summaries localities_inspected_years (localities.models.InspectedYears) and
-- localities_first_inspections (localities.models.FirstInspection), kept by SQLite in the same
-- transaction as every write to localities_inspection. Applied by migration 0011, through
-- localities/summary.py, which fills in the placeholders: {years_of_old} / {years_of_new} = the
-- years (bits) of the OLD / NEW row's establishment recounted from its inspections, {bit_new} =
-- the bit of NEW.inspected_on's year, {year_new} its year, and first_days_of_old /
-- first_days_of_new = the statements that recount the first date of the OLD / NEW row's year
-- for its establishment.
-- SQLite has one writer at a time and row-level triggers only; it has no bitwise-OR aggregate, so a
-- recount adds the DISTINCT bits (distinct powers of two: their sum is their OR).
-- A row exists only for an establishment with at least one year.
-- Caution: SQLite's schema editor rebuilds a table for some migrations and its triggers go with
-- it; tests/localities/test_inspected_years.py fails if that ever happens to these.

CREATE TRIGGER localities_inspected_years_insert AFTER INSERT ON localities_inspection
WHEN {bit_new} <> 0
BEGIN
    INSERT INTO localities_inspected_years (establishment_id, years)
    VALUES (NEW.establishment_id, {bit_new})
    ON CONFLICT (establishment_id) DO UPDATE SET years = years | excluded.years;
    INSERT INTO localities_first_inspections (establishment_id, year, first_on)
    VALUES (NEW.establishment_id, {year_new}, NEW.inspected_on)
    ON CONFLICT (establishment_id, year) DO UPDATE SET first_on = excluded.first_on
     WHERE excluded.first_on < first_on;
END;

CREATE TRIGGER localities_inspected_years_delete AFTER DELETE ON localities_inspection
BEGIN
    UPDATE localities_inspected_years SET years = {years_of_old}
     WHERE establishment_id = OLD.establishment_id;
    DELETE FROM localities_inspected_years
     WHERE establishment_id = OLD.establishment_id AND years = 0;
{first_days_of_old}
END;

CREATE TRIGGER localities_inspected_years_update
AFTER UPDATE OF establishment_id, inspected_on ON localities_inspection
BEGIN
    UPDATE localities_inspected_years SET years = {years_of_old}
     WHERE establishment_id = OLD.establishment_id;
    INSERT INTO localities_inspected_years (establishment_id, years)
    VALUES (NEW.establishment_id, {years_of_new})
    ON CONFLICT (establishment_id) DO UPDATE SET years = excluded.years;
    DELETE FROM localities_inspected_years
     WHERE establishment_id IN (OLD.establishment_id, NEW.establishment_id) AND years = 0;
{first_days_of_old}
{first_days_of_new}
END;
