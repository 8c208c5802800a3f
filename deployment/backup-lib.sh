# Shared by backup.sh and restore-check.sh (sourced, not run).
#
# The connection comes from DATABASE_URL, or from libpq's PG* variables when it is unset.
# A password inside DATABASE_URL is moved into PGPASSWORD and removed from the URL, so it
# never reaches a command line (visible in `ps`), a log line or an error message.

PG_SCHEME=""   # postgres:// or postgresql://
PG_USER=""     # user@ (with the @) or empty
PG_HOST=""     # host[:port][,host[:port]...]
PG_QUERY=""    # ?params or empty
PG_DBNAME=""   # the URL's database, or empty

log() { printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }
die() { log "ERROR: $1"; exit "${2:-1}"; }

require_tools() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed (PostgreSQL client tools are needed)" 2
  done
}

percent_decode() {
  local value="${1//\\/\\\\}"
  printf '%b' "${value//%/\\x}"
}

# Splits DATABASE_URL; exports PGPASSWORD when the URL carries a password.
parse_database_url() {
  [[ -n "${DATABASE_URL:-}" ]] || return 0
  local url="$DATABASE_URL" userinfo="" rest
  [[ "$url" =~ ^(postgres(ql)?://)(.*)$ ]] || die "DATABASE_URL must start with postgres:// or postgresql://" 2
  PG_SCHEME="${BASH_REMATCH[1]}"
  rest="${BASH_REMATCH[3]}"
  if [[ "$rest" == *@* ]]; then
    userinfo="${rest%@*}"
    rest="${rest##*@}"
  fi
  if [[ "$userinfo" == *:* ]]; then
    PGPASSWORD="$(percent_decode "${userinfo#*:}")"
    export PGPASSWORD
    userinfo="${userinfo%%:*}"
  fi
  [[ -n "$userinfo" ]] && PG_USER="$userinfo@"
  [[ "$rest" =~ ^([^/?]*)(/([^?]*))?(\?.*)?$ ]] || die "DATABASE_URL is not a URL libpq understands" 2
  PG_HOST="${BASH_REMATCH[1]}"
  PG_DBNAME="${BASH_REMATCH[3]}"
  PG_QUERY="${BASH_REMATCH[4]}"
}

# A libpq connection string for a database on the same server (empty name: the configured one).
conn_for() {
  local dbname="${1:-$PG_DBNAME}"
  if [[ -n "$PG_SCHEME" ]]; then
    printf '%s%s%s/%s%s' "$PG_SCHEME" "$PG_USER" "$PG_HOST" "$dbname" "$PG_QUERY"
  elif [[ -n "$dbname" ]]; then
    printf 'dbname=%s' "$dbname"
  else
    printf 'dbname=%s' "${PGDATABASE:-${PGUSER:-${USER:-postgres}}}"
  fi
}

# What log lines say about the target: never the password.
describe_target() {
  if [[ -n "$PG_SCHEME" ]]; then
    local masked_user="$PG_USER"
    [[ -n "${PGPASSWORD:-}" && -n "$PG_USER" ]] && masked_user="${PG_USER%@}:***@"
    printf '%s%s%s/%s' "$PG_SCHEME" "$masked_user" "$PG_HOST" "$PG_DBNAME"
  else
    printf 'PG* environment (host %s, database %s)' "${PGHOST:-default}" "${PGDATABASE:-default}"
  fi
}

# psql that never prompts, stops at the first error and prints bare rows.
run_psql() { psql -X -w -q -A -t -v ON_ERROR_STOP=1 "$@"; }

# Rows "table<TAB>schema.name<TAB>count" for every ordinary table pg_dump dumps the data of
# (extension-owned tables excluded), and "migration<TAB>created_at<TAB>hash" for drizzle's journal.
COUNTS_SQL=$(cat <<'SQL'
select format('select %L || E''\t'' || count(*) from %I.%I', 'table' || E'\t' || n.nspname || '.' || c.relname, n.nspname, c.relname)
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where c.relkind = 'r'
  and n.nspname <> 'information_schema' and n.nspname !~ '^pg_'
  and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
order by n.nspname, c.relname
\gexec
select 'select ''migration'' || E''\t'' || created_at || E''\t'' || hash from drizzle.__drizzle_migrations order by id'
where to_regclass('drizzle.__drizzle_migrations') is not null
\gexec
SQL
)

# The "schema.table" of every TABLE DATA entry in a dump's table of contents, sorted.
toc_tables() {
  pg_restore --list "$1" | awk '$4 == "TABLE" && $5 == "DATA" { print $6 "." $7 }' | sort
}

# "pazarsync-<UTC timestamp>.dump" files in a folder, oldest first (the names sort by time).
# Globs and no `find -printf`: busybox (the postgres:*-alpine image) lacks it.
list_dumps() {
  local path name
  for path in "$1"/pazarsync-*.dump; do
    name="${path##*/}"
    if [[ -f "$path" && "$name" =~ ^pazarsync-[0-9]{8}T[0-9]{6}(\.[0-9]{3})?Z\.dump$ ]]; then printf '%s\n' "$name"; fi
  done | LC_ALL=C sort
}
