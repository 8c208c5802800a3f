# The checks of restore-check.sh (sourced, not run). Each prints what it saw and appends to
# the caller's `failures` array what does not hold.

# Rows of one kind ("table" or "migration") as "a<TAB>b", from COUNTS_SQL output or a sidecar.
rows_of() { awk -F'\t' -v kind="$1" '$1 == kind { print $2 "\t" $3 }' <<<"$2"; }

check_counts_against_sidecar() {
  local restored expected table count want
  restored="$(rows_of table "$1")"
  expected="$(rows_of table "$(cat "$2")")"
  declare -A have=()
  while IFS=$'\t' read -r table count; do [[ -n "$table" ]] && have["$table"]="$count"; done <<<"$restored"
  printf 'row counts (restored vs. the source at backup time, from %s):\n' "$(basename "$2")"
  while IFS=$'\t' read -r table want; do
    [[ -n "$table" ]] || continue
    if [[ -z "${have[$table]+set}" ]]; then
      printf 'count %s missing backup %s MISSING\n' "$table" "$want"
      failures+=("table $table is missing from the restore")
    elif [[ "${have[$table]}" != "$want" ]]; then
      printf 'count %s %s backup %s MISMATCH\n' "$table" "${have[$table]}" "$want"
      failures+=("table $table has ${have[$table]} rows restored, $want at backup time")
    else
      printf 'count %s %s backup %s ok\n' "$table" "$want" "$want"
    fi
    unset 'have[$table]'
  done <<<"$expected"
  for table in "${!have[@]}"; do
    printf 'count %s %s backup none UNEXPECTED\n' "$table" "${have[$table]}"
    failures+=("table $table was restored but is not in the backup's counts")
  done
}

check_tables_against_toc() {
  local restored table count
  restored="$(rows_of table "$1")"
  printf 'row counts (restored):\n'
  while IFS=$'\t' read -r table count; do [[ -n "$table" ]] && printf 'count %s %s\n' "$table" "$count"; done <<<"$restored"
  while read -r table; do
    [[ -n "$table" ]] || continue
    grep -q -F -x "$table" < <(cut -f1 <<<"$restored") || failures+=("table $table has data in the dump but is missing from the restore")
  done <<<"$2"
}

check_migrations_against_sidecar() {
  local restored expected
  restored="$(rows_of migration "$1")"
  expected="$(rows_of migration "$(cat "$2")")"
  if [[ "$restored" == "$expected" ]]; then
    printf 'migrations: %s applied, the same as the source at backup time\n' "$(grep -c . <<<"$restored" || true)"
  else
    printf 'migrations: MISMATCH: restored\n%s\nsource at backup time\n%s\n' "$restored" "$expected"
    failures+=("drizzle.__drizzle_migrations differs from the source's at backup time")
  fi
}

# "when<TAB>sha256" of every migration in a drizzle folder's journal, in order (drizzle stores
# the file's SHA-256 and the journal's "when" in __drizzle_migrations).
checkout_migrations() {
  local folder="$1" when tag
  paste <(grep -o '"when": *[0-9]*' "$folder/meta/_journal.json" | grep -o '[0-9]*$') \
    <(grep -o '"tag": *"[^"]*"' "$folder/meta/_journal.json" | sed 's/.*"\([^"]*\)"$/\1/') |
    while IFS=$'\t' read -r when tag; do
      printf '%s\t%s\n' "$when" "$(sha256sum "$folder/$tag.sql" | cut -d' ' -f1)"
    done
}

# mode "strict" fails when the dump's journal is not a prefix of the checkout's or the reverse.
compare_migrations_with_checkout() {
  local restored="" ours n_restored n_ours
  restored="$(rows_of migration "$1")"
  if [[ ! -f "$2/meta/_journal.json" ]]; then
    printf 'migrations: no %s here to compare with\n' "$2"
    return 0
  fi
  ours="$(checkout_migrations "$2")"
  n_restored="$(grep -c . <<<"$restored" || true)"
  n_ours="$(grep -c . <<<"$ours" || true)"
  if [[ "$restored" == "$ours" ]]; then
    printf 'migrations: the same %s as this checkout\n' "$n_ours"
  elif [[ -z "$restored" || "$ours" == "$restored"$'\n'* ]]; then
    printf 'migrations: %s behind this checkout (starting this version applies them)\n' "$((n_ours - n_restored))"
  elif [[ "$restored" == "$ours"$'\n'* ]]; then
    printf 'migrations: %s ahead of this checkout (the data needs newer code than this checkout)\n' "$((n_restored - n_ours))"
  else
    printf 'migrations: the dump'"'"'s journal is not a prefix of this checkout'"'"'s, nor the reverse\n'
    [[ "$3" == strict ]] && failures+=("drizzle.__drizzle_migrations does not match this checkout's drizzle/ folder")
  fi
  return 0
}

# The invariants of inventory/invariants.ts (bun run stock:check), in plain SQL over the restored
# tables: rows "KIND<TAB>product<TAB>warehouse<TAB>expected<TAB>actual", and one
# "QUARANTINE_TOTAL<TAB>units<TAB>levels" counting returned goods put aside apart from on hand.
INVARIANTS_SQL=$(cat <<'SQL'
with levels as (select product_id, warehouse_id, on_hand, reserved, quarantined from inventory_levels),
shelf_sums as (
  select ss.product_id, s.warehouse_id, sum(ss.quantity)::bigint as total
  from shelf_stock ss join shelves s on s.id = ss.shelf_id group by 1, 2),
open_sums as (
  select product_id, warehouse_id, sum(quantity)::bigint as total
  from order_allocations where state = 'RESERVED' group by 1, 2),
quarantine_levels as (select product_id, warehouse_id, quarantined from levels where quarantined <> 0),
quarantine_sums as (
  select product_id, warehouse_id, sum(quarantine_delta)::bigint as total
  from stock_movements where quarantine_delta <> 0 group by 1, 2 having sum(quarantine_delta) <> 0)
select concat_ws(E'\t', 'ON_HAND_MISMATCH', coalesce(l.product_id, s.product_id), coalesce(l.warehouse_id, s.warehouse_id), coalesce(s.total, 0), coalesce(l.on_hand, 0))
from levels l full join shelf_sums s on s.product_id = l.product_id and s.warehouse_id = l.warehouse_id
where coalesce(s.total, 0) <> coalesce(l.on_hand, 0)
union all
select concat_ws(E'\t', 'RESERVED_MISMATCH', coalesce(l.product_id, o.product_id), coalesce(l.warehouse_id, o.warehouse_id), coalesce(o.total, 0), coalesce(l.reserved, 0))
from (select * from levels where reserved <> 0) l full join open_sums o on o.product_id = l.product_id and o.warehouse_id = l.warehouse_id
where coalesce(o.total, 0) <> coalesce(l.reserved, 0)
union all
select concat_ws(E'\t', 'QUARANTINE_MISMATCH', coalesce(q.product_id, m.product_id), coalesce(q.warehouse_id, m.warehouse_id), coalesce(m.total, 0), coalesce(q.quarantined, 0))
from quarantine_levels q full join quarantine_sums m on m.product_id = q.product_id and m.warehouse_id = q.warehouse_id
where coalesce(m.total, 0) <> coalesce(q.quarantined, 0)
union all
select concat_ws(E'\t', 'NEGATIVE_QUANTITY', product_id, warehouse_id, 0, least(on_hand, reserved, quarantined))
from levels where on_hand < 0 or reserved < 0 or quarantined < 0
union all
select concat_ws(E'\t', 'NEGATIVE_QUANTITY', ss.product_id, s.warehouse_id, 0, ss.quantity)
from shelf_stock ss join shelves s on s.id = ss.shelf_id where ss.quantity < 0
union all
select concat_ws(E'\t', 'QUARANTINE_TOTAL', coalesce(sum(quarantined), 0), count(*))
from quarantine_levels
order by 1;
SQL
)

check_stock_invariants() {
  local found kind rows n
  found="$(run_psql -d "$1" <<<"$INVARIANTS_SQL")" || {
    failures+=("the stock invariant queries failed on the restore (tables missing?)")
    return 0
  }
  for kind in "ON_HAND_MISMATCH:on hand = sum of the warehouse's shelves" \
    "RESERVED_MISMATCH:reserved = open (RESERVED) order allocations" \
    "QUARANTINE_MISMATCH:quarantined = the ledger's quarantine changes" \
    "NEGATIVE_QUANTITY:no negative on hand, reserved, quarantined or shelf quantity"; do
    rows="$(grep "^${kind%%:*}"$'\t' <<<"$found" || true)"
    n="$(grep -c . <<<"$rows" || true)"
    if ((n == 0)); then
      printf 'invariant %s (%s): ok\n' "${kind%%:*}" "${kind#*:}"
    else
      printf 'invariant %s (%s): %s violation(s)\n' "${kind%%:*}" "${kind#*:}" "$n"
      head -n 10 <<<"$rows" | awk -F'\t' '{ printf "  product %s warehouse %s expected %s actual %s\n", $2, $3, $4, $5 }'
      failures+=("stock invariant ${kind%%:*} violated $n time(s)")
    fi
  done
  # Returned goods put aside lie on no shelf and are not in on hand: shown apart, never a failure.
  rows="$(grep '^QUARANTINE_TOTAL'$'\t' <<<"$found" || true)"
  printf 'quarantine (apart from on hand, never sellable): %s unit(s) over %s level(s)\n' "$(cut -f2 <<<"$rows")" "$(cut -f3 <<<"$rows")"
}
