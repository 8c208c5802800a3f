import type { Orders } from "@pazarsync/shared";
import { AppError, BadRequest, Conflict, NotFound, ServiceUnavailable, Unauthenticated, ValidationFailed } from "../../infra/errors";

/** Someone else's order answers like a missing one: order ids are not probeable. */
export class OrderNotFound extends NotFound {
  static override readonly code = "ORDER_NOT_FOUND";
  constructor(orderId: string) {
    super("No such order", { orderId });
  }
}

export class OrderLineNotFound extends NotFound {
  static override readonly code = "ORDER_LINE_NOT_FOUND";
  constructor(orderId: string, lineNo: number) {
    super("The order has no such line", { orderId, lineNo });
  }
}

/** Only a line no product matched (UNKNOWN_BARCODE), still waiting on a NEEDS_ATTENTION order, can be mapped. */
export class OrderLineNotUnmatched extends Conflict {
  static override readonly code = "ORDER_LINE_NOT_UNMATCHED";
  constructor(orderId: string, lineNo: number, state: { status: string; reason: string | null }) {
    super("Only a line no product matched, on an order needing attention, can be mapped", { orderId, lineNo, ...state });
  }
}

/** The line names the product now, but its quantity or price is still one intake cannot take. */
export class OrderLineUnreadable extends ValidationFailed {
  static override readonly code = "ORDER_LINE_UNREADABLE";
  constructor(orderId: string, lineNo: number, reason: string) {
    super("The line's quantity or price cannot be taken in whatever product it is", { orderId, lineNo, reason });
  }
}

export class OutOfStock extends Conflict {
  static override readonly code = "OUT_OF_STOCK";
  constructor(shortages: readonly Orders.Shortage[]) {
    super("Not enough stock for this order; nothing was reserved", { shortages: [...shortages] });
  }
}

export class InvalidTransition extends Conflict {
  static override readonly code = "INVALID_TRANSITION";
  constructor(from: string, to: string) {
    super(`An order in ${from} cannot become ${to}`, { from, to });
  }
}

export class UnknownStore extends ValidationFailed {
  static override readonly code = "UNKNOWN_STORE";
  constructor(storeId: string) {
    super("No such store", { storeId });
  }
}

export class StoreInactive extends ValidationFailed {
  static override readonly code = "STORE_INACTIVE";
  constructor(storeId: string) {
    super("This store does not take orders now", { storeId });
  }
}

export class UnknownProduct extends ValidationFailed {
  static override readonly code = "UNKNOWN_PRODUCT";
  constructor(productIds: readonly string[], barcodes: readonly string[]) {
    super("Some lines name products that do not exist", { productIds: [...productIds], barcodes: [...barcodes] });
  }
}

export class ProductInactive extends ValidationFailed {
  static override readonly code = "PRODUCT_INACTIVE";
  constructor(productIds: readonly string[]) {
    super("Some products are no longer sold", { productIds: [...productIds] });
  }
}

export class MixedCurrencies extends ValidationFailed {
  static override readonly code = "MIXED_CURRENCIES";
  constructor(currencies: readonly string[]) {
    super("All products of an order must be priced in one currency", { currencies: [...currencies] });
  }
}

export class OrderTotalTooLarge extends ValidationFailed {
  static override readonly code = "ORDER_TOTAL_TOO_LARGE";
  constructor(total: number) {
    super("The order total is larger than can be stored", { total });
  }
}

export class IdempotencyKeyRequired extends BadRequest {
  static override readonly code = "IDEMPOTENCY_KEY_REQUIRED";
  constructor() {
    super("The Idempotency-Key header is required to place an order");
  }
}

export class IdempotencyKeyInvalid extends BadRequest {
  static override readonly code = "IDEMPOTENCY_KEY_INVALID";
  constructor() {
    super("The Idempotency-Key header must be 1..200 of A-Z a-z 0-9 _ - : .");
  }
}

export class IdempotencyKeyReused extends ValidationFailed {
  static override readonly code = "IDEMPOTENCY_KEY_REUSED";
  constructor() {
    super("This Idempotency-Key was used with a different request body");
  }
}

export class IdempotencyBusy extends ServiceUnavailable {
  static override readonly code = "IDEMPOTENCY_BUSY";
  constructor() {
    super("The Idempotency-Key changed hands while being read; retry");
  }
}

/** The first answer to an Idempotency-Key was an error: it is thrown again with its own code and status. */
export class ReplayedError extends AppError {
  constructor(status: number, error: { code: string; message: string; details: Record<string, unknown> }) {
    super(error.message, error.details, { code: error.code, status });
  }
}

/** One answer for every refusal, so a caller cannot tell a missing store from a wrong secret. */
export class WebhookUnauthorised extends Unauthenticated {
  static override readonly code = "WEBHOOK_UNAUTHORISED";
  constructor() {
    super("The webhook credentials are not valid for this store");
  }
}

/** Our own fault, maybe passing: Trendyol retries a non-2xx delivery, which is what we want. */
export class WebhookIntakeUnavailable extends ServiceUnavailable {
  static override readonly code = "WEBHOOK_INTAKE_UNAVAILABLE";
  constructor() {
    super("The delivery could not be recorded now; deliver it again later");
  }
}

/** A step's `lines` name a line the order does not have, or one with nothing left to act on. */
export class StepLinesInvalid extends ValidationFailed {
  static override readonly code = "ORDER_LINES_INVALID";
  constructor(orderId: string, lines: readonly number[], why: string) {
    super(`The lines named cannot take this step: ${why}`, { orderId, lines: [...lines] });
  }
}

/** The marketplace takes this step only for the whole package: naming some lines cannot be sent. */
export class CommandLinesNotPartial extends Conflict {
  static override readonly code = "COMMAND_LINES_NOT_PARTIAL";
  constructor(orderId: string, kind: string, marketplace: string) {
    super(`${marketplace} takes ${kind} only for every open line of the order`, { orderId, kind, marketplace });
  }
}

/** Unsupplied units that do not match the order: no such product on it, or more units than it holds open. */
export class UnsupplyLinesInvalid extends ValidationFailed {
  static override readonly code = "UNSUPPLY_LINES_INVALID";
  constructor(orderId: string, problems: readonly string[]) {
    super("The unsupplied lines do not match the order", { orderId, problems: [...problems] });
  }
}

export class OrderCommandNotFound extends NotFound {
  static override readonly code = "ORDER_COMMAND_NOT_FOUND";
  constructor(commandId: string) {
    super("No such order command", { commandId });
  }
}

/** Only a dead letter (FAILED) is retried by staff; the worker handles every other state itself. */
export class OrderCommandNotFailed extends Conflict {
  static override readonly code = "ORDER_COMMAND_NOT_FAILED";
  constructor(commandId: string, state: string) {
    super("Only a FAILED command can be retried", { commandId, state });
  }
}

/** A web order has no marketplace: there is no label to fetch, and no command goes anywhere. */
export class OrderNotMarketplace extends Conflict {
  static override readonly code = "ORDER_NOT_MARKETPLACE";
  constructor(orderId: string) {
    super("This is a web order: it has no marketplace and no marketplace label", { orderId });
  }
}

/** The store's marketplace gives no shipping label through its API (or we have not written its call): which, and why. */
export class LabelNotSupported extends ValidationFailed {
  static override readonly code = "ORDER_LABEL_NOT_SUPPORTED";
  constructor(orderId: string, marketplace: string, source: string) {
    super(`${marketplace} gives no shipping label through its API`, { orderId, marketplace, source });
  }
}

/** The order is in no package the marketplace can label yet (not packed, no carrier number yet): try again after the step that makes one. */
export class LabelNotReady extends Conflict {
  static override readonly code = "ORDER_LABEL_NOT_READY";
  constructor(orderId: string, marketplace: string, reasons: readonly string[]) {
    super(`${marketplace} has no package to label for this order yet`, { orderId, marketplace, reasons: [...reasons] });
  }
}

/** The marketplace refused the label of this package (e.g. a carrier its label service does not cover): its reasons. */
export class LabelRefused extends ValidationFailed {
  static override readonly code = "ORDER_LABEL_REFUSED";
  constructor(orderId: string, marketplace: string, httpStatus: number | null, reasons: readonly string[]) {
    super(`${marketplace} gives no label for this package`, { orderId, marketplace, httpStatus, reasons: [...reasons] });
  }
}
