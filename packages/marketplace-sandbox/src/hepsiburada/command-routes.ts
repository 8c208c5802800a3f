/**
 * Where the order-command and claim calls go (commands.ts, order-view.ts, claims.ts). Their
 * endpoint names start with "orders" or "claims", so routes.ts applies the order services' rate
 * (429 with X-RateLimit-*) or the claims' one to them.
 */
import type { Incoming, Reply } from "../module";
import { answerClaim, listClaims } from "./claims";
import { cancelByMerchant, invoiceRequest, labelsRequest, missingInvoiceList, packageDetail, packRequest, transitionRequest } from "./commands";
import { orderDetail } from "./order-view";
import type { HepsiburadaAccount, HepsiburadaSandboxState } from "./state";

export interface CommandRoute {
  endpoint: string;
  method: "GET" | "POST" | "PUT";
  /** Null: the path names no merchant (claim answers), the credentials say which. */
  merchantId: string | null;
  /** The package number, line id, order number or claim number the path names. */
  id?: string;
}

const PACKAGE_STEP = /^\/packages\/merchantid\/([^/]+)\/packagenumber\/([^/]+)(?:\/(invoice|intransit|deliver|undeliver|labels))?$/;
const STEP_METHOD = { invoice: "PUT", intransit: "POST", deliver: "POST", undeliver: "POST", labels: "GET" } as const;

export function commandRouteOf(path: string, method: string): CommandRoute | undefined {
  const decode = (value: string | undefined) => decodeURIComponent(value ?? "");
  const root = /^\/packages\/merchantid\/([^/]+)$/.exec(path);
  // GET on the same path is the packages list (routes.ts).
  if (root && method === "POST") return { endpoint: "orders-pack", method: "POST", merchantId: decode(root[1]) };
  const missing = /^\/packages\/merchantid\/([^/]+)\/missing-invoice$/.exec(path);
  if (missing) return { endpoint: "orders-missing-invoice", method: "GET", merchantId: decode(missing[1]) };
  const step = PACKAGE_STEP.exec(path);
  if (step) {
    const name = step[3] as keyof typeof STEP_METHOD | undefined;
    return { endpoint: name ? `orders-package-${name}` : "orders-package", method: name ? STEP_METHOD[name] : "GET", merchantId: decode(step[1]), id: decode(step[2]) };
  }
  const cancel = /^\/lineitems\/merchantid\/([^/]+)\/id\/([^/]+)\/cancelbymerchant$/.exec(path);
  if (cancel) return { endpoint: "orders-line-cancel", method: "POST", merchantId: decode(cancel[1]), id: decode(cancel[2]) };
  const order = /^\/orders\/merchantid\/([^/]+)\/ordernumber\/([^/]+)$/.exec(path);
  if (order) return { endpoint: "orders-order-detail", method: "GET", merchantId: decode(order[1]), id: decode(order[2]) };
  const claims = /^\/claims\/merchantId\/([^/]+)$/.exec(path);
  if (claims) return { endpoint: "claims-list", method: "GET", merchantId: decode(claims[1]) };
  const answer = /^\/claims\/number\/([^/]+)\/(accept|reject)$/.exec(path);
  if (answer) return { endpoint: `claims-${answer[2]}`, method: "POST", merchantId: null, id: decode(answer[1]) };
  return undefined;
}

/** Answers one authenticated command call within its quota. */
export function handleCommandRoute(state: HepsiburadaSandboxState, account: HepsiburadaAccount, route: CommandRoute, incoming: Incoming, now: number): Reply {
  const id = route.id ?? "";
  switch (route.endpoint) {
    case "orders-pack":
      return packRequest(state, account, incoming, now);
    case "orders-missing-invoice":
      return missingInvoiceList(account, incoming, 50);
    case "orders-package":
      return packageDetail(account, id);
    case "orders-package-invoice":
      return invoiceRequest(account, id, incoming);
    case "orders-package-intransit":
      return transitionRequest(account, id, "intransit", incoming, now);
    case "orders-package-deliver":
      return transitionRequest(account, id, "deliver", incoming, now);
    case "orders-package-undeliver":
      return transitionRequest(account, id, "undeliver", incoming, now);
    case "orders-package-labels":
      return labelsRequest(account, id);
    case "orders-line-cancel":
      return cancelByMerchant(account, id, incoming, now);
    case "orders-order-detail":
      return orderDetail(account, id);
    case "claims-list":
      return listClaims(account, incoming, 100);
    case "claims-accept":
      return answerClaim(account, id, "accept", incoming);
    case "claims-reject":
      return answerClaim(account, id, "reject", incoming);
    default:
      return { status: 404, body: { title: "Not Found", status: 404, detail: "no such resource" } };
  }
}
