-- The summary localities_inspected_years (localities.models.InspectedYears), kept by SQLite in the
-- same transaction as every write to localities_inspection. Applied by migration 0004.
-- SQLite has one writer at a time and row-level triggers only; it has no bitwise-OR aggregate, so a
-- recount adds the DISTINCT bits (distinct powers of two: their sum is their OR).
-- A row exists only for an establishment with at least one year.
-- Caution: SQLite's schema editor rebuilds a table for some migrations and its triggers go with
-- it; tests/localities/test_inspected_years.py fails if that ever happens to these.

CREATE TRIGGER localities_inspected_years_insert AFTER INSERT ON localities_inspection
WHEN CAST(substr(NEW.inspected_on, 1, 4) AS integer) BETWEEN 2000 AND 2062
BEGIN
    INSERT INTO localities_inspected_years (establishment_id, years)
    VALUES (NEW.establishment_id,
            1 << (CAST(substr(NEW.inspected_on, 1, 4) AS integer) - 2000))
    ON CONFLICT (establishment_id) DO UPDATE SET years = years | excluded.years;
END;

CREATE TRIGGER localities_inspected_years_delete AFTER DELETE ON localities_inspection
BEGIN
    UPDATE localities_inspected_years
       SET years = (SELECT coalesce(sum(DISTINCT
                        CASE WHEN CAST(substr(i.inspected_on, 1, 4) AS integer) BETWEEN 2000 AND 2062
                             THEN 1 << (CAST(substr(i.inspected_on, 1, 4) AS integer) - 2000)
                             ELSE 0 END), 0)
                      FROM localities_inspection i WHERE i.establishment_id = OLD.establishment_id)
     WHERE establishment_id = OLD.establishment_id;
    DELETE FROM localities_inspected_years
     WHERE establishment_id = OLD.establishment_id AND years = 0;
END;

CREATE TRIGGER localities_inspected_years_update
AFTER UPDATE OF establishment_id, inspected_on ON localities_inspection
BEGIN
    UPDATE localities_inspected_years
       SET years = (SELECT coalesce(sum(DISTINCT
                        CASE WHEN CAST(substr(i.inspected_on, 1, 4) AS integer) BETWEEN 2000 AND 2062
                             THEN 1 << (CAST(substr(i.inspected_on, 1, 4) AS integer) - 2000)
                             ELSE 0 END), 0)
                      FROM localities_inspection i WHERE i.establishment_id = OLD.establishment_id)
     WHERE establishment_id = OLD.establishment_id;
    INSERT INTO localities_inspected_years (establishment_id, years)
    VALUES (NEW.establishment_id,
            (SELECT coalesce(sum(DISTINCT
                 CASE WHEN CAST(substr(i.inspected_on, 1, 4) AS integer) BETWEEN 2000 AND 2062
                      THEN 1 << (CAST(substr(i.inspected_on, 1, 4) AS integer) - 2000)
                      ELSE 0 END), 0)
               FROM localities_inspection i WHERE i.establishment_id = NEW.establishment_id))
    ON CONFLICT (establishment_id) DO UPDATE SET years = excluded.years;
    DELETE FROM localities_inspected_years
     WHERE establishment_id IN (OLD.establishment_id, NEW.establishment_id) AND years = 0;
END;
