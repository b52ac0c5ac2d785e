-- The summaries localities_inspected_years (localities.models.InspectedYears) and
-- localities_first_inspections (localities.models.FirstInspection), kept by PostgreSQL in the same
-- transaction as every write to localities_inspection. Applied by migration 0011.
--
-- Inserts only ever add years: one statement-level upsert per INSERT statement, in establishment
-- order, OR-ing the new years into the row (no write when the years were already there), then
-- one upsert of the first date of each year (no write unless the new date is earlier).
-- A row exists only for an establishment with at least one year (an establishment without
-- inspections can be deleted without touching the summary).
-- Deletes and updates may remove a year: the rows of the establishments touched are created if
-- missing, locked in id order, and then recounted from the inspections by a later statement, whose
-- snapshot (READ COMMITTED takes one per statement) includes every concurrent writer of those
-- establishments that committed before the lock was granted. A concurrent insert waits on the same
-- row lock (its ON CONFLICT DO UPDATE) and ORs its years into the recounted value, so neither can
-- lose the other's year. The first dates of the establishments' years are recounted under the
-- same row locks, so the two summaries always agree.

CREATE OR REPLACE FUNCTION localities_year_bit(day date) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN extract(year FROM day) BETWEEN 2000 AND 2062
                THEN 1::bigint << (extract(year FROM day)::int - 2000)
                ELSE 0 END
$$;

CREATE OR REPLACE FUNCTION localities_inspected_years_recount(ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    INSERT INTO localities_inspected_years (establishment_id, years)
    SELECT id, 0 FROM unnest(ids) AS id ORDER BY id
    ON CONFLICT (establishment_id) DO NOTHING;
    PERFORM 1 FROM localities_inspected_years
      WHERE establishment_id = ANY (ids) ORDER BY establishment_id FOR UPDATE;
    UPDATE localities_inspected_years s
       SET years = coalesce((SELECT bit_or(localities_year_bit(i.inspected_on))
                               FROM localities_inspection i
                              WHERE i.establishment_id = s.establishment_id), 0)
     WHERE s.establishment_id = ANY (ids);
    -- No row for an establishment without an inspection year (it can then be deleted).
    DELETE FROM localities_inspected_years
     WHERE establishment_id = ANY (ids) AND years = 0;
    DELETE FROM localities_first_inspections WHERE establishment_id = ANY (ids);
    INSERT INTO localities_first_inspections (establishment_id, year, first_on)
    SELECT establishment_id, extract(year FROM inspected_on)::int, min(inspected_on)
      FROM localities_inspection
     WHERE establishment_id = ANY (ids) AND localities_year_bit(inspected_on) <> 0
     GROUP BY 1, 2;
END
$$;

CREATE OR REPLACE FUNCTION localities_inspected_years_on_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO localities_inspected_years AS s (establishment_id, years)
    SELECT establishment_id, bit_or(localities_year_bit(inspected_on))
      FROM new_rows GROUP BY establishment_id
    HAVING bit_or(localities_year_bit(inspected_on)) <> 0
     ORDER BY establishment_id
    ON CONFLICT (establishment_id) DO UPDATE SET years = s.years | EXCLUDED.years
     WHERE s.years | EXCLUDED.years <> s.years;
    INSERT INTO localities_first_inspections AS f (establishment_id, year, first_on)
    SELECT establishment_id, extract(year FROM inspected_on)::int, min(inspected_on)
      FROM new_rows WHERE localities_year_bit(inspected_on) <> 0
     GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (establishment_id, year) DO UPDATE SET first_on = EXCLUDED.first_on
     WHERE EXCLUDED.first_on < f.first_on;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION localities_inspected_years_on_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM localities_inspected_years_recount(ARRAY(
        SELECT unnest(ARRAY[o.establishment_id, n.establishment_id])
          FROM old_rows o JOIN new_rows n ON n.id = o.id
         WHERE o.establishment_id <> n.establishment_id OR o.inspected_on <> n.inspected_on
         GROUP BY 1 ORDER BY 1));
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION localities_inspected_years_on_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM localities_inspected_years_recount(ARRAY(
        SELECT DISTINCT establishment_id FROM old_rows ORDER BY 1));
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION localities_inspected_years_on_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM localities_inspected_years;
    DELETE FROM localities_first_inspections;
    RETURN NULL;
END
$$;

CREATE TRIGGER localities_inspected_years_insert AFTER INSERT ON localities_inspection
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION localities_inspected_years_on_insert();
CREATE TRIGGER localities_inspected_years_update AFTER UPDATE ON localities_inspection
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION localities_inspected_years_on_update();
CREATE TRIGGER localities_inspected_years_delete AFTER DELETE ON localities_inspection
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION localities_inspected_years_on_delete();
CREATE TRIGGER localities_inspected_years_truncate AFTER TRUNCATE ON localities_inspection
    FOR EACH STATEMENT EXECUTE FUNCTION localities_inspected_years_on_truncate();
