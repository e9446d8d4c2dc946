"""Full-text search of initiatives: PostgreSQL's French stemming with accents ignored (unaccent),
or SQLite's FTS5 (accents ignored, no stemming: queries match word prefixes instead)."""

from django.db import migrations

PG_FORWARD = """
CREATE EXTENSION IF NOT EXISTS unaccent;
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'riposte_french') THEN
    CREATE TEXT SEARCH CONFIGURATION riposte_french (COPY = french);
    ALTER TEXT SEARCH CONFIGURATION riposte_french
      ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
  END IF;
END $$;
CREATE INDEX initiative_fulltext ON initiatives_initiative
  USING gin (to_tsvector('riposte_french', title || ' ' || problem || ' ' || idea));
"""
PG_BACKWARD = "DROP INDEX IF EXISTS initiative_fulltext;"

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE initiatives_fts USING fts5(
         title, problem, idea, content='initiatives_initiative', content_rowid='id',
         tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER initiatives_fts_insert AFTER INSERT ON initiatives_initiative BEGIN
         INSERT INTO initiatives_fts(rowid, title, problem, idea)
         VALUES (new.id, new.title, new.problem, new.idea);
       END""",
    """CREATE TRIGGER initiatives_fts_delete AFTER DELETE ON initiatives_initiative BEGIN
         INSERT INTO initiatives_fts(initiatives_fts, rowid, title, problem, idea)
         VALUES ('delete', old.id, old.title, old.problem, old.idea);
       END""",
    """CREATE TRIGGER initiatives_fts_update AFTER UPDATE OF title, problem, idea
         ON initiatives_initiative BEGIN
         INSERT INTO initiatives_fts(initiatives_fts, rowid, title, problem, idea)
         VALUES ('delete', old.id, old.title, old.problem, old.idea);
         INSERT INTO initiatives_fts(rowid, title, problem, idea)
         VALUES (new.id, new.title, new.problem, new.idea);
       END""",
    "INSERT INTO initiatives_fts(initiatives_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS initiatives_fts_insert",
    "DROP TRIGGER IF EXISTS initiatives_fts_delete",
    "DROP TRIGGER IF EXISTS initiatives_fts_update",
    "DROP TABLE IF EXISTS initiatives_fts",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_FORWARD)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0002_themes")]
    operations = [migrations.RunPython(forward, backward)]
