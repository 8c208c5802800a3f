/**
 * A test marketplace for order commands: an OrderCommandPort per registered store that records
 * every send and observe, applies what it accepts (so observe can tell APPLIED from NOT_APPLIED,
 * like a real marketplace showing the package's status), and answers from a script: confirm,
 * accept, refuse, rate-limit, or no answer (applied or not). Postgres and Redis stay real.
 */
import { trendyolProfile } from "../../src/domains/marketplace/trendyol/adapter";
import type { CommandKind, CommandObservation, CommandSupport, OrderCommand, OrderCommandPort } from "../../src/domains/marketplace/order-commands";
import { type ApiCallHook, MarketplaceOutcomeUnknown, MarketplaceRateLimited, MarketplaceRefused } from "../../src/domains/marketplace/service";
import type { AdapterProfile } from "../../src/domains/marketplace/types";
import type { CommandPorts } from "../../src/domains/order/command-ports";

export type SendScript = "confirm" | "accept" | "refuse" | "rate-limit" | "unknown-applied" | "unknown-not-applied";

export const COMMAND_GROUP = "orderCommands";

/** What the marketplace keys a command's effect on: the step, the order and the units. */
export function effectKey(command: OrderCommand): string {
  if (!("target" in command)) return `${command.kind}|${command.claim.claimId}`;
  const lines = command.target.lines.map((line) => `${line.lineId}/${line.barcode}:${line.quantity}`).join(",");
  return `${command.kind}|${command.target.orderNumber}|${lines}`;
}

export class FakeMarketplace {
  readonly sends: { storeId: string; command: OrderCommand }[] = [];
  readonly observes: { storeId: string; command: OrderCommand }[] = [];
  /** Effects applied, by effectKey: how many times each took effect. */
  readonly applied = new Map<string, number>();
  readonly sendScript: SendScript[] = [];
  readonly observeScript: CommandObservation[] = [];
  readonly support: Partial<Record<CommandKind, CommandSupport>> = {};
  /** Stores served: with a port, or with none (an adapter that has no order commands). */
  readonly stores = new Map<string, "port" | "none">();
  /** The rate limit of the commands' group (requests per perMs); none when undefined. */
  rateLimit: { requests: number; perMs: number } | undefined;
  onCall: ((storeId: string) => ApiCallHook) | undefined;

  readonly ports: CommandPorts = async (storeId) => {
    const mode = this.stores.get(storeId);
    if (!mode) return undefined;
    return { storeId, marketplace: "TRENDYOL", profile: this.profile(), ...(mode === "port" && { port: this.portFor(storeId) }) };
  };

  serve(storeId: string, mode: "port" | "none" = "port"): void {
    this.stores.set(storeId, mode);
  }

  sendsOf(kind: CommandKind, storeId?: string): OrderCommand[] {
    return this.sends.filter((s) => s.command.kind === kind && (storeId === undefined || s.storeId === storeId)).map((s) => s.command);
  }

  private profile(): AdapterProfile {
    const limit = this.rateLimit;
    return { ...trendyolProfile, rateLimits: limit ? [{ group: COMMAND_GROUP, ...limit }] : [] };
  }

  private log(storeId: string, httpStatus: number | null, error?: string): void {
    this.onCall?.(storeId)({ marketplace: "TRENDYOL", callType: "ORDER_COMMAND", httpStatus, durationMs: 1, itemCount: 1, ...(error && { error }) });
  }

  private apply(command: OrderCommand): void {
    const key = effectKey(command);
    this.applied.set(key, (this.applied.get(key) ?? 0) + 1);
  }

  private portFor(storeId: string): OrderCommandPort {
    return {
      support: (kind) => this.support[kind] ?? { supported: true, repeatSafe: false, partial: true, requires: [] },
      groupOf: () => COMMAND_GROUP,
      send: async (command) => {
        this.sends.push({ storeId, command });
        const script = this.sendScript.shift() ?? "confirm";
        switch (script) {
          case "confirm":
            this.apply(command);
            this.log(storeId, 200);
            return { outcome: "CONFIRMED" };
          case "accept":
            this.apply(command);
            this.log(storeId, 200);
            return { outcome: "ACCEPTED", reference: `task-${this.sends.length}` };
          case "refuse":
            this.log(storeId, 400, "MARKETPLACE_REFUSED");
            throw new MarketplaceRefused("TRENDYOL", 400, ["Paket statüsü bu işlem için uygun değil"], true);
          case "rate-limit":
            this.log(storeId, 429, "MARKETPLACE_RATE_LIMITED");
            throw new MarketplaceRateLimited("TRENDYOL", 10);
          case "unknown-applied":
            this.apply(command);
            this.log(storeId, 503, "MARKETPLACE_OUTCOME_UNKNOWN");
            throw new MarketplaceOutcomeUnknown("TRENDYOL", "SERVER_ERROR", 503, "Service Unavailable");
          case "unknown-not-applied":
            this.log(storeId, null, "MARKETPLACE_OUTCOME_UNKNOWN");
            throw new MarketplaceOutcomeUnknown("TRENDYOL", "TIMEOUT", null, "no answer");
        }
      },
      observe: async (command) => {
        this.observes.push({ storeId, command });
        this.log(storeId, 200);
        return this.observeScript.shift() ?? (this.applied.has(effectKey(command)) ? "APPLIED" : "NOT_APPLIED");
      },
    };
  }
}
