"""A trigram index for the directory search on PostgreSQL.

The search is `search_text LIKE '%word%'` for each word (riposte/directory/queries.py): without an
index, PostgreSQL reads every agent twice per page (count, then the page), about 8 ms each for
8,000 agents on the benchmark machine; with a pg_trgm GIN index, 0.3 ms (bench/README.md).
SQLite has no such index and scans, which is fast enough at that size.

pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it. Where it cannot
be created, the migration leaves the search unindexed rather than failing the deployment.
"""

import logging

from django.db import DatabaseError, migrations, transaction

logger = logging.getLogger(__name__)

INDEX = "directory_agent_search_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as exc:
        logger.warning("pg_trgm unavailable (%s): the directory search stays unindexed.", exc)
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON directory_agent USING gin (search_text gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_load_communes")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
