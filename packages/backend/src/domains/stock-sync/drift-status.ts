/** What the sync status shows of drift checks: the store's last drift, and its last finished check. */
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "../../infra/db";

export interface DriftStatus {
  lastDriftAt: Date | null;
  lastDriftCheckAt: Date | null;
  driftsFound: number | null;
}

interface Row extends Record<string, unknown> {
  store_id: string;
  last_drift_at: Date | string | null;
  last_check_at: Date | string | null;
  drifts_found: number | string | null;
}

const dateOf = (value: Date | string | null) => (value === null ? null : new Date(value));

/** Per store with a drift or a finished check: two grouped reads of listings and jobs in one statement. */
export async function driftStatus(db: Database): Promise<Map<string, DriftStatus>> {
  const rows = await queryRows<Row>(
    db,
    sql`with drifts as (select store_id, max(last_drift_at) as last_drift_at from listings where last_drift_at is not null group by store_id),
        checks as (
          select distinct on (store_id) store_id, finished_at, result
          from jobs where kind = 'LISTING_DRIFT_CHECK' and state in ('SUCCEEDED', 'FAILED') and finished_at is not null and store_id is not null
          order by store_id, finished_at desc)
        select coalesce(d.store_id, c.store_id)::text as store_id, d.last_drift_at, c.finished_at as last_check_at,
               case when jsonb_typeof(c.result -> 'drifted') = 'number' then (c.result ->> 'drifted')::int end as drifts_found
        from drifts d full join checks c on c.store_id = d.store_id`,
  );
  return new Map(
    rows.map((r) => [
      r.store_id,
      { lastDriftAt: dateOf(r.last_drift_at), lastDriftCheckAt: dateOf(r.last_check_at), driftsFound: r.drifts_found === null ? null : Number(r.drifts_found) },
    ]),
  );
}
