import { Conflict, NotFound } from "../../infra/errors";

export class ReturnNotFound extends NotFound {
  static override readonly code = "RETURN_NOT_FOUND";
  constructor(returnId: string) {
    super("No such return", { returnId });
  }
}

/** A claim naming an order we do not know: nothing can be received or answered until it is matched. */
export class ReturnWithoutOrder extends Conflict {
  static override readonly code = "RETURN_WITHOUT_ORDER";
  constructor(returnId: string, orderNumber: string | null) {
    super("This return names an order we do not know yet; it is matched when the claim is read again after the order arrives", { returnId, orderNumber });
  }
}

/** More units than the return still expects of a product (claimed less what came back already). */
export class ReturnOverReceived extends Conflict {
  static override readonly code = "RETURN_OVER_RECEIVED";
  constructor(details: { returnId: string; productId: string; requested: number; expected: number }) {
    super("More units than the return still expects of this product", details);
  }
}

/** More units back than the order has out with the buyer (shipped and not yet returned). */
export class ReturnExceedsShipped extends Conflict {
  static override readonly code = "RETURN_EXCEEDS_SHIPPED";
  constructor(orderId: string, short: { productId: string; requested: number; shipped: number }[]) {
    super("The order has fewer units of these products out with the buyer", { orderId, short });
  }
}

/** A received line names a product the return does not hold. */
export class ReturnLineNotFound extends Conflict {
  static override readonly code = "RETURN_LINE_NOT_FOUND";
  constructor(returnId: string, product: { productId?: string; barcode?: string }) {
    super("This return holds no line of this product", { returnId, ...product });
  }
}

export class ReturnAlreadyDecided extends Conflict {
  static override readonly code = "RETURN_ALREADY_DECIDED";
  constructor(returnId: string, decision: string) {
    super("This return was already decided the other way", { returnId, decision });
  }
}

/** A web return of an order nothing of which is out with the buyer. */
export class NothingToReturn extends Conflict {
  static override readonly code = "NOTHING_TO_RETURN";
  constructor(orderId: string, status: string) {
    super("Nothing of this order was shipped or everything already came back", { orderId, status });
  }
}
