import { Stores } from "@pazarsync/shared";
import { Conflict, NotFound, ValidationFailed } from "../../infra/errors";

export class ProductNotFound extends NotFound {
  static override readonly code = "PRODUCT_NOT_FOUND";
  constructor(productId: string) {
    super("No such product", { productId });
  }
}

export class StoreNotFound extends NotFound {
  static override readonly code = "STORE_NOT_FOUND";
  constructor(storeId: string) {
    super("No such store", { storeId });
  }
}

export class DuplicateSku extends Conflict {
  static override readonly code = "DUPLICATE_SKU";
  constructor(sku: string | undefined) {
    super("A product with this SKU exists", { sku });
  }
}

export class DuplicateBarcode extends Conflict {
  static override readonly code = "DUPLICATE_BARCODE";
  constructor(barcode: string | undefined) {
    super("A product with this barcode exists", { barcode });
  }
}

export class TypeImmutable extends ValidationFailed {
  static override readonly code = "TYPE_IMMUTABLE";
  constructor(type: string) {
    super("A product's type cannot change", { type });
  }
}

/** A SIMPLE product is what sits on a shelf; it has no components to speak of. */
export class SimpleWithComponents extends ValidationFailed {
  static override readonly code = "SIMPLE_WITH_COMPONENTS";
  constructor() {
    super("A SIMPLE product cannot have components");
  }
}

export class SetWithoutComponents extends ValidationFailed {
  static override readonly code = "SET_WITHOUT_COMPONENTS";
  constructor() {
    super("A set needs at least one component");
  }
}

export class DuplicateComponent extends ValidationFailed {
  static override readonly code = "DUPLICATE_COMPONENT";
  constructor(productIds: readonly string[]) {
    super("A component is listed more than once", { productIds: [...productIds] });
  }
}

/** Caught before the write when the set's id is known; otherwise by the CHECK constraint, which does not say which. */
export class SetContainsItself extends ValidationFailed {
  static override readonly code = "SET_CONTAINS_ITSELF";
  constructor(productId?: string) {
    super("A set cannot contain itself", productId === undefined ? {} : { productId });
  }
}

/** Caught before the write with the ids; otherwise by the foreign key (a component deleted meanwhile), which does not say which. */
export class UnknownComponent extends ValidationFailed {
  static override readonly code = "UNKNOWN_COMPONENT";
  constructor(productIds?: readonly string[]) {
    super(productIds === undefined ? "A component does not exist" : "Some components do not exist", productIds === undefined ? {} : { productIds: [...productIds] });
  }
}

/** Sets inside sets would make availability recursive. */
export class ComponentNotSimple extends ValidationFailed {
  static override readonly code = "COMPONENT_NOT_SIMPLE";
  constructor(productIds: readonly string[]) {
    super("A set may only contain SIMPLE products", { productIds: [...productIds] });
  }
}

export class StoreTypeDiscontinued extends ValidationFailed {
  static override readonly code = "STORE_TYPE_DISCONTINUED";
  constructor(type: keyof typeof Stores.DISCONTINUED_STORE_TYPES) {
    super(Stores.DISCONTINUED_STORE_TYPES[type], { type });
  }
}

export class SellerIdRequired extends ValidationFailed {
  static override readonly code = "SELLER_ID_REQUIRED";
  constructor(type: string) {
    super(`A ${type} store needs the seller id of its marketplace account`, { type });
  }
}

export class StoreBaseUrlNotAllowed extends ValidationFailed {
  static override readonly code = "STORE_BASE_URL_NOT_ALLOWED";
  constructor(reason: string) {
    super(`The store's baseUrl is not allowed: ${reason}`, { field: "baseUrl", reason });
  }
}

/** The policy ranges are checked by the request schema; a CHECK failing anyway is still the client's 422. */
export class StorePolicyOutOfRange extends ValidationFailed {
  static override readonly code = "STORE_POLICY_OUT_OF_RANGE";
  constructor(constraint: string | undefined) {
    super("The store policy is out of range", { constraint });
  }
}

export class ListingOverrideOutOfRange extends ValidationFailed {
  static override readonly code = "LISTING_OVERRIDE_OUT_OF_RANGE";
  constructor(constraint: string | undefined) {
    super("A listing override is out of range", { constraint });
  }
}

/** The same warehouse twice would make the priority order meaningless. */
export class DuplicateWarehouse extends ValidationFailed {
  static override readonly code = "DUPLICATE_WAREHOUSE";
  constructor(warehouseIds: readonly string[]) {
    super("A warehouse is listed more than once", { warehouseIds: [...warehouseIds] });
  }
}

export class UnknownWarehouse extends ValidationFailed {
  static override readonly code = "UNKNOWN_WAREHOUSE";
  constructor(warehouseIds: readonly string[]) {
    super("Some warehouses do not exist", { warehouseIds: [...warehouseIds] });
  }
}

/** Another listing of the store already answers to this identifier on the marketplace (its own value, or its default). */
export class ListingIdentifierTaken extends Conflict {
  static override readonly code = "LISTING_IDENTIFIER_TAKEN";
  constructor(details: { field: "barcode" | "stockCode"; value: string; productId: string }) {
    super(`Another listing of this store is known by this ${details.field === "barcode" ? "barcode" : "stock code"}`, details);
  }
}
