#!/bin/sh
# Temporal's own schema on PostgreSQL, created on the first deploy and upgraded on later ones, run by the admin-tools
# image before the server starts. Every step is safe to repeat: `create` and `setup-schema` only act on a database
# that lacks them, `update-schema` applies the versions not yet applied.
set -eu

: "${POSTGRES_SEEDS:?the PostgreSQL host}" "${POSTGRES_USER:?}" "${SQL_PASSWORD:?}"
DB_PORT="${DB_PORT:-5432}"
SCHEMA_ROOT=/etc/temporal/schema/postgresql/v12

sql_tool() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -u "$POSTGRES_USER" -p "$DB_PORT" "$@"
}

prepare() {
  database="$1"
  schema_dir="$2"
  if sql_tool --db "$database" create 2>/dev/null; then
    echo "database $database created"
    sql_tool --db "$database" setup-schema -v 0.0
  else
    echo "database $database exists"
  fi
  sql_tool --db "$database" update-schema -d "$schema_dir"
}

prepare temporal "$SCHEMA_ROOT/temporal/versioned"
prepare temporal_visibility "$SCHEMA_ROOT/visibility/versioned"
echo "Temporal schema is current"
