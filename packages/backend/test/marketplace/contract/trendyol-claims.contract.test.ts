/**
 * Trendyol returns and the common label against the evidence fixtures: the claim list read and
 * normalised, approve, the rejection request (only the reasons that need no files), observe on a
 * claim, and the common label (package read -> create -> ZPL).
 */
import { describe, expect, test } from "bun:test";
import { type Exchange, fixture, serveFixtures } from "@pazarsync/marketplace-fixtures";
import type { ClaimTarget } from "../../../src/domains/marketplace/order-commands";
import { createTrendyolAdapter } from "../../../src/domains/marketplace/trendyol/adapter";
import { MarketplaceCommandIncomplete } from "../../../src/domains/marketplace/errors";
import type { ApiCall } from "../../../src/domains/marketplace/types";

const SELLER = "123";
const CLAIM_ID = "f9da2317-876b-4b86-b8f7-0535c3b65731";
const UNIT = "b71461e3-d1a0-4c1d-9a6d-18ecbcb5158c";
const claim: ClaimTarget = { claimId: CLAIM_ID, orderNumber: "65745805", claimLineIds: [UNIT] };

function portOn(fetch: typeof globalThis.fetch, calls: ApiCall[] = []) {
  const adapter = createTrendyolAdapter({ baseUrl: "https://apigw.trendyol.com", sellerId: SELLER, apiKey: "k", apiSecret: "s", fetch, onCall: (c) => calls.push(c) });
  if (!adapter.orderCommands?.pullClaims || !adapter.orderCommands.label) throw new Error("the Trendyol port lacks claims or labels");
  return { ...adapter.orderCommands, pullClaims: adapter.orderCommands.pullClaims, label: adapter.orderCommands.label };
}

/** The claims-list exchange with its one claim's unit in another status. */
function claimIn(status: string): Exchange {
  const exchange = fixture("trendyol", "claims-list").exchanges[0] as Exchange;
  const body = structuredClone(exchange.response.body) as { content: { items: { claimItems: { claimItemStatus: { name: string } }[] }[] }[] };
  for (const item of body.content[0]?.items ?? []) for (const unit of item.claimItems) unit.claimItemStatus.name = status;
  return { request: exchange.request, response: { ...exchange.response, body } };
}

describe("Trendyol claims", () => {
  test("the list is read by creation window, page 0 and size 50, logged GET_CLAIMS; a claim becomes a NormalisedClaim with one line per unit", async () => {
    const server = serveFixtures(fixture("trendyol", "claims-list"));
    const calls: ApiCall[] = [];
    const since = new Date("2026-12-01T00:00:00Z");
    const until = new Date("2026-12-06T00:00:00Z");
    const page = await portOn(server.fetch, calls).pullClaims({ since, until });
    expect(server.mismatches).toEqual([]);
    expect(Object.fromEntries(server.sent[0]?.url.searchParams ?? [])).toEqual({ startDate: String(since.getTime()), endDate: String(until.getTime()), page: "0", size: "50" });
    expect(calls.map((c) => c.callType)).toEqual(["GET_CLAIMS"]);
    expect(page.next).toBeNull();
    expect(page.claims.map(({ raw: _raw, ...rest }) => rest)).toEqual([
      {
        claimId: CLAIM_ID,
        orderNumber: "65745805",
        state: "OPEN",
        marketplaceStatus: "WaitingInAction",
        lines: [{ claimLineId: UNIT, lineId: "28717254", barcode: "99999999999", quantity: 1, reason: "Diğer" }],
        lastModifiedAt: new Date(1_723_275_767_111).toISOString(),
      },
    ]);
  });

  test("a claim's state follows its units: Accepted or WaitingFraudCheck APPROVED, Rejected or Unresolved REJECTED, Cancelled OTHER", async () => {
    const states: Record<string, string> = {};
    for (const status of ["WaitingFraudCheck", "Accepted", "Rejected", "Unresolved", "Cancelled", "Created"]) {
      const server = serveFixtures([claimIn(status)]);
      const page = await portOn(server.fetch).pullClaims({ since: new Date(0), until: new Date() });
      states[status] = page.claims[0]?.state ?? "none";
    }
    expect(states).toEqual({ WaitingFraudCheck: "APPROVED", Accepted: "APPROVED", Rejected: "REJECTED", Unresolved: "REJECTED", Cancelled: "OTHER", Created: "OPEN" });
  });

  test("approve sends the claim's unit ids; CONFIRMED", async () => {
    const server = serveFixtures(fixture("trendyol", "claim-approve"));
    expect(await portOn(server.fetch).send({ kind: "APPROVE_RETURN", claim })).toEqual({ outcome: "CONFIRMED", reference: CLAIM_ID });
    expect(server.mismatches).toEqual([]);
    expect(JSON.parse(server.sent[0]?.body ?? "")).toEqual({ claimLineItemIdList: [UNIT], params: {} });
  });

  test("a rejection request names a reason that needs no files (here 451) in the query; any other reason is refused before a call", async () => {
    const server = serveFixtures(fixture("trendyol", "claim-issue"));
    const port = portOn(server.fetch);
    expect(await port.send({ kind: "REJECT_RETURN", claim, reason: "451 ürün analize gönderilecek" })).toEqual({ outcome: "ACCEPTED", reference: CLAIM_ID });
    expect(server.mismatches).toEqual([]);
    expect(Object.fromEntries(server.sent[0]?.url.searchParams ?? [])).toEqual({ claimIssueReasonId: "451", claimItemIdList: UNIT, description: "ürün analize gönderilecek" });
    expect(server.sent[0]?.body).toBeFalsy();
    const refused = await port.send({ kind: "REJECT_RETURN", claim, reason: "2003 kullanılmış ürün" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(MarketplaceCommandIncomplete);
    expect(server.sent.length).toBe(1);
  });

  test("observe reads the claim by id: waiting NOT_APPLIED; approve APPLIED once accepted; a rejection APPLIED once Unresolved, PASSED when accepted", async () => {
    const seen = async (kind: "APPROVE_RETURN" | "REJECT_RETURN", status: string) => {
      const server = serveFixtures([claimIn(status)]);
      const result = await portOn(server.fetch).observe(kind === "APPROVE_RETURN" ? { kind, claim } : { kind, claim, reason: "451" });
      expect(Object.fromEntries(server.sent[0]?.url.searchParams ?? [])).toEqual({ claimIds: CLAIM_ID });
      return result;
    };
    expect(await seen("APPROVE_RETURN", "WaitingInAction")).toBe("NOT_APPLIED");
    expect(await seen("APPROVE_RETURN", "WaitingFraudCheck")).toBe("APPLIED");
    expect(await seen("APPROVE_RETURN", "Rejected")).toBe("PASSED");
    expect(await seen("REJECT_RETURN", "Unresolved")).toBe("APPLIED");
    expect(await seen("REJECT_RETURN", "Accepted")).toBe("PASSED");
  });
});

describe("Trendyol claims read again by id", () => {
  test("readClaim asks getClaims for the one claimId (logged GET_CLAIMS) and answers its status now; an id not listed answers undefined", async () => {
    const calls: ApiCall[] = [];
    const server = serveFixtures([claimIn("Accepted")]);
    const port = portOn(server.fetch, calls);
    const read = await port.readClaim?.(CLAIM_ID);
    expect(server.mismatches).toEqual([]);
    expect(Object.fromEntries(server.sent[0]?.url.searchParams ?? [])).toEqual({ claimIds: CLAIM_ID });
    expect(calls.map((c) => c.callType)).toEqual(["GET_CLAIMS"]);
    expect(read).toMatchObject({ claimId: CLAIM_ID, orderNumber: "65745805", state: "APPROVED", marketplaceStatus: "Accepted", lines: [{ claimLineId: UNIT, quantity: 1 }] });
    const other = serveFixtures([claimIn("Accepted")]);
    expect(await portOn(other.fetch).readClaim?.("0f0f0f0f-0000-0000-0000-000000000000")).toBeUndefined();
  });
});

describe("Trendyol common label and the invoice after a lost answer", () => {
  test("the label: the package's cargo tracking number, the ZPL request, then the ZPL", async () => {
    const server = serveFixtures(fixture("trendyol", "package-read"), fixture("trendyol", "common-label-create"), fixture("trendyol", "common-label-get"));
    const label = await portOn(server.fetch).label({ orderNumber: "TEST-30", packageId: "3330111112", lines: [] });
    expect(server.mismatches).toEqual([]);
    expect(server.sent[1]?.url.pathname).toBe(`/integration/sellers/${SELLER}/common-label/7280027504111111`);
    expect(JSON.parse(server.sent[1]?.body ?? "")).toEqual({ format: "ZPL" });
    expect(new TextDecoder().decode(label.body)).toBe("^XA^FO50,50^FDTEST^FS^XZ");
  });

  test("Invoiced refused while the package already shows Invoiced (an earlier send went through): the link is still sent", async () => {
    const read = fixture("trendyol", "package-read").exchanges[0] as Exchange;
    const body = structuredClone(read.response.body) as { content: Record<string, unknown>[] };
    body.content = body.content.map((p) => ({ ...p, status: "Invoiced", shipmentPackageStatus: "Invoiced" }));
    const server = serveFixtures(fixture("trendyol", "package-status-invoiced.refused"), [{ request: read.request, response: { ...read.response, body } }], fixture("trendyol", "invoice-link"));
    const target = { orderNumber: "TEST-30", packageId: "3330111112", lines: [{ lineId: "4765111112", barcode: "8683772071724", quantity: 1 }] };
    const result = await portOn(server.fetch).send({ kind: "INVOICE", target, invoiceNumber: "EME2018000025208", invoiceLink: "https://invoices.example.com/2.pdf" });
    expect(result.outcome).toBe("CONFIRMED");
    expect(server.mismatches).toEqual([]);
    expect(server.remaining()).toBe(0);
  });
});
