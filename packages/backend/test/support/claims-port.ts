import type { ClaimPage, CommandKind, CommandSupport, NormalisedClaim, OrderCommandPort } from "../../src/domains/marketplace/order-commands";

/** A window the claims pull asked for, as the port saw it. */
export interface AskedWindow {
  since: Date;
  until: Date;
  page?: string;
}

export interface TestClaimsPort extends OrderCommandPort {
  asked: AskedWindow[];
  /** What the next pulls answer: pages in order, each named by its index ("0", "1", ...); replaceable between runs. */
  pages: NormalisedClaim[][];
  /** Page indices that throw (a failed call). */
  failing: Set<number>;
}

/**
 * An adapter port for tests of the claims pull and of return decisions: serves NormalisedClaim
 * pages (the page token is the next page's index) and says every kind is supported unless told
 * otherwise. It sends nothing: the command worker is another component's.
 */
export function testClaimsPort(options: { pages?: NormalisedClaim[][]; support?: (kind: CommandKind) => CommandSupport } = {}): TestClaimsPort {
  const port: TestClaimsPort = {
    asked: [],
    pages: options.pages ?? [[]],
    failing: new Set(),
    support: options.support ?? (() => ({ supported: true, repeatSafe: false, partial: true, requires: [] })),
    send: () => Promise.reject(new Error("the test port sends nothing")),
    observe: () => Promise.reject(new Error("the test port observes nothing")),
    groupOf: () => "claims",
    async pullClaims(window): Promise<ClaimPage> {
      port.asked.push({ ...window });
      const index = window.page === undefined ? 0 : Number(window.page);
      if (port.failing.has(index)) throw new Error(`page ${index} failed`);
      const claims = port.pages[index] ?? [];
      return { claims, next: index + 1 < port.pages.length ? String(index + 1) : null };
    },
  };
  return port;
}

let claimCounter = 0;

/** A claim of one or more lines of a marketplace order, OPEN unless told otherwise. */
export function claimOf(orderNumber: string, lines: { barcode: string; quantity: number; lineId?: string }[], extra: Partial<NormalisedClaim> = {}): NormalisedClaim {
  const claimId = extra.claimId ?? `CLAIM-${++claimCounter}-${Math.random().toString(36).slice(2, 7)}`;
  return {
    claimId,
    orderNumber,
    state: "OPEN",
    marketplaceStatus: "Created",
    lines: lines.map((line, i) => ({ claimLineId: `${claimId}-L${i + 1}`, ...line, reason: "Size too small" })),
    lastModifiedAt: "2026-12-01T10:00:00.000Z",
    raw: { id: claimId, orderNumber, items: lines },
    ...extra,
  };
}
