/**
 * N11's order commands against the evidence fixtures: the Picking update, the split that gives
 * units up, and the read of an order's packages that observe makes, each request as the source
 * shows it; the steps N11 has no REST call for make no call at all.
 */
import { describe, expect, test } from "bun:test";
import { type Exchange, fixture, serveFixtures } from "@pazarsync/marketplace-fixtures";
import { MarketplaceCommandIncomplete, MarketplaceRejected } from "../../../src/domains/marketplace/errors";
import { createN11Adapter } from "../../../src/domains/marketplace/n11/adapter";
import { N11_UNSUPPLY_REASONS } from "../../../src/domains/marketplace/n11/order-commands";
import type { ApiCall } from "../../../src/domains/marketplace/types";

function portOn(server: { fetch: typeof fetch }, calls: ApiCall[] = []) {
  const port = createN11Adapter({ appKey: "key-1", appSecret: "secret-1", fetch: server.fetch, timeoutMs: 5_000, onCall: (call) => calls.push(call) }).orderCommands;
  if (!port) throw new Error("no orderCommands");
  return port;
}

const readExchange = (status: string, lines: { orderLineId: number; quantity: number }[], id = "301"): Exchange => {
  const base = fixture("n11", "order-read").exchanges[0] as Exchange;
  const body = base.response.body as { content: Record<string, unknown>[] };
  const pkg = { ...body.content[0], id, shipmentPackageStatus: status, lines: lines.map((l) => ({ ...((body.content[0]?.lines as Record<string, unknown>[])[0] ?? {}), ...l, orderItemLineItemStatusName: status })) };
  return { request: base.request, response: { status: 200, body: { ...body, content: [pkg] } } };
};

const target = { orderNumber: "N11-1001", packageId: "301", lines: [{ lineId: "9001", barcode: "SKU-1", quantity: 1 }] };

describe("N11 order commands against the sources", () => {
  test("PICK sends the lines by orderLineId with status Picking, as the source shows, and is accepted", async () => {
    const server = serveFixtures(fixture("n11", "order-line-update"));
    const calls: ApiCall[] = [];
    const answer = await portOn(server, calls).send({ kind: "PICK", target });
    expect(server.mismatches).toEqual([]);
    expect(server.remaining()).toBe(0);
    expect(JSON.parse(server.sent[0]?.body ?? "{}")).toEqual({ lines: [{ lineId: 9001 }], status: "Picking" });
    expect(answer.outcome).toBe("ACCEPTED");
    expect(calls.map((c) => [c.callType, c.httpStatus])).toEqual([["ORDER_COMMAND", 200]]);
  });

  test("UNSUPPLY reads the package, keeps the rest in the split and gives up the units with N11's reason id", async () => {
    const server = serveFixtures([readExchange("Picking", [{ orderLineId: 9001, quantity: 2 }]), ...fixture("n11", "order-unsupply").exchanges]);
    const answer = await portOn(server).send({ kind: "UNSUPPLY", target, reason: "OUT_OF_STOCK" });
    expect(server.mismatches).toEqual([]);
    expect(server.remaining()).toBe(0);
    expect(server.sent[0]?.url.searchParams.get("orderNumber")).toBe("N11-1001");
    expect(JSON.parse(server.sent[1]?.body ?? "{}")).toEqual({
      splitPackages: [{ packageDetails: [{ orderLineId: 9001, quantities: 1 }] }],
      cancelledItems: [{ orderLineId: 9001, quantity: 1, cancelReasonId: 61 }],
    });
    expect(answer).toEqual({ outcome: "ACCEPTED", reference: "301" });
  });

  test("our reasons map onto N11's cancelReasonIds (61 stock, 62 defective, 63 price, 65 other)", () => {
    expect(N11_UNSUPPLY_REASONS).toEqual({ OUT_OF_STOCK: 61, DEFECTIVE: 62, PRICE_ERROR: 63, INTEGRATION_ERROR: 65 });
  });

  test("giving up every unit of a package is refused before any write: N11 cancels only with a split", async () => {
    const server = serveFixtures([readExchange("Picking", [{ orderLineId: 9001, quantity: 1 }])]);
    const error = await portOn(server).send({ kind: "UNSUPPLY", target, reason: "DEFECTIVE" }).catch((e: unknown) => e);
    expect(server.mismatches).toEqual([]);
    expect(server.sent).toHaveLength(1);
    expect(error).toBeInstanceOf(MarketplaceCommandIncomplete);
    expect((error as MarketplaceCommandIncomplete).permanent).toBe(true);
  });

  test("a Created package is not split (the official page): refused, not permanently, and nothing written", async () => {
    const server = serveFixtures([readExchange("Created", [{ orderLineId: 9001, quantity: 2 }])]);
    const error = await portOn(server).send({ kind: "UNSUPPLY", target, reason: "OUT_OF_STOCK" }).catch((e: unknown) => e);
    expect(server.sent).toHaveLength(1);
    expect(error).toBeInstanceOf(MarketplaceCommandIncomplete);
    expect((error as MarketplaceCommandIncomplete).permanent).toBe(false);
  });

  test("a split answer with a code other than 200 is a refusal that came with HTTP 200", async () => {
    const split = fixture("n11", "order-unsupply").exchanges[0] as Exchange;
    const refused: Exchange = { request: split.request, response: { status: 200, body: { code: 400, message: "Paket bölünemez" } } };
    const server = serveFixtures([readExchange("Picking", [{ orderLineId: 9001, quantity: 2 }]), refused]);
    const error = await portOn(server).send({ kind: "UNSUPPLY", target, reason: "OUT_OF_STOCK" }).catch((e: unknown) => e);
    expect(server.mismatches).toEqual([]);
    expect(error).toBeInstanceOf(MarketplaceRejected);
    expect((error as MarketplaceRejected).reasons).toEqual(["Paket bölünemez"]);
  });

  test("observe reads the order's packages as the source shows: Picking is applied, Created not yet, Shipped passed", async () => {
    for (const [status, seen] of [["Picking", "APPLIED"], ["Created", "NOT_APPLIED"], ["Shipped", "PASSED"]] as const) {
      const server = serveFixtures([readExchange(status, [{ orderLineId: 9001, quantity: 2 }])]);
      expect(await portOn(server).observe({ kind: "PICK", target })).toBe(seen);
      expect(server.mismatches).toEqual([]);
    }
    const unpacked = serveFixtures([readExchange("UnPacked", [{ orderLineId: 9001, quantity: 2 }])]);
    expect(await portOn(unpacked).observe({ kind: "UNSUPPLY", target, reason: "OUT_OF_STOCK" })).toBe("APPLIED");
  });

  test("INVOICE and CANCEL are NOT_SUPPORTED with where we looked, and make no call", async () => {
    const server = serveFixtures([]);
    const port = portOn(server);
    for (const kind of ["INVOICE", "CANCEL"] as const) {
      const support = port.support(kind);
      expect(support.supported).toBe(false);
      if (!support.supported) expect(support.source).toMatch(/SOAP manual|split/);
    }
    expect(port.support("UNSUPPLY")).toEqual({ supported: true, repeatSafe: false, partial: true, requires: ["PICK"] });
    expect(server.sent).toHaveLength(0);
  });
});
