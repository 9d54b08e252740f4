#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into an EMPTY database.
# Usage: DATABASE_URL=postgres://user@host:5432/abr_restored scripts/restore.sh /path/to/abr-....dump
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL to the (empty) database to restore into}"
file="${1:?give the backup file}"
if [ -f "$file.sha256" ]; then sha256sum --check --quiet "$file.sha256"; fi
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$DATABASE_URL" "$file"
echo "restored $file"
