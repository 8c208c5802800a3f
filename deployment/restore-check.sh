#!/usr/bin/env bash
# Proves a backup restores: creates a scratch database on the server of DATABASE_URL (through
# its `postgres` database), pg_restores the dump into it and verifies
#   - every table's row count against the <dump>.counts sidecar backup.sh wrote from the source
#     (without a sidecar: every table the dump's TOC has data for exists; counts only printed),
#   - drizzle's migration journal against the sidecar (and, for information, this checkout),
#   - the stock invariants of `bun run stock:check`: on hand = sum of shelves, reserved = open
#     (RESERVED) order allocations, quarantined = the ledger's quarantine changes, nothing
#     negative; the units in quarantine (returned goods put aside) are printed apart.
# The scratch database is dropped at the end whatever happened.
#
#   restore-check.sh [dump]   default: the newest pazarsync-*.dump in BACKUP_DIR (./backups)
#
# Exit 0 only when everything holds; 1 when a check failed; 2 on bad arguments or settings.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=deployment/backup-lib.sh
source "$here/backup-lib.sh"
source "$here/restore-check-lib.sh"

require_tools pg_restore psql
parse_database_url
BACKUP_DIR="${BACKUP_DIR:-./backups}"

dump="${1:-}"
if [[ -z "$dump" ]]; then
  newest="$(list_dumps "$BACKUP_DIR" | tail -n 1)"
  [[ -n "$newest" ]] || die "no pazarsync-*.dump in $BACKUP_DIR; pass a dump file" 2
  dump="$BACKUP_DIR/$newest"
fi
[[ -f "$dump" ]] || die "$dump is not a file" 2
toc="$(toc_tables "$dump")" || die "pg_restore --list cannot read $dump"

scratch="pazarsync_restore_check_$(date -u +%Y%m%d%H%M%S)_$$"
admin_conn="$(conn_for postgres)"
scratch_created=""

drop_scratch() {
  local status=$?
  if [[ -n "$scratch_created" ]]; then
    if run_psql -d "$admin_conn" -c "drop database if exists \"$scratch\" with (force)"; then
      log "dropped scratch database $scratch"
    else
      log "ERROR: could not drop scratch database $scratch: drop it by hand"
      status=1
    fi
  fi
  exit "$status"
}
trap drop_scratch EXIT

log "checking $dump on $(describe_target) in scratch database $scratch"
printf 'scratch database: %s\n' "$scratch"
run_psql -d "$admin_conn" -c "create database \"$scratch\"" || die "could not create the scratch database (the user needs CREATEDB)"
scratch_created=1

pg_restore -w --no-owner --no-privileges --exit-on-error -d "$(conn_for "$scratch")" "$dump" || die "pg_restore failed: the dump does not restore"
log "restored"

failures=()
restored="$(run_psql -d "$(conn_for "$scratch")" <<<"$COUNTS_SQL")" || die "counting restored rows failed"
sidecar="$dump.counts"
if [[ -f "$sidecar" ]]; then
  check_counts_against_sidecar "$restored" "$sidecar"
  check_migrations_against_sidecar "$restored" "$sidecar"
else
  printf 'NOTE: no %s: counts are printed, not compared (back up with backup.sh to get one)\n' "$sidecar"
  check_tables_against_toc "$restored" "$toc"
fi
compare_migrations_with_checkout "$restored" "$here/../drizzle" "$([[ -f "$sidecar" ]] && echo info || echo strict)"
check_stock_invariants "$(conn_for "$scratch")"

if ((${#failures[@]} > 0)); then
  printf 'restore-check: FAILED: %s\n' "${failures[@]}"
  exit 1
fi
compared="row counts, migrations"
[[ -f "$sidecar" ]] || compared="tables present (no counts sidecar)"
printf 'restore-check: OK: %s restores, %s tables; %s and stock invariants hold\n' "$dump" "$(grep -c . <<<"$toc")" "$compared"
