-- A prototype, NOT applied by any migration: the summary that would bring the national
-- dashboard under 300 ms at scale 1.0 (bench/RESULTS.md, "What it would take").
--
-- Per establishment, the years in which it has at least one inspection, as bits
-- (bit y - 2000), kept by the database in the same transaction as every write to
-- localities_inspection, whoever writes (form, import, admin, COPY). For an as-of date on or
-- after today (no inspection is ever in the future) or on or after 31 December of the year, the
-- establishment figures of plan-rules §7 become one scan of localities_establishment:
--   inspected_in_year          = operating AND inspected_years & (1 << (Y - 2000)) <> 0
--   inspected_since_plan_start = open_at_end AND inspected_years & mask(first_year .. Y) <> 0
-- (an earlier as-of date inside the year keeps today's exact query over the inspections).
--
-- Apply by hand to try it:  psql "$DATABASE_URL" -f bench/summary_prototype.sql
--
-- Each write rewrites its establishments' rows (once per statement): leave room for HOT updates
-- (ALTER TABLE localities_establishment SET (fillfactor = 85)) and vacuum after a bulk import.

ALTER TABLE localities_establishment
    ADD COLUMN IF NOT EXISTS inspected_years integer NOT NULL DEFAULT 0;

CREATE OR REPLACE FUNCTION localities_refresh_inspected_years() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        ids := ARRAY(SELECT DISTINCT establishment_id FROM new_rows);
    ELSIF TG_OP = 'DELETE' THEN
        ids := ARRAY(SELECT DISTINCT establishment_id FROM old_rows);
    ELSE
        ids := ARRAY(SELECT establishment_id FROM new_rows
                     UNION SELECT establishment_id FROM old_rows);
    END IF;
    -- Lock first, in id order: the recount below then runs on a snapshot taken after every
    -- concurrent writer of these establishments has committed (READ COMMITTED takes a new
    -- snapshot per statement), so two transactions cannot lose each other's year.
    PERFORM 1 FROM localities_establishment WHERE id = ANY (ids) ORDER BY id FOR UPDATE;
    UPDATE localities_establishment e
       SET inspected_years = coalesce((
               SELECT bit_or(1 << (extract(year FROM i.inspected_on)::int - 2000))
                 FROM localities_inspection i
                WHERE i.establishment_id = e.id), 0)
     WHERE e.id = ANY (ids);
    RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS inspected_years_insert ON localities_inspection;
DROP TRIGGER IF EXISTS inspected_years_update ON localities_inspection;
DROP TRIGGER IF EXISTS inspected_years_delete ON localities_inspection;
CREATE TRIGGER inspected_years_insert AFTER INSERT ON localities_inspection
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION localities_refresh_inspected_years();
CREATE TRIGGER inspected_years_update AFTER UPDATE ON localities_inspection
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION localities_refresh_inspected_years();
CREATE TRIGGER inspected_years_delete AFTER DELETE ON localities_inspection
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION localities_refresh_inspected_years();

-- Fill it once for the rows already there.
UPDATE localities_establishment e
   SET inspected_years = s.bits
  FROM (SELECT establishment_id, bit_or(1 << (extract(year FROM inspected_on)::int - 2000)) AS bits
          FROM localities_inspection GROUP BY establishment_id) s
 WHERE s.establishment_id = e.id AND e.inspected_years <> s.bits;
VACUUM (ANALYZE) localities_establishment;

-- The national table's establishment figures for year 2025, plan from 2021, as of today:
--   SELECT province_id,
--          count(*) FILTER (WHERE op) AS establishments_operating,
--          count(*) FILTER (WHERE op AND inspected_years & (1 << 25) <> 0) AS inspected_in_year,
--          count(*) FILTER (WHERE oe) AS establishments_open_at_end,
--          count(*) FILTER (WHERE oe AND inspected_years & ((1 << 26) - (1 << 21)) <> 0)
--            AS inspected_since_plan_start
--     FROM (SELECT province_id, inspected_years,
--                  (opened_on IS NULL OR opened_on <= '2025-12-31')
--                    AND (closed_on IS NULL OR closed_on >= '2025-01-01') AS op,
--                  (opened_on IS NULL OR opened_on <= '2025-12-31')
--                    AND (closed_on IS NULL OR closed_on >= '2025-12-31') AS oe
--             FROM localities_establishment WHERE in_scope) e
--    GROUP BY ROLLUP (province_id);
--
-- To remove the prototype:
--   DROP TRIGGER inspected_years_insert ON localities_inspection;
--   DROP TRIGGER inspected_years_update ON localities_inspection;
--   DROP TRIGGER inspected_years_delete ON localities_inspection;
--   DROP FUNCTION localities_refresh_inspected_years();
--   ALTER TABLE localities_establishment DROP COLUMN inspected_years;
