-- FerretDB 1.x on PostgreSQL: indexes its reads can use. Apply once to the PostgreSQL database
-- FerretDB keeps its data in, before or after FerretDB has created collections:
--
--   psql postgres://postgres@127.0.0.1:5432/ferretdb -v ON_ERROR_STOP=1 -f ferretdb-postgresql.sql
--
-- Why: FerretDB 1.x stores a document as one jsonb column (_jsonb) and makes each MongoDB index
-- a btree on the fields' expressions (_jsonb->'field'). Its writes by _id use that btree, but
-- its reads push an equality down as `_jsonb->'field' @> value`, which a btree cannot serve:
-- every find, findOne and findAndModify, even by _id, reads the whole table, so each grows with
-- the collection. A GIN index on the same expressions serves `@>`. This file gives every
-- FerretDB index a GIN twin (jsonb_path_ops, the smaller operator class made for `@>`), now
-- and, through an event trigger, whenever FerretDB creates an index later. It also plans each
-- statement for its values (FerretDB passes the field name as a parameter, and only a plan
-- made for the actual name matches the index's expression).
--
-- MongoDB itself needs none of this. Applying it again changes nothing.

SET client_min_messages = warning;

CREATE OR REPLACE FUNCTION oms_ferretdb_gin_twin(btree oid) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  ix record;
  columns text;
BEGIN
  SELECT i.indrelid, i.indnatts, c.relname, n.nspname, a.amname
    INTO ix
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_am a ON a.oid = c.relam
   WHERE i.indexrelid = btree;
  -- FerretDB's indexes: btrees whose every column is an expression (no plain column).
  IF ix IS NULL OR ix.amname <> 'btree' OR ix.relname LIKE '%\_gin'
     OR EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = btree AND 0 <> ALL (indkey::int2[])) THEN
    RETURN;
  END IF;
  SELECT string_agg('(' || pg_get_indexdef(btree, k, true) || ') jsonb_path_ops', ', ' ORDER BY k)
    INTO columns
    FROM generate_series(1, ix.indnatts) AS k;
  IF columns NOT LIKE '%_jsonb%' THEN
    RETURN;
  END IF;
  -- fastupdate off: each write updates the index at once, instead of a pending list that some
  -- later write (or read) flushes in one long go.
  EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I.%I USING gin (%s) WITH (fastupdate = off)',
                 left(ix.relname, 59) || '_gin', ix.nspname,
                 (SELECT relname FROM pg_class WHERE oid = ix.indrelid), columns);
END $$;

CREATE OR REPLACE FUNCTION oms_ferretdb_gin_twins_on_create() RETURNS event_trigger
LANGUAGE plpgsql AS $$
DECLARE
  made record;
BEGIN
  FOR made IN SELECT objid FROM pg_event_trigger_ddl_commands()
               WHERE command_tag = 'CREATE INDEX' AND object_type = 'index' LOOP
    PERFORM oms_ferretdb_gin_twin(made.objid);
  END LOOP;
END $$;

DROP EVENT TRIGGER IF EXISTS oms_ferretdb_gin_twins;
CREATE EVENT TRIGGER oms_ferretdb_gin_twins ON ddl_command_end
  WHEN TAG IN ('CREATE INDEX')
  EXECUTE FUNCTION oms_ferretdb_gin_twins_on_create();

-- The indexes FerretDB made before this file was applied.
DO $$ BEGIN
  PERFORM oms_ferretdb_gin_twin(i.indexrelid)
     FROM pg_index i
     JOIN pg_class t ON t.oid = i.indrelid
     JOIN pg_attribute col ON col.attrelid = t.oid AND col.attname = '_jsonb'
     JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema');
  EXECUTE format('ALTER DATABASE %I SET plan_cache_mode = force_custom_plan', current_database());
END $$;
