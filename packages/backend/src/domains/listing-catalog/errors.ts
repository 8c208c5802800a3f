import { ValidationFailed } from "../../infra/errors";

/** The store cannot import its marketplace's listings (a web store, or reads not written for its marketplace). */
export class ListingImportNotSupported extends ValidationFailed {
  static override readonly code = "LISTING_IMPORT_NOT_SUPPORTED";
  constructor(storeId: string, reason: string) {
    super(reason, { storeId });
  }
}

/** Listings of a web store are not pushed or read anywhere: bulk operations and drift checks are for marketplace stores. */
export class StoreNotMarketplace extends ValidationFailed {
  static override readonly code = "STORE_NOT_MARKETPLACE";
  constructor(storeId: string) {
    super("This is a web store: it has no marketplace listings", { storeId });
  }
}

/** A bulk operation without a filter would touch the whole catalog by accident. */
export class BulkFilterEmpty extends ValidationFailed {
  static override readonly code = "BULK_FILTER_EMPTY";
  constructor() {
    super("Name at least one filter field: type, skuPrefix, barcodes or importJobId");
  }
}

export class BulkSetEmpty extends ValidationFailed {
  static override readonly code = "BULK_SET_EMPTY";
  constructor() {
    super("Name at least one field to set: enabled, price or a policy override");
  }
}
