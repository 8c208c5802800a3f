/**
 * N11 returns against the sandbox: a claim the control route opens for a delivered package is
 * listed by pullClaims, approved with exactly one call (observed applied, a second approve
 * refused and counted, nothing changed), rejected with the store's reason; the sandbox answers
 * in the fixtures' XML shape and refuses what the manual forbids.
 */
import { describe, expect, test } from "bun:test";
import { fixture, xmlMismatches } from "@pazarsync/marketplace-fixtures";
import { n11Paths } from "../../src/domains/marketplace/n11/facts";
import { soapEnvelope } from "../../src/domains/marketplace/n11/soap";
import type { OrderCommand, OrderCommandPort } from "../../src/domains/marketplace/order-commands";
import { N11_ACCOUNT, n11AdapterFor, n11Sandbox } from "./n11-support";

const control = (url: string, what: string, body?: unknown) =>
  fetch(`${url}/__sandbox/marketplaces/n11/${N11_ACCOUNT.account}/${what}`, body === undefined ? {} : { method: "POST", body: JSON.stringify(body) });

/** An order whose package was delivered, and a claim of 2 units of its first line. */
async function claimed(url: string) {
  const placed = (await (await control(url, "orders", { lines: [{ code: "SKU-1", quantity: 3, unitPrice: 9990 }] })).json()) as { id: string; payload: { id: string; lines: { orderLineId: number }[] } };
  expect((await control(url, "package-status", { packageId: placed.payload.id, status: "Delivered" })).status).toBe(200);
  const res = await control(url, "claim", { orderNumber: placed.id, quantity: 2 });
  expect(res.status).toBe(201);
  const claim = (await res.json()) as { claimReturnId: number };
  return { orderNumber: placed.id, claimId: String(claim.claimReturnId) };
}

async function stateOf(url: string, orderNumber: string) {
  return (await (await control(url, `order-state?orderNumber=${orderNumber}`)).json()) as { claims: { claimReturnId: string; status: string; quantity: number }[]; commandCalls: Record<string, number> };
}

function portOf(target: { url: string }, returnDenyReasonId?: number): OrderCommandPort {
  const port = n11AdapterFor(target, returnDenyReasonId ? { returnDenyReasonId } : {}).adapter.orderCommands;
  if (!port?.pullClaims) throw new Error("no claims");
  return port;
}

const soap = (url: string, operation: string, fields: string, key = N11_ACCOUNT.key) =>
  fetch(`${url}${n11Paths.returnService}`, { method: "POST", headers: { "content-type": "text/xml; charset=utf-8" }, body: soapEnvelope(operation, key, N11_ACCOUNT.secret, fields) });

describe("N11 returns against the sandbox", () => {
  test("a claim opened by the control route is pulled, approved with exactly one call, and observed applied", async () => {
    const target = await n11Sandbox();
    const { orderNumber, claimId } = await claimed(target.url);
    const port = portOf(target);
    const now = Date.now();
    const page = await port.pullClaims?.({ since: new Date(now - 86_400_000), until: new Date(now + 60_000) });
    expect(page?.next).toBeNull();
    expect(page?.claims.map((c) => [c.claimId, c.orderNumber, c.state, c.marketplaceStatus, c.lines[0]?.quantity])).toEqual([[claimId, orderNumber, "OPEN", "REQUESTED", 2]]);

    const approve: OrderCommand = { kind: "APPROVE_RETURN", claim: { claimId, orderNumber, claimLineIds: [claimId] } };
    expect(await port.observe(approve)).toBe("NOT_APPLIED");
    expect(await port.send(approve)).toEqual({ outcome: "CONFIRMED", reference: claimId });
    expect(await port.observe(approve)).toBe("APPLIED");
    const held = await stateOf(target.url, orderNumber);
    expect(held.commandCalls).toEqual({ APPROVE_RETURN: 1 });
    expect(held.claims).toEqual([{ claimReturnId: claimId, status: "APPROVED", quantity: 2 }]);
    // A decided claim cannot be answered again: refused, still approved.
    await expect(port.send({ kind: "REJECT_RETURN", claim: approve.claim, reason: "geç" })).rejects.toMatchObject({ code: "MARKETPLACE_REJECTED" });
    expect((await stateOf(target.url, orderNumber)).claims[0]?.status).toBe("APPROVED");
    expect(await port.observe({ kind: "REJECT_RETURN", claim: approve.claim, reason: "geç" })).toBe("PASSED");
  });

  test("REJECT_RETURN denies with the store's reason, once; the claim shows DENIED", async () => {
    const target = await n11Sandbox();
    const { orderNumber, claimId } = await claimed(target.url);
    const port = portOf(target, 41);
    const reject: OrderCommand = { kind: "REJECT_RETURN", claim: { claimId, orderNumber, claimLineIds: [claimId] }, reason: "Ürün depoya ulaşmadı" };
    expect((await port.send(reject)).outcome).toBe("CONFIRMED");
    expect(await port.observe(reject)).toBe("APPLIED");
    const held = await stateOf(target.url, orderNumber);
    expect(held.commandCalls).toEqual({ REJECT_RETURN: 1 });
    expect(held.claims[0]?.status).toBe("DENIED");
  });

  test("the control route opens claims only for delivered lines", async () => {
    const target = await n11Sandbox();
    const placed = (await (await control(target.url, "orders", { lines: [{ code: "SKU-1", quantity: 1, unitPrice: 100 }] })).json()) as { id: string };
    expect((await control(target.url, "claim", { orderNumber: placed.id })).status).toBe(409);
    expect((await stateOf(target.url, placed.id)).claims).toEqual([]);
  });

  test("the sandbox answers in the fixtures' XML shape and refuses what the manual forbids", async () => {
    const target = await n11Sandbox();
    const { orderNumber, claimId } = await claimed(target.url);
    const listFixture = fixture("n11", "claims-list").exchanges[0]?.response.bodyText ?? "";
    const byOrder = `<searchData><status>ALL</status><executer></executer><searchInfoType>ORDERID</searchInfoType><searchQuery>${orderNumber}</searchQuery><period><startDate></startDate><endDate></endDate></period></searchData><pagingData><currentPage>0</currentPage></pagingData>`;
    const listed = await soap(target.url, "ClaimReturnList", byOrder);
    expect(listed.headers.get("content-type")).toContain("text/xml");
    expect(xmlMismatches(listFixture, await listed.text(), "answered")).toEqual([]);
    // CAMPAIGN with a tracking number: the manual says the shipment fields stay empty.
    const deny = await soap(target.url, "ClaimReturnDeny", `<claimReturnId>${claimId}</claimReturnId><denyReasonId>2</denyReasonId><denyReasonNote>x</denyReasonNote><returnShipmentType>CAMPAIGN</returnShipmentType><trackingNumber>123</trackingNumber>`);
    const denied = await deny.text();
    expect(denied).toContain("<status>failure</status>");
    expect(xmlMismatches(fixture("n11", "claims-approve").exchanges[1]?.response.bodyText ?? "", denied.replace("ClaimReturnDenyResponse", "ClaimReturnApproveResponse").replace("ClaimReturnDenyResponse", "ClaimReturnApproveResponse"), "answered")).toEqual([]);
    const approved = await (await soap(target.url, "ClaimReturnApprove", `<claimReturnId>${claimId}</claimReturnId>`)).text();
    expect(xmlMismatches(fixture("n11", "claims-approve").exchanges[0]?.response.bodyText ?? "", approved, "answered")).toEqual([]);
    expect(await (await soap(target.url, "ClaimReturnApprove", `<claimReturnId>${claimId}</claimReturnId>`, "wrong-key")).text()).toContain("<status>failure</status>");
    expect((await stateOf(target.url, orderNumber)).commandCalls).toEqual({ REJECT_RETURN: 1, APPROVE_RETURN: 1 });
  });
});
