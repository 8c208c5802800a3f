/** The drift check: what the marketplace really shows against what it was told and confirmed. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq, sql } from "drizzle-orm";
import { listings } from "../../src/domains/catalog/schema";
import { scheduleDriftChecks } from "../../src/domains/listing-catalog/drift-schedule";
import { queryRows } from "../../src/infra/db";
import { recordSent } from "../../src/domains/stock-sync/sent";
import { syncSent } from "../../src/domains/stock-sync/schema";
import { createTestApp, type TestApp } from "../support/app";
import { addStock, createStore, createWarehouse } from "../support/catalog";
import { bodyOf } from "../support/http";
import { admin, customer, get, sendJson, staff } from "../support/identity";
import { marketShop } from "../stock-sync/behaviour-support";
import { listedProduct, shown } from "../stock-sync/engine-support";
import { driftCheckRunner } from "../../src/domains/listing-catalog/drift";
import { jobs } from "../../src/domains/jobs/schema";
import { CONFIRM_MS, driftCount, driftDeps, jobContext, queuedJob, readingChannel, runCheck, sandboxCatalog, setShown } from "./drift-support";

let t: TestApp;
const tokens = { staff: "", admin: "" };
beforeAll(async () => {
  t = await createTestApp({ label: "listing-drift", env: { SYNC_POLL_DELAY_MS: "0" } });
  tokens.staff = (await staff(t)).tokens.accessToken;
  tokens.admin = (await admin(t)).tokens.accessToken;
});
afterAll(() => t.close());

const sync = () => t.services.sync;
const db = () => t.infra.database.db;

async function listing(storeId: string, productId: string) {
  const [row] = await db().select().from(listings).where(and(eq(listings.storeId, storeId), eq(listings.productId, productId)));
  return row;
}

async function sentRow(storeId: string, productId: string) {
  const [row] = await db().select().from(syncSent).where(and(eq(syncSent.storeId, storeId), eq(syncSent.productId, productId)));
  return row;
}

async function pushAndConfirm(storeId: string): Promise<void> {
  expect(await sync().flushOne(storeId)).toMatchObject({ outcome: "sent" });
  expect(await sync().pollReceipts()).toBeGreaterThanOrEqual(1);
}

/** A clock the checks read: wall time, stepped past the confirm time instead of waiting for it. */
function steppedClock(): { now: () => number; step: (ms: number) => void } {
  let offset = 0;
  return { now: () => Date.now() + offset, step: (ms) => void (offset += ms) };
}

describe("a drift check against the sandbox's catalog", () => {
  test("finds the listing the marketplace shows at 25 after it confirmed 20, clears its last send and marks it; one shown at 5 is only suspected; every other case is skipped", async () => {
    const shop = await marketShop(t, tokens);
    const [drifted, lowered, pending, marked, inFlight, fulfilled, agrees] = await Promise.all(Array.from({ length: 7 }, () => listedProduct(t, shop, tokens, 20)));
    for (const id of [drifted, lowered, pending, marked, inFlight, fulfilled, agrees]) expect(id).toBeString();
    await pushAndConfirm(shop.storeId);
    expect((await listing(shop.storeId, drifted ?? ""))?.lastPushedQuantity).toBe(20);

    // A push whose receipt is still pending; a change waiting in the buffer; a push in flight;
    // a listing the marketplace fulfils; one never confirmed (created after the push).
    await addStock(t, tokens.staff, shop.warehouse.shelfId, pending ?? "", -1);
    expect(await sync().flushOne(shop.storeId)).toMatchObject({ outcome: "sent", sent: 1 });
    await addStock(t, tokens.staff, shop.warehouse.shelfId, marked ?? "", -1);
    expect(await sync().buffer.isMarked(shop.storeId, marked ?? "")).toBe(true);
    await recordSent(db(), shop.storeId, [{ productId: inFlight ?? "", quantity: -1 }], new Date());
    await db().update(listings).set({ fulfilledByMarketplace: true }).where(and(eq(listings.storeId, shop.storeId), eq(listings.productId, fulfilled ?? "")));
    const unconfirmed = await listedProduct(t, shop, tokens, 20);

    // Behind our back, the marketplace now shows 25 (stock we never gave it) for one, and 5 for
    // all the others but `agrees`: a lower value may be a sale not yet taken in.
    await shown(shop);
    setShown(shop, shop.barcodes.get(drifted ?? "") ?? "", 25);
    for (const id of [lowered, pending, marked, inFlight, fulfilled, unconfirmed]) setShown(shop, shop.barcodes.get(id ?? "") ?? "", 5);
    const before = await driftCount(t, "TRENDYOL");
    const stray = { barcode: "NOT-OURS-1", quantity: 3, raw: {} };
    const result = await runCheck(t, driftDeps(t, readingChannel(t, sandboxCatalog(shop, [stray]))), shop.storeId);

    expect(result).toEqual({
      read: 9,
      checked: 3,
      drifted: 1,
      suspected: 1,
      skipped: { pending: 1, marked: 1, inFlight: 1, fulfilled: 1, unconfirmed: 1 },
      unmatched: 1,
    });
    expect(await driftCount(t, "TRENDYOL")).toBe(before + 1);
    const row = await listing(shop.storeId, drifted ?? "");
    expect(row).toMatchObject({ lastPushedQuantity: null, lastSeenQuantity: 25 });
    expect(row?.lastDriftAt).toBeInstanceOf(Date);
    expect(await sentRow(shop.storeId, drifted ?? "")).toBeUndefined();
    expect(await sync().buffer.isMarked(shop.storeId, drifted ?? "")).toBe(true);
    // The suspected one keeps what it was told and is not marked: nothing is sent for it yet.
    expect(await listing(shop.storeId, lowered ?? "")).toMatchObject({ lastPushedQuantity: 20, lastSeenQuantity: 5, lastDriftAt: null });
    expect((await sentRow(shop.storeId, lowered ?? ""))?.quantity).toBe(20);
    expect(await sync().buffer.isMarked(shop.storeId, lowered ?? "")).toBe(false);
    // The skipped ones keep what they were told; every read one records what it showed.
    expect((await sentRow(shop.storeId, pending ?? ""))?.quantity).toBe(19);
    expect((await sentRow(shop.storeId, inFlight ?? ""))?.quantity).toBe(-1);
    expect(await listing(shop.storeId, agrees ?? "")).toMatchObject({ lastPushedQuantity: 20, lastSeenQuantity: 20, lastDriftAt: null });
    expect(await listing(shop.storeId, fulfilled ?? "")).toMatchObject({ lastPushedQuantity: 20, lastSeenQuantity: 5, lastDriftAt: null });

    // The next flush restores 20 (the buffer also holds the marked and unconfirmed ones); the suspected one still shows 5.
    await pushAndConfirm(shop.storeId);
    expect((await shown(shop))[shop.barcodes.get(drifted ?? "") ?? ""]).toBe(20);
    expect((await shown(shop))[shop.barcodes.get(lowered ?? "") ?? ""]).toBe(5);
    expect((await listing(shop.storeId, drifted ?? ""))?.lastPushedQuantity).toBe(20);

    const status = await bodyOf(await get(t, "/api/v1/stock-sync/status", tokens.staff));
    const store = status.stores.find((s: { storeId: string }) => s.storeId === shop.storeId);
    expect(store).toMatchObject({ lastDriftAt: row?.lastDriftAt?.toISOString(), driftsFound: 1 });
    expect(typeof store.lastDriftCheckAt).toBe("string");
  });

  test("a lower shown quantity is suspected, still suspected (first sighting kept) just before the confirm time, drifted and restored by a check after it; a further check finds nothing", async () => {
    const shop = await marketShop(t, tokens);
    const [id, other] = [await listedProduct(t, shop, tokens, 20), await listedProduct(t, shop, tokens, 7)];
    await pushAndConfirm(shop.storeId);
    await shown(shop);
    setShown(shop, shop.barcodes.get(id) ?? "", 0);
    const clock = steppedClock();
    const deps = driftDeps(t, readingChannel(t, sandboxCatalog(shop)), clock.now);
    const before = await driftCount(t, "TRENDYOL");
    expect(await runCheck(t, deps, shop.storeId)).toMatchObject({ checked: 2, drifted: 0, suspected: 1 });
    const firstSeen = (await listing(shop.storeId, id))?.lastSeenAt;
    expect(firstSeen).toBeInstanceOf(Date);
    expect(await sync().buffer.isMarked(shop.storeId, id)).toBe(false);
    clock.step(CONFIRM_MS - 60_000);
    expect(await runCheck(t, deps, shop.storeId)).toMatchObject({ drifted: 0, suspected: 1 });
    expect((await listing(shop.storeId, id))?.lastSeenAt).toEqual(firstSeen);
    expect(await driftCount(t, "TRENDYOL")).toBe(before);

    clock.step(60_000);
    expect(await runCheck(t, deps, shop.storeId)).toMatchObject({ checked: 2, drifted: 1, suspected: 0 });
    expect(await driftCount(t, "TRENDYOL")).toBe(before + 1);
    expect(await listing(shop.storeId, id)).toMatchObject({ lastPushedQuantity: null, lastSeenQuantity: 0 });
    // Not the body sent first (that held both listings): the restore goes out at once.
    await pushAndConfirm(shop.storeId);
    expect((await shown(shop))[shop.barcodes.get(id) ?? ""]).toBe(20);
    clock.step(1000);
    expect(await runCheck(t, deps, shop.storeId)).toMatchObject({ read: 2, checked: 2, drifted: 0, suspected: 0 });
    expect(await sync().buffer.isMarked(shop.storeId, id)).toBe(false);
    expect((await shown(shop))[shop.barcodes.get(other) ?? ""]).toBe(7);
  });

  test("a lower value we then tell (a sale taken in) clears the suspicion; a send since the first sighting restarts the confirmation", async () => {
    const shop = await marketShop(t, tokens);
    const [sold, dropped] = [await listedProduct(t, shop, tokens, 20), await listedProduct(t, shop, tokens, 20)];
    await pushAndConfirm(shop.storeId);
    await shown(shop);
    // The marketplace shows one less for both: `sold` really sold, `dropped` lost its quantity.
    setShown(shop, shop.barcodes.get(sold) ?? "", 19);
    setShown(shop, shop.barcodes.get(dropped) ?? "", 19);
    const clock = steppedClock();
    const deps = driftDeps(t, readingChannel(t, sandboxCatalog(shop)), clock.now);
    expect(await runCheck(t, deps, shop.storeId)).toMatchObject({ checked: 2, drifted: 0, suspected: 2 });
    const firstSeen = (await listing(shop.storeId, dropped))?.lastSeenAt;

    // The sale is taken in (our stock 19, told 19); `dropped` gets 5 more, told 25, which the marketplace drops again.
    await addStock(t, tokens.staff, shop.warehouse.shelfId, sold, -1);
    await addStock(t, tokens.staff, shop.warehouse.shelfId, dropped, 5);
    await pushAndConfirm(shop.storeId);
    setShown(shop, shop.barcodes.get(dropped) ?? "", 19);
    clock.step(CONFIRM_MS);
    // Told since the first sighting: `dropped` starts its confirmation again from this read.
    expect(await runCheck(t, deps, shop.storeId)).toMatchObject({ checked: 2, drifted: 0, suspected: 1 });
    expect(await listing(shop.storeId, sold)).toMatchObject({ lastPushedQuantity: 19, lastSeenQuantity: 19, lastDriftAt: null });
    expect((await listing(shop.storeId, dropped))?.lastSeenAt?.getTime()).toBeGreaterThanOrEqual((firstSeen?.getTime() ?? 0) + CONFIRM_MS);
    clock.step(CONFIRM_MS);
    expect(await runCheck(t, deps, shop.storeId)).toMatchObject({ checked: 2, drifted: 1, suspected: 0 });
    await pushAndConfirm(shop.storeId);
    expect((await shown(shop))[shop.barcodes.get(dropped) ?? ""]).toBe(25);
    expect((await shown(shop))[shop.barcodes.get(sold) ?? ""]).toBe(19);
  });
});

describe("matching remote listings to ours", () => {
  test("by the marketplace's id first, then the barcode, then the stock code the store defaults to (its SKU here)", async () => {
    const shop = await marketShop(t, tokens);
    const [a, b, c] = [await listedProduct(t, shop, tokens, 20), await listedProduct(t, shop, tokens, 20), await listedProduct(t, shop, tokens, 20)];
    await pushAndConfirm(shop.storeId);
    await db().update(listings).set({ marketplaceProductId: "MID-A" }).where(and(eq(listings.storeId, shop.storeId), eq(listings.productId, a)));
    await db().execute(sql`update stores set stock_code_source = 'SKU' where id = ${shop.storeId}::uuid`);
    const sku = String((await bodyOf(await get(t, `/api/v1/catalog/products/${c}`, tokens.staff))).sku);
    const barcodeOf = (id: string) => shop.barcodes.get(id) ?? "";
    const remote = [
      // Carries b's barcode, but the marketplace's id names a.
      { marketplaceId: "MID-A", barcode: barcodeOf(b), quantity: 23, raw: {} },
      { barcode: barcodeOf(b), quantity: 20, raw: {} },
      { stockCode: sku, quantity: 22, raw: {} },
      // The store's stock codes are SKUs now: a barcode as stock code names nothing.
      { stockCode: barcodeOf(c), quantity: 1, raw: {} },
    ];
    const result = await runCheck(t, driftDeps(t, readingChannel(t, async () => remote)), shop.storeId);
    expect(result).toMatchObject({ read: 4, checked: 3, drifted: 2, unmatched: 1 });
    expect(await listing(shop.storeId, a)).toMatchObject({ lastSeenQuantity: 23, lastPushedQuantity: null });
    expect(await listing(shop.storeId, b)).toMatchObject({ lastSeenQuantity: 20, lastPushedQuantity: 20 });
    expect(await listing(shop.storeId, c)).toMatchObject({ lastSeenQuantity: 22, lastPushedQuantity: null });
  });
});

describe("a check that dies halfway", () => {
  test("resumes from the page after its last step: nothing counted twice, and the lost page's marks are written again", async () => {
    const shop = await marketShop(t, tokens);
    const ids = [await listedProduct(t, shop, tokens, 20), await listedProduct(t, shop, tokens, 20), await listedProduct(t, shop, tokens, 20)];
    await pushAndConfirm(shop.storeId);
    await shown(shop);
    // The first page (two listings, barcode order) holds the drift (higher than told: a drift at once).
    const first = ids.map((id) => ({ id, barcode: shop.barcodes.get(id) ?? "" })).sort((a, b) => a.barcode.localeCompare(b.barcode))[0];
    setShown(shop, first?.barcode ?? "", 24);
    const deps = driftDeps(t, readingChannel(t, sandboxCatalog(shop), 2));
    const job = await queuedJob(t, shop.storeId);
    const ctx = jobContext(t, job);
    // The process dies right after the first page's commit, before its marks are written.
    const dying = { ...ctx, step: async <T>(...args: Parameters<typeof ctx.step<T>>) => {
      await ctx.step(...args);
      throw new Error("killed");
    } };
    await expect(driftCheckRunner(deps)(dying)).rejects.toThrow("killed");
    expect(await sync().buffer.isMarked(shop.storeId, first?.id ?? "")).toBe(false);

    const [saved] = await db().select().from(jobs).where(eq(jobs.id, job.id));
    expect(saved?.cursor).toMatchObject({ page: "2", marks: [first?.id] });
    const result = await driftCheckRunner(deps)(jobContext(t, saved ?? job));
    expect(result).toMatchObject({ read: 3, checked: 3, drifted: 1 });
    expect(await sync().buffer.isMarked(shop.storeId, first?.id ?? "")).toBe(true);
  });
});

describe("POST /api/v1/stores/:id/listings/drift-check", () => {
  const start = (storeId: string, token = tokens.staff) => sendJson(t, "POST", `/api/v1/stores/${storeId}/listings/drift-check`, {}, token);

  test("queues one check (202 with the job and its Location); a second while it waits is 409 naming it", async () => {
    const shop = await marketShop(t, tokens);
    const first = await start(shop.storeId);
    expect(first.status).toBe(202);
    const body = await bodyOf(first);
    expect(body).toEqual({ jobId: expect.any(String), state: "QUEUED" });
    expect(first.headers.get("location")).toBe(`/api/v1/jobs/${body.jobId}`);
    const second = await start(shop.storeId);
    expect(second.status).toBe(409);
    const refused = await bodyOf(second);
    expect(refused.error).toMatchObject({ code: "JOB_ALREADY_RUNNING", details: { jobId: body.jobId } });
  });

  test("a web store is 422, an unknown store 404, a customer 403", async () => {
    const web = await createStore(t, tokens.admin, { type: "WEB", warehouseIds: [(await createWarehouse(t, tokens.staff)).id] });
    const refused = await start(web);
    expect(refused.status).toBe(422);
    expect((await bodyOf(refused)).error.code).toBe("STORE_NOT_MARKETPLACE");
    const unknown = await start("00000000-0000-4000-8000-000000000000");
    expect(unknown.status).toBe(404);
    expect((await bodyOf(unknown)).error.code).toBe("STORE_NOT_FOUND");
    expect((await start(web, (await customer(t)).tokens.accessToken)).status).toBe(403);
  });
});

describe("the drift schedule", () => {
  test("queues a check per pushing marketplace store once per interval, never a second while one waits, and none when off", async () => {
    const shop = await marketShop(t, tokens);
    const quiet = await marketShop(t, tokens, { storeBody: { sendStock: false } });
    const web = await createStore(t, tokens.admin, { type: "WEB", warehouseIds: [shop.warehouse.id] });
    const now = Date.now();
    const mine = async (ids: string[]) => {
      const rows = await queryRows<{ store_id: string }>(db(), sql`select store_id::text as store_id from jobs where id = any(${`{${ids.join(",")}}`}::uuid[])`);
      return rows.map((r) => r.store_id).filter((id) => [shop.storeId, quiet.storeId, web].includes(id));
    };
    expect(await mine(await scheduleDriftChecks(db(), now, 0, CONFIRM_MS))).toEqual([]);
    const queued = await scheduleDriftChecks(db(), now, 60_000, CONFIRM_MS);
    expect(await mine(queued)).toEqual([shop.storeId]);
    expect(await mine(await scheduleDriftChecks(db(), now, 60_000, CONFIRM_MS))).toEqual([]);
    // Finished 2 minutes ago: due again with a 1-minute interval, not with a 5-minute one.
    await db().execute(sql`update jobs set state = 'SUCCEEDED', finished_at = ${new Date(now - 120_000).toISOString()}::timestamptz where store_id = ${shop.storeId}::uuid`);
    expect(await mine(await scheduleDriftChecks(db(), now, 300_000, CONFIRM_MS))).toEqual([]);
    expect(await mine(await scheduleDriftChecks(db(), now, 60_000, CONFIRM_MS))).toEqual([shop.storeId]);
  });
});

describe("the follow-up of a suspected listing", () => {
  test("is queued once the confirm time has passed, even with the schedule off, exactly once, and not again after a check that came after it", async () => {
    const shop = await marketShop(t, tokens);
    const id = await listedProduct(t, shop, tokens, 20);
    await pushAndConfirm(shop.storeId);
    await shown(shop);
    setShown(shop, shop.barcodes.get(id) ?? "", 18);
    expect(await runCheck(t, driftDeps(t, readingChannel(t, sandboxCatalog(shop)), Date.now), shop.storeId)).toMatchObject({ suspected: 1 });
    const seenAt = (await listing(shop.storeId, id))?.lastSeenAt?.getTime() ?? 0;
    const mine = async (ids: string[]) => {
      const rows = await queryRows<{ store_id: string }>(db(), sql`select store_id::text as store_id from jobs where id = any(${`{${ids.join(",")}}`}::uuid[])`);
      return rows.map((r) => r.store_id).filter((s) => s === shop.storeId);
    };
    // Interval 0: the daily schedule is off; the follow-up still comes, once the suspicion can be confirmed.
    expect(await mine(await scheduleDriftChecks(db(), seenAt + CONFIRM_MS - 1000, 0, CONFIRM_MS))).toEqual([]);
    const followUp = await scheduleDriftChecks(db(), seenAt + CONFIRM_MS + 1000, 0, CONFIRM_MS);
    expect(await mine(followUp)).toEqual([shop.storeId]);
    expect(await mine(await scheduleDriftChecks(db(), seenAt + CONFIRM_MS + 2000, 0, CONFIRM_MS))).toEqual([]);
    // That check ran but could not settle it (say the listing was marked): no second follow-up, no loop.
    await db().execute(sql`update jobs set state = 'SUCCEEDED', finished_at = ${new Date(seenAt + CONFIRM_MS + 3000).toISOString()}::timestamptz where store_id = ${shop.storeId}::uuid and state = 'QUEUED'`);
    expect(await mine(await scheduleDriftChecks(db(), seenAt + 10 * CONFIRM_MS, 0, CONFIRM_MS))).toEqual([]);
  });
});

describe("listings the check cannot read", () => {
  test("a store whose adapter has no listing read fails the job with LISTING_READS_NOT_SUPPORTED", async () => {
    const shop = await marketShop(t, tokens);
    // Every adapter reads listings today: this one is the store's own with its read taken away.
    const plain = driftDeps(t, async (id) => {
      const channel = await sync().channels.channel(id);
      if (channel.kind !== "push") return channel;
      const { readListings: _dropped, ...adapter } = channel.adapter;
      return { ...channel, adapter: { ...adapter, marketplace: channel.adapter.marketplace, profile: channel.adapter.profile } };
    });
    const error = await runCheck(t, plain, shop.storeId).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "LISTING_READS_NOT_SUPPORTED" });
  });
});
