/**
 * Control routes for Trendyol's way back, beside the order control routes:
 *   GET  /__sandbox/sellers/{id}/order-state/{orderNumber}  per package: status, invoice number and link, cargo
 *        tracking number, lines; the order's claims (unit statuses); and `commandCalls`, how many way-back calls
 *        naming the order were received per kind (refused ones included), for "exactly once" / "no call made"
 *   POST /__sandbox/sellers/{id}/orders/{packageId}/claim   { lines?: [{ lineId, quantity }], status? } a return of a
 *        Delivered package (every unit when no lines), WaitingInAction unless told: it reached the seller -> 201 the claim
 *   POST /__sandbox/sellers/{id}/claims/{claimId}/status     { status } Trendyol's own move of every unit (fraud check done,
 *        a rejection decided)
 */
import { Type } from "@sinclair/typebox";
import { Elysia } from "elysia";
import { SellerParams } from "./control-body";
import { problem, toResponse } from "./reply";
import type { SandboxState } from "./state";
import { claimPayload, type ClaimItemStatus } from "./trendyol-claims";

const CLAIM_STATUSES: ClaimItemStatus[] = ["Created", "WaitingInAction", "WaitingFraudCheck", "Accepted", "Rejected", "Unresolved", "Cancelled", "InAnalysis"];
const ClaimStatus = Type.Union(CLAIM_STATUSES.map((s) => Type.Literal(s)));

const ClaimBody = Type.Object(
  {
    lines: Type.Optional(
      Type.Array(Type.Object({ lineId: Type.Integer({ minimum: 1 }), quantity: Type.Integer({ minimum: 1, maximum: 9999 }) }, { additionalProperties: false }), {
        minItems: 1,
        maxItems: 100,
      }),
    ),
    status: Type.Optional(ClaimStatus),
  },
  { additionalProperties: false },
);

const PackageParams = Type.Object({ sellerId: SellerParams.properties.sellerId, packageId: Type.String({ pattern: "^[0-9]+$" }) });
const OrderParams = Type.Object({ sellerId: SellerParams.properties.sellerId, orderNumber: Type.String({ minLength: 1, maxLength: 64 }) });
const ClaimParams = Type.Object({ sellerId: SellerParams.properties.sellerId, claimId: Type.String({ pattern: "^[0-9a-f-]{1,64}$" }) });

export function trendyolCommandControl(state: SandboxState) {
  return new Elysia({ prefix: "/sellers/:sellerId" })
    .onBeforeHandle(({ params }) => {
      const { sellerId } = params as { sellerId: string };
      if (!state.sellers.has(sellerId)) return toResponse(problem(404, "NOT_FOUND", `No seller ${sellerId} in the sandbox`));
    })
    .get(
      "/order-state/:orderNumber",
      ({ params }) => ({
        orderNumber: params.orderNumber,
        packages: state.trendyolOrders.ofOrder(params.sellerId, params.orderNumber).map((p) => ({
          shipmentPackageId: p.packageId,
          status: p.status,
          invoiceNumber: p.invoiceNumber ?? null,
          invoiceLink: p.invoiceLink ?? null,
          cargoTrackingNumber: p.cargoTrackingNumber,
          unsuppliedReasonId: p.unsuppliedReasonId ?? null,
          lines: p.lines.map((line) => ({ lineId: line.lineId, barcode: line.barcode, quantity: line.quantity })),
        })),
        claims: state.trendyolClaims.ofOrder(params.sellerId, params.orderNumber).map((c) => ({
          claimId: c.claimId,
          units: c.lines.flatMap((line) => line.units.map((unit) => ({ id: unit.id, lineId: line.lineId, status: unit.status }))),
        })),
        commandCalls: state.trendyolCommandCalls.of(params.sellerId, params.orderNumber),
      }),
      { params: OrderParams },
    )
    .post(
      "/orders/:packageId/claim",
      ({ params, body }) => {
        const pkg = state.trendyolOrders.find(params.sellerId, Number(params.packageId));
        if (!pkg) return toResponse(problem(404, "NOT_FOUND", `No package ${params.packageId}`));
        const claim = state.trendyolClaims.create(pkg, body.lines, body.status ?? "WaitingInAction", state.now());
        return toResponse(typeof claim === "string" ? problem(409, "NOT_RETURNABLE", claim) : { status: 201, body: claimPayload(claim) });
      },
      { params: PackageParams, body: ClaimBody, parse: "json" },
    )
    .post(
      "/claims/:claimId/status",
      ({ params, body }) => {
        const claim = state.trendyolClaims.find(params.sellerId, params.claimId);
        if (!claim) return toResponse(problem(404, "NOT_FOUND", `No claim ${params.claimId}`));
        state.trendyolClaims.setStatus(claim, body.status, state.now());
        return claimPayload(claim);
      },
      { params: ClaimParams, body: Type.Object({ status: ClaimStatus }, { additionalProperties: false }), parse: "json" },
    );
}
