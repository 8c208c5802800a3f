import { Conflict, ValidationFailed } from "../../infra/errors";

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

/** A second check (or import) of the same kind while one is queued or running for the store. */
export class JobAlreadyRunning extends Conflict {
  static override readonly code = "JOB_ALREADY_RUNNING";
  constructor(jobId: string, kind: string) {
    super("A job of this kind is already queued or running for this store", { jobId, kind });
  }
}
