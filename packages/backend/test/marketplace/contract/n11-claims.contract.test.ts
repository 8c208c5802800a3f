/**
 * N11's returns against the evidence fixtures (SOAP ReturnService, manual v5.2): the claims list
 * by request-day window and by order number, approve and deny, each envelope as the source shows
 * it, the answers read into claims and outcomes; a `failure` result is a refusal.
 */
import { describe, expect, test } from "bun:test";
import { type Exchange, fixture, serveFixtures } from "@pazarsync/marketplace-fixtures";
import { MarketplaceRejected } from "../../../src/domains/marketplace/errors";
import { createN11Adapter } from "../../../src/domains/marketplace/n11/adapter";
import { parseXml } from "../../../src/domains/marketplace/n11/xml";
import type { CommandObservation } from "../../../src/domains/marketplace/order-commands";
import type { ApiCall } from "../../../src/domains/marketplace/types";

function portOn(server: { fetch: typeof fetch }, calls: ApiCall[] = [], returnDenyReasonId?: number) {
  const port = createN11Adapter({ appKey: "key-1", appSecret: "secret-1", fetch: server.fetch, timeoutMs: 5_000, onCall: (call) => calls.push(call), ...(returnDenyReasonId ? { returnDenyReasonId } : {}) }).orderCommands;
  if (!port?.pullClaims) throw new Error("no claims");
  return port as typeof port & { pullClaims: NonNullable<typeof port.pullClaims> };
}

const exchange = (name: string, index = 0) => fixture("n11", name).exchanges[index] as Exchange;
/** The list answer with its claim's status set to `status`. */
const listed = (status: string): Exchange => {
  const base = exchange("claims-list");
  return { ...base, response: { ...base.response, bodyText: (base.response.bodyText ?? "").replace("<status>REQUESTED</status>", `<status>${status}</status>`) } };
};
const fieldOf = (body: string | undefined, path: string[]) => {
  let at = parseXml(body ?? "");
  for (const name of path) at = at?.children.find((c) => c.name === name);
  return at?.text;
};
const claim = { claimId: "12345", orderNumber: "123456789", claimLineIds: ["12345"] };

describe("N11 returns against the sources", () => {
  test("pullClaims searches every status by request day (Turkish calendar), reads the claim and its paging", async () => {
    const server = serveFixtures(fixture("n11", "claims-list"));
    const calls: ApiCall[] = [];
    // 15/09 22:00 UTC is already 16/09 in Turkey.
    const page = await portOn(server, calls).pullClaims({ since: new Date("2019-09-15T22:00:00Z"), until: new Date("2019-09-17T12:00:00Z") });
    expect(server.mismatches).toEqual([]);
    const body = server.sent[0]?.body;
    const search = ["Body", "ClaimReturnListRequest", "searchData"];
    expect([fieldOf(body, [...search, "status"]), fieldOf(body, [...search, "period", "startDate"]), fieldOf(body, [...search, "period", "endDate"])]).toEqual(["ALL", "16/09/2019", "17/09/2019"]);
    expect(fieldOf(body, ["Body", "ClaimReturnListRequest", "auth", "appKey"])).toBe("key-1");
    expect(server.sent[0]?.url.pathname).toBe("/ws/returnService/");
    expect(page.next).toBeNull();
    expect(page.claims).toHaveLength(1);
    expect(page.claims[0]).toMatchObject({
      claimId: "12345",
      orderNumber: "123456789",
      state: "OPEN",
      marketplaceStatus: "REQUESTED",
      lines: [{ claimLineId: "12345", barcode: "", quantity: 1, reason: "Farklı ürün ulaştı: deneme" }],
      // requestDate 16/09/2019, a Turkish day: 15/09 21:00 UTC.
      lastModifiedAt: "2019-09-15T21:00:00.000Z",
    });
    expect(calls.map((c) => [c.callType, c.httpStatus])).toEqual([["GET_CLAIMS", 200]]);
  });

  test("APPROVE_RETURN sends ClaimReturnApprove with claimReturnId and is confirmed by result success", async () => {
    const server = serveFixtures([exchange("claims-approve", 0)]);
    const calls: ApiCall[] = [];
    const port = portOn(server, calls);
    expect(port.support("APPROVE_RETURN")).toEqual({ supported: true, repeatSafe: false, partial: false, requires: [] });
    expect(await port.send({ kind: "APPROVE_RETURN", claim })).toEqual({ outcome: "CONFIRMED", reference: "12345" });
    expect(server.mismatches).toEqual([]);
    expect(fieldOf(server.sent[0]?.body, ["Body", "ClaimReturnApproveRequest", "claimReturnId"])).toBe("12345");
    expect(calls.map((c) => [c.callType, c.httpStatus])).toEqual([["ORDER_COMMAND", 200]]);
  });

  test("a failure result is a refusal with N11's message", async () => {
    const server = serveFixtures([exchange("claims-approve", 1)]);
    const refused = portOn(server).send({ kind: "APPROVE_RETURN", claim });
    await expect(refused).rejects.toBeInstanceOf(MarketplaceRejected);
    await expect(refused).rejects.toMatchObject({ reasons: ["İade talebi bulunamadı"], permanent: true });
    expect(server.mismatches).toEqual([]);
  });

  test("REJECT_RETURN sends ClaimReturnDeny with the store's reason id, the staff's note and CAMPAIGN", async () => {
    const server = serveFixtures(fixture("n11", "claims-reject"));
    const answer = await portOn(server).send({ kind: "REJECT_RETURN", claim, reason: "Kullanılmış <ürün>" });
    expect(server.mismatches).toEqual([]);
    expect(answer.outcome).toBe("CONFIRMED");
    const deny = (name: string) => fieldOf(server.sent[0]?.body, ["Body", "ClaimReturnDenyRequest", name]);
    expect(["claimReturnId", "denyReasonId", "denyReasonNote", "returnShipmentType", "trackingNumber"].map(deny)).toEqual(["12345", "2", "Kullanılmış <ürün>", "CAMPAIGN", ""]);
  });

  test("reason 41 (the product never reached the store) goes without a shipment type", async () => {
    const server = serveFixtures(fixture("n11", "claims-reject"));
    await portOn(server, [], 41).send({ kind: "REJECT_RETURN", claim, reason: "gelmedi" });
    expect(server.mismatches).toEqual([]);
    expect(fieldOf(server.sent[0]?.body, ["Body", "ClaimReturnDenyRequest", "returnShipmentType"])).toBe("");
  });

  test("observe reads the claim by its order number: open, applied, passed", async () => {
    const cases: [string, "APPROVE_RETURN" | "REJECT_RETURN", CommandObservation][] = [
      ["REQUESTED", "APPROVE_RETURN", "NOT_APPLIED"],
      ["APPROVED", "APPROVE_RETURN", "APPLIED"],
      ["DENIED", "REJECT_RETURN", "APPLIED"],
      ["APPROVED", "REJECT_RETURN", "PASSED"],
      ["CANCELLED", "APPROVE_RETURN", "PASSED"],
    ];
    for (const [status, kind, seen] of cases) {
      const server = serveFixtures([listed(status)]);
      const command = kind === "APPROVE_RETURN" ? { kind, claim } : { kind, claim, reason: "x" };
      expect({ status, kind, seen: await portOn(server).observe(command) }).toEqual({ status, kind, seen });
      expect(server.mismatches).toEqual([]);
      expect(fieldOf(server.sent[0]?.body, ["Body", "ClaimReturnListRequest", "searchData", "searchInfoType"])).toBe("ORDERID");
      expect(fieldOf(server.sent[0]?.body, ["Body", "ClaimReturnListRequest", "searchData", "searchQuery"])).toBe("123456789");
    }
    const other = serveFixtures([listed("APPROVED")]);
    expect(await portOn(other).observe({ kind: "APPROVE_RETURN", claim: { ...claim, claimId: "999" } })).toBe("UNKNOWN");
  });
});
