// Request and response schemas of the inventory routes, shared with clients.
import { Type, type Static } from "@sinclair/typebox";
import { Nullable, Page, Timestamp, Uuid } from "./common";

/** Warehouse and shelf codes: what is printed on labels, so no spaces and nothing exotic. */
export const Code = Type.String({
  minLength: 1,
  maxLength: 32,
  pattern: "^[A-Za-z0-9][A-Za-z0-9._-]*$",
  description: "1..32 letters, digits, '.', '_' or '-'; compared exactly (case-sensitive)",
});

/** Largest change one request may make; larger moves are several receipts, which the ledger shows. */
export const MAX_STOCK_DELTA = 1_000_000;

export const CreateWarehouseBody = Type.Object({
  code: Code,
  name: Type.String({ minLength: 1, maxLength: 200, pattern: "\\S", description: "display name" }),
}, { additionalProperties: false });
export type CreateWarehouseBody = Static<typeof CreateWarehouseBody>;

export const Warehouse = Type.Object(
  { id: Uuid, code: Type.String(), name: Type.String(), active: Type.Boolean() },
  { description: "A warehouse" },
);
export type Warehouse = Static<typeof Warehouse>;

export const WarehouseSummary = Type.Object({
  id: Uuid,
  code: Type.String(),
  name: Type.String(),
  active: Type.Boolean(),
  shelfCount: Type.Integer({ minimum: 0, description: "shelves in this warehouse" }),
});
export type WarehouseSummary = Static<typeof WarehouseSummary>;

export const WarehousePage = Page(WarehouseSummary, "Warehouses ordered by code");
export type WarehousePage = Static<typeof WarehousePage>;

export const CreateShelfBody = Type.Object({ code: Code }, { additionalProperties: false });
export type CreateShelfBody = Static<typeof CreateShelfBody>;

export const Shelf = Type.Object({ id: Uuid, warehouseId: Uuid, code: Type.String() }, { description: "A shelf" });
export type Shelf = Static<typeof Shelf>;

export const ShelfPage = Page(Shelf, "A warehouse's shelves ordered by code");
export type ShelfPage = Static<typeof ShelfPage>;

export const ShelfStockBody = Type.Object({
  productId: Uuid,
  delta: Type.Integer({
    minimum: -MAX_STOCK_DELTA,
    maximum: MAX_STOCK_DELTA,
    description: "non-zero: positive puts units on the shelf (RECEIPT), negative takes them off (ADJUSTMENT)",
  }),
  reason: Type.String({ minLength: 1, maxLength: 200, pattern: "\\S", description: "why, for the ledger" }),
}, { additionalProperties: false });
export type ShelfStockBody = Static<typeof ShelfStockBody>;

export const ShelfStockChange = Type.Object(
  {
    shelfId: Uuid,
    productId: Uuid,
    shelfQuantity: Type.Integer({ minimum: 0, description: "units of the product on this shelf now" }),
    warehouse: Type.Object({
      id: Uuid,
      onHand: Type.Integer({ minimum: 0 }),
      reserved: Type.Integer({ minimum: 0 }),
    }),
    movementId: Type.Integer({ description: "the ledger row written for this change" }),
  },
  { description: "The shelf and warehouse levels after the change" },
);
export type ShelfStockChange = Static<typeof ShelfStockChange>;

export const MovementKind = Type.Union([
  Type.Literal("RECEIPT"),
  Type.Literal("ADJUSTMENT"),
  Type.Literal("RESERVE"),
  Type.Literal("RELEASE"),
  Type.Literal("SHIP"),
  Type.Literal("RETURN"),
  Type.Literal("QUARANTINE"),
]);
export type MovementKind = Static<typeof MovementKind>;

export const Movement = Type.Object({
  id: Type.Integer({ description: "ledger position; higher is newer" }),
  productId: Uuid,
  warehouseId: Uuid,
  shelfId: Nullable(Uuid),
  kind: MovementKind,
  delta: Type.Integer({ description: "change of on hand (0 when only reserved changed)" }),
  onHandBefore: Type.Integer(),
  onHandAfter: Type.Integer(),
  reservedBefore: Type.Integer(),
  reservedAfter: Type.Integer(),
  quarantineDelta: Type.Integer({ description: "change of quarantined units (QUARANTINE rows: returned goods put aside); 0 on every other row" }),
  reason: Type.String(),
  actorId: Nullable(Uuid),
  correlationId: Type.String({ description: "request id, order id or repair run" }),
  createdAt: Timestamp,
});
export type Movement = Static<typeof Movement>;

export const MovementPage = Page(Movement, "A product's stock ledger, newest first");
export type MovementPage = Static<typeof MovementPage>;

export const ProductStock = Type.Object(
  {
    productId: Uuid,
    warehouses: Type.Array(
      Type.Object({
        warehouseId: Uuid,
        code: Type.String(),
        name: Type.String(),
        onHand: Type.Integer(),
        reserved: Type.Integer(),
        free: Type.Integer({ description: "on hand - reserved" }),
        quarantined: Type.Integer({ description: "returned units put aside: on no shelf, not in on hand, never sellable" }),
        shelves: Type.Array(Type.Object({ shelfId: Uuid, code: Type.String(), quantity: Type.Integer() })),
      }),
    ),
  },
  { description: "A product's stock per warehouse and per shelf (warehouses by code)" },
);
export type ProductStock = Static<typeof ProductStock>;

export const QuarantineReleaseBody = Type.Object(
  {
    warehouseId: Uuid,
    quantity: Type.Integer({ minimum: 1, maximum: MAX_STOCK_DELTA }),
    to: Type.Union([Uuid, Type.Literal("WRITE_OFF")], { description: "a shelf of the same warehouse (sellable again), or WRITE_OFF (gone for good)" }),
    reason: Type.String({ minLength: 1, maxLength: 200, pattern: "\\S", description: "why, for the ledger" }),
  },
  { additionalProperties: false, description: "Units leaving quarantine after inspection" },
);
export type QuarantineReleaseBody = Static<typeof QuarantineReleaseBody>;

export const ViolationKind = Type.Union([
  Type.Literal("ON_HAND_MISMATCH"),
  Type.Literal("RESERVED_MISMATCH"),
  Type.Literal("NEGATIVE_QUANTITY"),
  Type.Literal("QUARANTINE_MISMATCH"),
]);
export type ViolationKind = Static<typeof ViolationKind>;

export const Violation = Type.Object({
  kind: ViolationKind,
  productId: Uuid,
  warehouseId: Uuid,
  shelfId: Type.Optional(Uuid),
  expected: Type.Integer({ description: "what the source of truth says (shelf sum, open allocations, the ledger's quarantine changes, or 0)" }),
  actual: Type.Integer({ description: "what the stored counter says" }),
});
export type Violation = Static<typeof Violation>;

export const QuarantineTotals = Type.Object(
  {
    units: Type.Integer({ minimum: 0, description: "returned units put aside, in every warehouse" }),
    levels: Type.Integer({ minimum: 0, description: "(product, warehouse) pairs holding any" }),
  },
  { description: "Quarantined stock, counted apart from on hand (never sellable)" },
);
export type QuarantineTotals = Static<typeof QuarantineTotals>;

export const InvariantReport = Type.Object(
  { ok: Type.Boolean(), checkedAt: Timestamp, violations: Type.Array(Violation), quarantine: QuarantineTotals },
  {
    description:
      "Stock invariants: on hand = shelves, reserved = open allocations, quarantined = the ledger's quarantine changes, nothing negative; quarantine counted apart",
  },
);
export type InvariantReport = Static<typeof InvariantReport>;

export const RepairReport = Type.Object(
  {
    ok: Type.Boolean({ description: "true when no violation remains after the repair" }),
    correlationId: Type.String({ description: "the ledger rows of this repair carry it" }),
    repaired: Type.Array(Violation),
    remaining: Type.Array(Violation),
    movementIds: Type.Array(Type.Integer()),
  },
  { description: "What an invariant repair corrected, with the ledger rows it wrote" },
);
export type RepairReport = Static<typeof RepairReport>;
