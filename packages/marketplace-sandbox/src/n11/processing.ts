import { createHash } from "node:crypto";
import { type N11Account, N11_SANDBOX_REASONS, type N11SandboxState, type N11Sku, type N11SkuResult, type N11Task } from "./state";

function failuresOf(state: N11SandboxState, account: N11Account, sku: N11Sku): string[] {
  if (account.known && !account.known.has(sku.stockCode)) return [N11_SANDBOX_REASONS.unknownCode(sku.stockCode)];
  const reasons: string[] = [];
  if (sku.listPrice !== undefined && sku.salePrice !== undefined && sku.salePrice > sku.listPrice) reasons.push(N11_SANDBOX_REASONS.saleAboveList);
  // The fault setting's errorRate: a transient per-sku failure, not an HTTP one.
  if (reasons.length === 0 && state.context.random() < state.context.currentFaults().errorRate) reasons.push(N11_SANDBOX_REASONS.transient);
  return reasons;
}

function apply(account: N11Account, sku: N11Sku): void {
  if (sku.quantity !== undefined) account.quantities.set(sku.stockCode, sku.quantity);
  if (sku.listPrice !== undefined && sku.salePrice !== undefined) account.prices.set(sku.stockCode, { listPrice: sku.listPrice, salePrice: sku.salePrice });
}

function process(state: N11SandboxState, task: N11Task): void {
  const account = state.accounts.get(task.account);
  if (!account) return;
  task.results = task.skus.map((sku): N11SkuResult => {
    const reasons = failuresOf(state, account, sku);
    if (reasons.length === 0) apply(account, sku);
    return { stockCode: sku.stockCode, status: reasons.length === 0 ? "SUCCESS" : "FAIL", reasons, raw: sku.raw };
  });
}

/** Processes due tasks in arrival order and forgets those past retention. Lazy: run before reading. */
export function settleN11(state: N11SandboxState, now: number): void {
  for (const task of state.tasks.values()) {
    if (task.expiresAt <= now) {
      state.tasks.delete(task.id);
      continue;
    }
    if (!task.results && task.readyAt <= now) process(state, task);
  }
}

/** N11's task dates: "dd-MM-yyyy HH:mm:ss" in Istanbul time (UTC+3, no daylight saving). */
export function n11Date(at: number): string {
  const local = new Date(at + 3 * 60 * 60 * 1000).toISOString();
  return `${local.slice(8, 10)}-${local.slice(5, 7)}-${local.slice(0, 4)} ${local.slice(11, 19)}`;
}

/** N11 numbers its sellers: a stable number per sandbox account. */
function ownerIdOf(account: string): number {
  return Number.parseInt(createHash("sha256").update(account).digest("hex").slice(0, 8), 16);
}

/** The sku as task details echo it (fixture n11/task-details.json): quantity as `stock`, prices as numbers. */
function skuEcho(raw: Record<string, unknown>): Record<string, unknown> {
  const echo: Record<string, unknown> = {};
  if (raw.quantity !== undefined) echo.stock = raw.quantity;
  if (raw.listPrice !== undefined) echo.listPrice = Number(raw.listPrice);
  if (raw.salePrice !== undefined) echo.salePrice = Number(raw.salePrice);
  if (raw.currencyType !== undefined) echo.currencyType = raw.currencyType;
  return echo;
}

/** One page of task details, in N11's Spring-style page shape; skus are absent until processed. */
export function taskDetailsView(task: N11Task, page: number, size: number) {
  const results = task.results ?? [];
  const content = results.slice(page * size, (page + 1) * size).map((result, i) => ({
    id: task.id * 10_000 + page * size + i,
    taskId: task.id,
    ownerId: ownerIdOf(task.account),
    itemCode: result.stockCode,
    status: result.status,
    sku: skuEcho(result.raw),
    reasons: result.reasons,
  }));
  const totalPages = Math.ceil(results.length / size);
  return {
    taskId: task.id,
    createdDate: n11Date(task.createdAt),
    modifiedDate: n11Date(task.results ? task.readyAt : task.createdAt),
    status: task.results ? "PROCESSED" : "IN_QUEUE",
    reasons: [],
    skus: {
      content,
      pageable: { pageNumber: page, pageSize: size },
      totalElements: results.length,
      totalPages,
      number: page,
      size,
      first: page === 0,
      last: page + 1 >= totalPages,
    },
  };
}
