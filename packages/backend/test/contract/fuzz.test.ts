/**
 * The contract fuzz: every operation of /swagger/json gets valid requests generated from its
 * schemas and invalid ones (mutations.ts), each as the role the route is for. No answer may be a
 * 5xx, every status must be documented for its operation, and every 2xx/4xx body must match the
 * documented schema. Counts per operation are printed so CI output shows them.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startSandbox, type RunningSandbox } from "@pazarsync/marketplace-sandbox";
import { createTestApp, type TestApp } from "../support/app";
import { checkAnswer } from "./check";
import { learn, sampleContext, send, toRequest, VICTIM_ROUTES, validParts } from "./driver";
import { prng } from "./generate";
import { type AuthChoice, MUTATION_NAMES, MUTATIONS, type RequestParts } from "./mutations";
import { fetchDocument, needsBearer, type Operation, operationsOf } from "./openapi";
import { type FuzzShop, renewVictim, seedShop } from "./shop";

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_123);
const PER_OPERATION = 30;
const VALID_PER_OPERATION = 8;

let t: TestApp;
let shop: FuzzShop;
let operations: Operation[];
// One marketplace that answers: the label route proxies it, so its order's label is the one valid request that can succeed.
let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ resultDelayMs: 0, sellers: [{ sellerId: "fuzz-labels", apiKey: "k", apiSecret: "s" }] });
  t = await createTestApp({
    label: "contract-fuzz",
    env: {
      RATE_LIMITS: "off",
      // The fuzz logs in hundreds of times from one address; the limits have tests of their own.
      AUTH_FAILURES_PER_ACCOUNT: "1000000",
      AUTH_FAILURES_PER_IP: "1000000",
      AUTH_ATTEMPTS_PER_IP: "1000000",
      MARKETPLACE_TIMEOUT_MS: "2000",
    },
  });
  shop = await seedShop(t, { sandboxUrl: sandbox.url, sellerId: "fuzz-labels" });
  operations = operationsOf(await fetchDocument(t));
}, 60_000);
afterAll(async () => {
  await t?.close();
  sandbox?.state.trendyolWebhooks.stop();
  await sandbox?.stop();
});

interface Tally {
  sent: number;
  ok: number;
  client: number;
  server: number;
}

const clone = (parts: RequestParts): RequestParts => structuredClone(parts);

describe("contract fuzz", () => {
  test("1000+ generated requests over every operation: no 5xx, only documented statuses, bodies match their schemas", async () => {
    const rng = prng(SEED);
    const ctx = sampleContext(shop, rng);
    const tallies = new Map<string, Tally>();
    const failures = new Map<string, number>();
    const kinds = new Map<string, number>();

    async function fire(op: Operation, kind: string, parts: RequestParts, role: AuthChoice): Promise<number> {
      if (VICTIM_ROUTES.has(op.label) && rng() < 0.3) await renewVictim(t, shop);
      const request = toRequest(op, parts, role, shop);
      const answer = await send(t, request);
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      const tally = tallies.get(op.label) ?? { sent: 0, ok: 0, client: 0, server: 0 };
      tally.sent += 1;
      if (answer.status >= 500) tally.server += 1;
      else if (answer.status >= 400) tally.client += 1;
      else if (answer.status >= 200 && answer.status < 300) tally.ok += 1;
      tallies.set(op.label, tally);
      const problem = answer.status >= 500 ? `status ${answer.status}` : checkAnswer(op.op, answer.status, answer.contentType, answer.text);
      if (problem) {
        const key = `${op.label} [${kind}] ${problem} | answer ${answer.text.slice(0, 160)} | sent ${request.url.slice(0, 120)} ${String(request.init.body ?? "").slice(0, 160)}`;
        failures.set(key, (failures.get(key) ?? 0) + 1);
      }
      // FUZZ_DEBUG="POST /api/v1/orders" prints that operation's answers while working on the fuzz.
      if (process.env.FUZZ_DEBUG && op.label.includes(process.env.FUZZ_DEBUG)) process.stdout.write(`DBG ${kind} ${answer.status} ${answer.text.slice(0, 200)}\n`);
      if (answer.status < 500) learn(op, answer.status, answer.text, shop);
      return answer.status;
    }

    for (const op of operations) {
      let role: AuthChoice = "admin";
      let sent = 0;
      // The least privileged role the route does not refuse with 403 is the one it is for.
      if (needsBearer(op.op)) {
        for (const candidate of ["customer", "staff", "admin"] as const) {
          sent += 1;
          if ((await fire(op, "valid", validParts(op, shop, ctx), candidate)) !== 403) {
            role = candidate;
            break;
          }
        }
      }
      for (; sent < VALID_PER_OPERATION; sent++) await fire(op, "valid", validParts(op, shop, ctx), role);
      for (let i = 0; sent < PER_OPERATION; i++, sent++) {
        const base = validParts(op, shop, ctx);
        // One of the mutations that apply to this operation (a GET has no body to break), drawn evenly.
        const applicable = MUTATION_NAMES.flatMap((name) => {
          const mutated = MUTATIONS[name]?.(clone(base), op, ctx);
          return mutated ? [{ name, mutated }] : [];
        });
        const chosen = applicable[(i + Math.floor(rng() * applicable.length)) % applicable.length];
        if (chosen) await fire(op, chosen.name, chosen.mutated, role);
      }
    }

    let total: Tally = { sent: 0, ok: 0, client: 0, server: 0 };
    for (const [label, tally] of tallies) {
      process.stdout.write(`${label}: sent ${tally.sent}, 2xx ${tally.ok}, 4xx ${tally.client}, 5xx ${tally.server}\n`);
      total = { sent: total.sent + tally.sent, ok: total.ok + tally.ok, client: total.client + tally.client, server: total.server + tally.server };
    }
    process.stdout.write(`contract fuzz by kind: ${[...kinds].map(([kind, n]) => `${kind} ${n}`).join(", ")}\n`);
    process.stdout.write(`contract fuzz: ${total.sent} requests, ${total.ok} 2xx, ${total.client} 4xx, ${total.server} 5xx\n`);

    expect([...failures].map(([key, count]) => `${count}x ${key}`)).toEqual([]);
    expect(total.server).toBe(0);
    expect(total.sent).toBeGreaterThanOrEqual(1000);
    expect(tallies.size).toBe(operations.length);
    // The valid requests are valid enough to get through: every operation succeeded at least once, but those
    // that need a state the fuzz reaches only by chance (a failed command or dead letter to retry, a line
    // waiting to be mapped, one of its few orders still in a status the step allows — the fuzz cancels and
    // moves them in random order —, a return not yet received or decided, units still in quarantine).
    const needState = new Set([
      ...["pick", "invoice", "ship", "deliver"].map((step) => `POST /api/v1/orders/{id}/${step}`),
      "POST /api/v1/returns",
      "POST /api/v1/inventory/products/{id}/quarantine",
      "POST /api/v1/stock-sync/dead-letters/{id}/retry",
      "POST /api/v1/order-commands/{id}/retry",
      "POST /api/v1/orders/{id}/lines/{lineId}/map",
      "POST /api/v1/orders/{id}/unsupply",
      "POST /api/v1/orders/{id}/return",
      "POST /api/v1/returns/{id}/receive",
      "POST /api/v1/returns/{id}/reject",
      // A store whose adapter reads listings, and a job that exists (test/listing-catalog, test/jobs).
      "POST /api/v1/stores/{id}/listings/import",
      "GET /api/v1/stores/{id}/listings/imports/{jobId}/rows",
      "GET /api/v1/jobs/{id}",
    ]);
    const neverSucceeded = [...tallies].filter(([label, tally]) => tally.ok === 0 && !needState.has(label)).map(([label]) => label);
    expect(neverSucceeded).toEqual([]);
  }, 180_000);
});
