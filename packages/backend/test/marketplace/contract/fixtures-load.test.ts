/**
 * Every evidence fixture loads with its evidence (source, date, excerpt), including fixtures for
 * calls no adapter makes yet (Trendyol's webhook management API, Hepsiburada's order pushes): they
 * wait here for the code that will replay them, and a malformed or mis-named one fails now rather
 * than when that code arrives.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { FIXTURES_DIR, fixture, fixturesOf, MARKETPLACES } from "@pazarsync/marketplace-fixtures";

const TRENDYOL_HOOKS = "/integration/webhook/sellers/{sellerId}/webhooks";

describe("evidence fixtures", () => {
  test("every JSON file under each marketplace folder loads, none is skipped", () => {
    for (const marketplace of MARKETPLACES) {
      const onDisk = readdirSync(join(FIXTURES_DIR, marketplace)).filter((name) => name.endsWith(".json")).length;
      expect({ marketplace, loaded: fixturesOf(marketplace).size }).toEqual({ marketplace, loaded: onDisk });
    }
  });

  test("Trendyol's webhook API: create, list, update, delete, activate, deactivate on the documented path", () => {
    const calls = ["webhook-create", "webhook-create.limit-reached", "webhook-list", "webhook-update", "webhook-delete", "webhook-activate", "webhook-deactivate"];
    const requests = calls.map((name) => {
      const { method, path, headers } = fixture("trendyol", name).exchanges[0]?.request ?? {};
      return [name, method, path, Object.keys(headers ?? {}).sort()];
    });
    const auth = ["Authorization", "User-Agent"];
    expect(requests).toEqual([
      ["webhook-create", "POST", TRENDYOL_HOOKS, auth],
      ["webhook-create.limit-reached", "POST", TRENDYOL_HOOKS, auth],
      ["webhook-list", "GET", TRENDYOL_HOOKS, auth],
      ["webhook-update", "PUT", `${TRENDYOL_HOOKS}/{webhookId}`, auth],
      ["webhook-delete", "DELETE", `${TRENDYOL_HOOKS}/{webhookId}`, auth],
      ["webhook-activate", "PUT", `${TRENDYOL_HOOKS}/{webhookId}/activate`, auth],
      ["webhook-deactivate", "PUT", `${TRENDYOL_HOOKS}/{webhookId}/deactivate`, auth],
    ]);
  });

  test("Trendyol's create answers the webhook id; the list is a bare array carrying ACTIVE/PASSIVE", () => {
    expect(fixture("trendyol", "webhook-create").exchanges[0]?.response.body).toEqual({ id: expect.any(String) });
    const list = fixture("trendyol", "webhook-list").exchanges[0]?.response.body;
    expect(Array.isArray(list)).toBe(true);
    const statuses = (list as Array<{ status: string }>).map((hook) => hook.status);
    expect(new Set(statuses)).toEqual(new Set(["ACTIVE", "PASSIVE"]));
    expect(fixture("trendyol", "webhook-create.limit-reached").exchanges[0]?.response).toEqual({ status: 400 });
  });

  test("Hepsiburada's pushes are inbound with Basic auth: an order POSTed to /orders, a cancelled line PUT to /lineitems/{id}/cancel", () => {
    const order = fixture("hepsiburada", "order-push").exchanges[0];
    const cancel = fixture("hepsiburada", "order-cancel-push").exchanges[0];
    expect([order?.request.method, order?.request.path, cancel?.request.method, cancel?.request.path]).toEqual([
      "POST",
      "/{merchantApiBase}/orders",
      "PUT",
      "/{merchantApiBase}/lineitems/{lineItemId}/cancel",
    ]);
    expect(Object.keys(order?.request.headers ?? {})).toEqual(["Authorization"]);
    const lines = (order?.request.body as { items: Array<Record<string, unknown>> }).items;
    expect(lines.every((line) => typeof line.id === "string" && typeof line.orderNumber === "string" && typeof line.quantity === "number")).toBe(true);
    expect(cancel?.request.body).toMatchObject({ id: expect.any(String), orderNumber: expect.any(String), quantity: expect.any(Number), isUnpackedLine: false });
    expect([order?.response.status, cancel?.response.status]).toEqual([201, 204]);
  });
});
