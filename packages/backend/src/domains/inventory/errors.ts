import { Conflict, NotFound, ValidationFailed } from "../../infra/errors";

export class WarehouseNotFound extends NotFound {
  static override readonly code = "WAREHOUSE_NOT_FOUND";
  constructor(warehouseId: string) {
    super("No such warehouse", { warehouseId });
  }
}

export class ShelfNotFound extends NotFound {
  static override readonly code = "SHELF_NOT_FOUND";
  constructor(shelfId: string) {
    super("No such shelf", { shelfId });
  }
}

export class DuplicateWarehouseCode extends Conflict {
  static override readonly code = "DUPLICATE_WAREHOUSE_CODE";
  constructor(code: string) {
    super("A warehouse with this code exists", { code });
  }
}

export class DuplicateShelfCode extends Conflict {
  static override readonly code = "DUPLICATE_SHELF_CODE";
  constructor(warehouseId: string, code: string) {
    super("This warehouse already has a shelf with this code", { warehouseId, code });
  }
}

export class InsufficientStock extends Conflict {
  static override readonly code = "INSUFFICIENT_STOCK";
  constructor(details: { productId: string; shelfId: string; requested: number; available: number }) {
    super("Not enough free stock on this shelf and in its warehouse", details);
  }
}

/** The integer column would overflow: refused rather than a 500. */
export class QuantityOutOfRange extends Conflict {
  static override readonly code = "QUANTITY_OUT_OF_RANGE";
  constructor(details: { productId: string; shelfId: string; quantity?: number }) {
    super("The stock level would exceed the largest storable quantity", { ...details });
  }
}

/** A set's stock is its components' stock; it never lies on a shelf itself. */
export class NotASimpleProduct extends ValidationFailed {
  static override readonly code = "NOT_A_SIMPLE_PRODUCT";
  constructor(productId: string, type: string) {
    super("Only simple products hold stock", { productId, type });
  }
}

export class InvalidQuantity extends ValidationFailed {
  static override readonly code = "INVALID_QUANTITY";
  constructor(productId: string, quantity: number) {
    super("Stock quantities must be positive integers", { productId, quantity });
  }
}

export class InsufficientQuarantine extends Conflict {
  static override readonly code = "INSUFFICIENT_QUARANTINE";
  constructor(details: { productId: string; warehouseId: string; requested: number }) {
    super("Fewer units of this product are in quarantine in this warehouse", details);
  }
}
