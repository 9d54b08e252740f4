#!/usr/bin/env bash
# Back up the ABR database to a compressed, restorable file (pg_dump custom format).
# Usage: DATABASE_URL=postgres://user@host:5432/abr scripts/backup.sh [/path/to/backups]
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL to the database to back up}"
target_dir="${1:-./backups}"
mkdir -p "$target_dir"
chmod 700 "$target_dir"
file="$target_dir/abr-$(date -u +%Y%m%dT%H%M%SZ).dump"
pg_dump --format=custom --compress=6 --no-owner --no-privileges --file="$file" "$DATABASE_URL"
pg_restore --list "$file" > /dev/null   # the file is readable end to end
sha256sum "$file" > "$file.sha256"
echo "$file"
