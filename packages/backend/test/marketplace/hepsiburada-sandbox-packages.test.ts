/**
 * The sandbox's Hepsiburada packages list against the evidence fixture hepsiburada/packages-list:
 * packed lines leave the open list and are answered as a bare array of packages, paged by `Offset`
 * (capital O); single lines are cancelled unit by unit through the control route.
 */
import { describe, expect, test } from "bun:test";
import { fixture, shapeMismatches } from "@pazarsync/marketplace-fixtures";
import type { RunningSandbox } from "@pazarsync/marketplace-sandbox";
import { HB_ACCOUNT, hbSandbox, ordersPath, rawHb } from "./hepsiburada-support";

const packagesPath = `/packages/merchantid/${HB_ACCOUNT.account}`;
const control = (target: RunningSandbox, what: string, body: unknown) =>
  fetch(`${target.url}/__sandbox/marketplaces/hepsiburada/${HB_ACCOUNT.account}/${what}`, { method: "POST", body: JSON.stringify(body) });

async function order(target: RunningSandbox, lines: { code: string; quantity: number; unitPrice: number }[]): Promise<string> {
  const res = await fetch(`${target.url}/__sandbox/marketplaces/hepsiburada/${HB_ACCOUNT.account}/orders`, { method: "POST", body: JSON.stringify({ lines }) });
  return ((await res.json()) as { id: string }).id;
}

describe("Hepsiburada sandbox packages list", () => {
  test("packed lines leave the open list and are answered in the fixture's shape (a bare array, a package holding lines of two orders), paged by Offset; a lower-case offset pages nowhere", async () => {
    const target = await hbSandbox();
    const first = await order(target, [
      { code: "SKU-1", quantity: 1, unitPrice: 11285 },
      { code: "SKU-3", quantity: 3, unitPrice: 500 },
    ]);
    const second = await order(target, [{ code: "SKU-2", quantity: 2, unitPrice: 2050 }]);
    const third = await order(target, [{ code: "SKU-4", quantity: 1, unitPrice: 725 }]);
    expect((await control(target, "pack", { lineIds: [`${first}-2`, `${second}-1`] })).status).toBe(201);
    expect((await control(target, "pack", { lineIds: [`${third}-1`] })).status).toBe(201);
    expect((await control(target, "pack", { lineIds: [`${third}-1`] })).status).toBe(404);

    const open = (await (await rawHb(target, `${ordersPath}?offset=0&limit=100`, { method: "GET" })).json()) as { items: { id: string }[] };
    expect(open.items.map((item) => item.id)).toEqual([`${first}-1`]);

    const query = new URLSearchParams(fixture("hepsiburada", "packages-list").exchanges[0]?.request.query);
    const page = (await (await rawHb(target, `${packagesPath}?${query}`, { method: "GET" })).json()) as { items: { lineItemId: string; orderNumber: string; quantity: number }[] }[];
    expect(shapeMismatches(fixture("hepsiburada", "packages-list").exchanges[0]?.response.body, page, "answered")).toEqual([]);
    expect(page.map((p) => p.items.map((item) => [item.lineItemId, item.orderNumber, item.quantity]))).toEqual([
      [
        [`${first}-2`, first, 3],
        [`${second}-1`, second, 2],
      ],
      [[`${third}-1`, third, 1]],
    ]);
    const next = (await (await rawHb(target, `${packagesPath}?Offset=1&limit=2`, { method: "GET" })).json()) as unknown[];
    expect(next).toHaveLength(1);
    const lower = (await (await rawHb(target, `${packagesPath}?offset=1&limit=2`, { method: "GET" })).json()) as unknown[];
    expect(lower).toHaveLength(2);
    expect((await rawHb(target, `${packagesPath}?Offset=0&limit=11`, { method: "GET" })).status).toBe(400);
    expect((await rawHb(target, `${packagesPath}?Offset=0`, { method: "GET" })).status).toBe(400);
  });

  test("a single line is cancelled unit by unit: one record per cancellation with its own cancelDate; the line leaves the open list with its last unit; a packed line packs what is left", async () => {
    const target = await hbSandbox();
    const id = await order(target, [
      { code: "SKU-1", quantity: 3, unitPrice: 100 },
      { code: "SKU-2", quantity: 2, unitPrice: 100 },
    ]);
    expect((await control(target, "cancel-line", { lineId: `${id}-1`, quantity: 1 })).status).toBe(200);
    expect((await control(target, "cancel-line", { lineId: `${id}-1`, quantity: 1 })).status).toBe(200);
    expect((await control(target, "cancel-line", { lineId: `${id}-1`, quantity: 2 })).status).toBe(422);
    expect((await control(target, "cancel-line", { lineId: `${id}-2`, quantity: 2 })).status).toBe(200);
    const cancelled = (await (await rawHb(target, `${ordersPath}/cancelled?offset=0&limit=50`, { method: "GET" })).json()) as { items: { lineItemId: string; quantity: number; cancelDate: string }[] };
    expect(cancelled.items.map((item) => [item.lineItemId, item.quantity])).toEqual([
      [`${id}-1`, 1],
      [`${id}-1`, 1],
      [`${id}-2`, 2],
    ]);
    expect(new Set(cancelled.items.map((item) => item.cancelDate)).size).toBe(3);
    const open = (await (await rawHb(target, `${ordersPath}?offset=0&limit=100`, { method: "GET" })).json()) as { items: { id: string; quantity: number }[] };
    expect(open.items.map((item) => [item.id, item.quantity])).toEqual([[`${id}-1`, 3]]);
    expect((await control(target, "pack", { lineIds: [`${id}-1`] })).status).toBe(201);
    const packages = (await (await rawHb(target, `${packagesPath}?Offset=0&limit=10`, { method: "GET" })).json()) as { items: { quantity: number }[] }[];
    expect(packages.map((p) => p.items.map((item) => item.quantity))).toEqual([[1]]);
  });
});
