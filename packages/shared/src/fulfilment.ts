// Request and response schemas of the fulfilment routes (the pick list), shared with clients.
import { Type, type Static } from "@sinclair/typebox";
import { Nullable, Timestamp, Uuid } from "./common";

export const PickListQuery = Type.Object({
  warehouseId: Type.String({ pattern: Uuid.pattern, maxLength: 36, description: "the warehouse to pick in" }),
});
export type PickListQuery = Static<typeof PickListQuery>;

export const PickedOrder = Type.Object(
  {
    orderId: Uuid,
    number: Type.Integer({ description: "the order's human-facing number" }),
    storeId: Uuid,
    externalOrderId: Nullable(Type.String({ description: "the marketplace's order id" })),
    dispatchBy: Nullable(Timestamp),
    quantity: Type.Integer({ minimum: 1, description: "units of the product this order takes from this shelf" }),
  },
  { description: "An order a shelf line serves" },
);
export type PickedOrder = Static<typeof PickedOrder>;

export const PickLine = Type.Object(
  {
    productId: Uuid,
    sku: Type.String(),
    name: Type.String(),
    quantity: Type.Integer({ minimum: 1, description: "units to take of the product from this shelf" }),
    orders: Type.Array(PickedOrder, { description: "the orders they serve, soonest dispatch deadline first" }),
  },
  { description: "So many units of one product (a set's components, never the set) to take from a shelf" },
);
export type PickLine = Static<typeof PickLine>;

export const PickShelf = Type.Object(
  {
    shelfId: Uuid,
    shelfCode: Type.String(),
    lines: Type.Array(PickLine, { description: "by SKU" }),
  },
  { description: "One shelf to visit" },
);
export type PickShelf = Static<typeof PickShelf>;

export const PickTotal = Type.Object(
  {
    productId: Uuid,
    sku: Type.String(),
    name: Type.String(),
    quantity: Type.Integer({ minimum: 1, description: "units the open orders hold reserved in this warehouse" }),
    shelves: Type.Array(
      Type.Object({ shelfId: Uuid, shelfCode: Type.String(), quantity: Type.Integer({ minimum: 1 }) }),
      { description: "where they are taken from, in the order the ship step takes them: largest shelf first, ties by shelf id" },
    ),
    unshelved: Type.Integer({ minimum: 0, description: "units no shelf holds (the shelves hold less than is reserved: a stock count is due); normally 0" }),
  },
  { description: "One product's total over the pick list" },
);
export type PickTotal = Static<typeof PickTotal>;

export const PickList = Type.Object(
  {
    warehouseId: Uuid,
    warehouseCode: Type.String(),
    generatedAt: Timestamp,
    orders: Type.Integer({ minimum: 0, description: "open orders with stock reserved in this warehouse" }),
    shelves: Type.Array(PickShelf, { description: "by shelf code" }),
    products: Type.Array(PickTotal, { description: "by SKU" }),
  },
  {
    description:
      "What the open orders (CREATED, CONFIRMED, PICKING, INVOICED) hold reserved in a warehouse, by shelf: the shelves the ship step would take it from as they stand now. An order's units are placed on the shelves in dispatch-deadline order (no deadline last, then by number), so the order shipped first is shown the very shelves ship takes for it",
  },
);
export type PickList = Static<typeof PickList>;
