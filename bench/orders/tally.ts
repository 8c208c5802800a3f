/**
 * After the run, the database must agree with what the load generators counted: every order the
 * API answered 201 exists (plus at most the requests in flight when a round ended, which the
 * server still commits), and the reserved quantities and ledger rows add up to the orders and raw
 * reservations, with nothing reserved beyond what is on hand.
 */
import { sql } from "drizzle-orm";
import { type Database, queryRows } from "../../packages/backend/src/infra/db";
import type { BenchShop } from "./seed";

export interface Tally {
  orders: number;
  reservedMain: number;
  reserveRowsMain: number;
  reservedRaw: number;
  overReserved: number;
}

export async function tallyShop(db: Database, shop: BenchShop): Promise<Tally> {
  const [row] = await queryRows<Record<keyof Tally, number>>(
    db,
    sql`select
      (select count(*)::int from orders where store_id = ${shop.storeId}) as "orders",
      (select coalesce(sum(reserved), 0)::int from inventory_levels where warehouse_id = ${shop.mainWarehouseId}) as "reservedMain",
      (select count(*)::int from stock_movements where kind = 'RESERVE' and warehouse_id = ${shop.mainWarehouseId}) as "reserveRowsMain",
      (select coalesce(sum(reserved), 0)::int from inventory_levels where warehouse_id = ${shop.rawWarehouseId}) as "reservedRaw",
      (select count(*)::int from inventory_levels where reserved > on_hand) as "overReserved"`,
  );
  if (!row) throw new Error("the tally query returned no row");
  return row;
}

/** Problems found, empty when the books balance. */
export function tallyProblems(tally: Tally, expected: { created: number; inFlightAtMost: number; raw: number }): string[] {
  const problems: string[] = [];
  const extra = tally.orders - expected.created;
  if (extra < 0 || extra > expected.inFlightAtMost) {
    problems.push(`${tally.orders} orders in the database, ${expected.created} answered 201 (at most ${expected.inFlightAtMost} more may have been in flight)`);
  }
  if (tally.reservedMain !== tally.orders) problems.push(`reserved in the store's warehouse is ${tally.reservedMain}, orders ${tally.orders}`);
  if (tally.reserveRowsMain !== tally.orders) problems.push(`${tally.reserveRowsMain} RESERVE ledger rows for ${tally.orders} orders`);
  if (tally.reservedRaw !== expected.raw) problems.push(`the raw baseline committed ${expected.raw} reservations, its warehouse holds ${tally.reservedRaw} reserved`);
  if (tally.overReserved > 0) problems.push(`${tally.overReserved} levels reserve more than is on hand`);
  return problems;
}
