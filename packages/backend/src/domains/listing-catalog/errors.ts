import { ValidationFailed } from "../../infra/errors";

/** The store cannot import its marketplace's listings (a web store, or reads not written for its marketplace). */
export class ListingImportNotSupported extends ValidationFailed {
  static override readonly code = "LISTING_IMPORT_NOT_SUPPORTED";
  constructor(storeId: string, reason: string) {
    super(reason, { storeId });
  }
}
