#!/usr/bin/env bash
# Backs up the Pazarsync database: pg_dump in custom format (-Fc) to
# $BACKUP_DIR/pazarsync-<UTC timestamp>.dump, with a sidecar <dump>.counts holding every
# table's row count and drizzle's migration journal, read from the same snapshot as the dump
# (restore-check.sh compares a restore against it). Then retention.
#
#   DATABASE_URL            postgres://user:password@host:5432/db (or libpq's PG* variables)
#   BACKUP_DIR              where dumps go (default ./backups)
#   BACKUP_KEEP             keep the newest N dumps (default 14; 0 = no count limit)
#   BACKUP_RETENTION_DAYS   also delete dumps older than N days (default unset: no age limit)
#
# Dumps and sidecars are written 0600 in a 0700 folder (an existing BACKUP_DIR is chmod 700).
# Prints the new dump's path on stdout; logs go to stderr without the password.
# Exit 0 on success, 1 when the dump or its verification failed, 2 on bad settings.
set -euo pipefail

# shellcheck source=deployment/backup-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/backup-lib.sh"

BACKUP_DIR="${BACKUP_DIR:-./backups}"
BACKUP_KEEP="${BACKUP_KEEP:-14}"
BACKUP_RETENTION_DAYS="${BACKUP_RETENTION_DAYS:-}"
[[ "$BACKUP_KEEP" =~ ^[0-9]+$ ]] || die "BACKUP_KEEP must be a whole number" 2
[[ -z "$BACKUP_RETENTION_DAYS" || "$BACKUP_RETENTION_DAYS" =~ ^[0-9]+$ ]] || die "BACKUP_RETENTION_DAYS must be a whole number of days" 2

require_tools pg_dump pg_restore psql
parse_database_url
# A dump holds password hashes, encrypted credentials and customers: only this user may read it,
# whatever umask cron or the shell gave us. An existing folder is closed too.
umask 077
mkdir -p "$BACKUP_DIR"
chmod 700 "$BACKUP_DIR" || die "cannot make $BACKUP_DIR private (chmod 700)"

stamp="$(date -u +%Y%m%dT%H%M%S.%3NZ)"
[[ "$stamp" =~ ^[0-9]{8}T[0-9]{6}\.[0-9]{3}Z$ ]] || stamp="$(date -u +%Y%m%dT%H%M%SZ)" # no %N (BSD date)
name="pazarsync-$stamp.dump"
final="$BACKUP_DIR/$name"
[[ ! -e "$final" ]] || die "$final already exists"
# Hidden temporaries in the same folder: the rename is atomic, a crash leaves no half dump
# under a name that restore or retention would pick.
tmp_dump="$BACKUP_DIR/.$name.tmp-$$"
tmp_counts="$BACKUP_DIR/.$name.counts.tmp-$$"
holder_pid=""

cleanup() {
  rm -f "$tmp_dump" "$tmp_counts"
  if [[ -n "$holder_pid" ]]; then kill "$holder_pid" 2>/dev/null || true; fi
}
trap cleanup EXIT

log "backing up $(describe_target) to $final"

# One repeatable-read transaction stays open while the counts and pg_dump use its exported
# snapshot: the counts describe exactly the rows in the dump, even with the app writing.
coproc SNAPSHOT_HOLDER { run_psql -d "$(conn_for)" 2>&1; }
holder_pid="$SNAPSHOT_HOLDER_PID"
printf '%s\n' "begin isolation level repeatable read read only;" "select pg_export_snapshot();" >&"${SNAPSHOT_HOLDER[1]}"
snapshot=""
read -r -t 60 snapshot <&"${SNAPSHOT_HOLDER[0]}" || true
[[ "$snapshot" =~ ^[0-9A-F]+-[0-9A-F]+-[0-9]+$ ]] || die "could not open a snapshot on the database: ${snapshot:-no answer}"

{
  printf '# pazarsync backup counts of %s, from the snapshot the dump was taken in\n' "$name"
  run_psql -d "$(conn_for)" <<SQL
begin isolation level repeatable read read only;
set transaction snapshot '$snapshot';
$COUNTS_SQL
commit;
SQL
} >"$tmp_counts" || die "counting rows failed"

pg_dump -w -Fc --snapshot="$snapshot" -f "$tmp_dump" -d "$(conn_for)" || die "pg_dump failed"

printf '%s\n' "commit;" '\q' >&"${SNAPSHOT_HOLDER[1]}"
wait "$holder_pid" || true
holder_pid=""

# A dump pg_restore cannot list is not a backup; and its data entries must be the tables counted.
toc="$(toc_tables "$tmp_dump")" || die "pg_restore --list cannot read the new dump; older backups were kept"
counted="$(awk -F'\t' '$1 == "table" { print $2 }' "$tmp_counts" | sort)"
[[ "$toc" == "$counted" ]] || die "the dump's table data entries differ from the tables counted; older backups were kept"

# The sidecar first: a dump that exists always has its counts.
mv "$tmp_counts" "$final.counts"
mv "$tmp_dump" "$final"
log "dump verified: $(wc -l <<<"$toc") tables, $(du -h "$final" | cut -f1)"

mapfile -t dumps < <(list_dumps "$BACKUP_DIR")
expired=()
if ((BACKUP_KEEP > 0 && ${#dumps[@]} > BACKUP_KEEP)); then
  expired+=("${dumps[@]:0:${#dumps[@]}-BACKUP_KEEP}")
fi
if [[ -n "$BACKUP_RETENTION_DAYS" ]]; then
  while read -r path; do
    [[ -n "$path" ]] && expired+=("${path##*/}")
  done < <(find "$BACKUP_DIR" -maxdepth 1 -type f -name 'pazarsync-*.dump' -mmin +$((BACKUP_RETENTION_DAYS * 1440)))
fi
for old in $(printf '%s\n' "${expired[@]}" | sort -u); do
  [[ "$old" == "$name" ]] && continue # the dump just made always stays
  rm -f "$BACKUP_DIR/$old" "$BACKUP_DIR/$old.counts"
  log "retention: deleted $old"
done

printf '%s\n' "$final"
