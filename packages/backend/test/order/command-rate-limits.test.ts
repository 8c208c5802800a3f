/**
 * 500 INVOICE commands for one Trendyol store (500 orders taken in from the sandbox and invoiced by
 * staff, each recording the PICK Trendyol requires first: 1000 package-status updates) sent by the
 * worker through the real port to a sandbox whose rate windows run 20 times faster: no 429, every
 * invoice reaches the sandbox once, and no window ever holds more calls than Trendyol documents for
 * the endpoint (Paket Statü Bildirimi 300 a minute at the lowest tier; the gateway's 50 per 10 s),
 * scaled. Speed is bench/order-commands's.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";
import { invoiceBurst, maxInWindow } from "./invoice-burst";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ label: "order-command-rate-limits", env: { ORDER_PULL_QUOTA: "off" } });
});
afterAll(() => t.close());

describe("order commands within Trendyol's limits", () => {
  test("the window count is the most timestamps in any window", () => {
    expect(maxInWindow([0, 1, 2, 10, 11, 12, 13], 10)).toBe(4);
    expect(maxInWindow([0, 5, 9, 10], 10)).toBe(3);
    expect(maxInWindow([], 10)).toBe(0);
  });

  test("500 invoices (and their picks) reach the sandbox once each, no 429, no scaled window over the documented limit", async () => {
    const result = await invoiceBurst(t, { count: 500, scale: 20 });
    expect(result.states).toEqual({ CONFIRMED: 1000 });
    expect([result.invoiced, result.picked, result.invoicedOnce]).toEqual([500, 500, 500]);
    expect(result.statusCalls).toBe(1000);
    expect(result.tooMany).toBe(0);
    expect(result.maxPerMinute).toBeLessThanOrEqual(result.limits.perMinute);
    expect(result.maxPer10s).toBeLessThanOrEqual(result.limits.per10s);
    // The limit was what paced the run: more than a minute's worth of calls went, so windows filled up.
    expect(result.maxPerMinute).toBeGreaterThan(result.limits.perMinute / 2);
  }, 600_000);
});
