/**
 * The sandbox plays Trendyol's webhook API in the fixtures' shapes (trendyol/webhook-*.json): create
 * answers an id, the list a bare array without secrets, the commands an empty 200, a sixteenth
 * hook 400 with no body; and it delivers packages to each ACTIVE hook subscribed to their status,
 * with the hook's auth.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { fixture, shapeMismatches } from "@pazarsync/marketplace-fixtures";
import { type RunningSandbox, startSandbox } from "@pazarsync/marketplace-sandbox";

const SELLER = "882";
const HEADERS = { authorization: `Basic ${Buffer.from("key:secret").toString("base64")}`, "user-agent": `${SELLER} - SelfIntegration`, "content-type": "application/json" };
const HOOKS = `/integration/webhook/sellers/${SELLER}/webhooks`;

let sandbox: RunningSandbox;
let receiver: ReturnType<typeof Bun.serve>;
const received: { path: string; authorization: string | null; apiKey: string | null; body: Record<string, unknown> }[] = [];
beforeAll(async () => {
  sandbox = await startSandbox({ sellers: [{ sellerId: SELLER, apiKey: "key", apiSecret: "secret" }], resultDelayMs: 0 });
  receiver = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: async (request) => {
      const path = new URL(request.url).pathname;
      received.push({ path, authorization: request.headers.get("authorization"), apiKey: request.headers.get("x-api-key"), body: (await request.json()) as Record<string, unknown> });
      return new Response(null, { status: path.endsWith("/failing") ? 500 : 200 });
    },
  });
});
afterAll(async () => {
  sandbox.state.trendyolWebhooks.stop();
  await receiver.stop(true);
  await sandbox.stop();
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
  const res = await fetch(`${sandbox.url}${path}`, { method, headers: HEADERS, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, text: await res.text() };
}

const hookBody = (url: string, statuses: string[] = ["CREATED", "CANCELLED"]) => ({ url, username: "u", password: "p", authenticationType: "BASIC_AUTHENTICATION", subscribedStatuses: statuses });
const receiverUrl = (path: string) => `http://127.0.0.1:${receiver.port}${path}`;

async function eventually(check: () => boolean, deadlineMs = 5000): Promise<boolean> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end && !check()) await Bun.sleep(20);
  return check();
}

describe("the sandbox's webhook API answers in the fixtures' shapes", () => {
  test("create, update, list, activate, deactivate and delete", async () => {
    const created = await call("POST", HOOKS, hookBody("https://shape.example.com/a"));
    expect(created.status).toBe(200);
    const { id } = JSON.parse(created.text) as { id: string };
    expect(shapeMismatches(fixture("trendyol", "webhook-create").exchanges[0]?.response.body, { id }, "answered")).toEqual([]);

    expect(await call("PUT", `${HOOKS}/${id}`, hookBody("https://shape.example.com/a", ["CREATED"]))).toEqual({ status: 200, text: "" });
    const list = await call("GET", HOOKS);
    const hooks = JSON.parse(list.text) as Record<string, unknown>[];
    expect(shapeMismatches(fixture("trendyol", "webhook-list").exchanges[0]?.response.body, hooks, "answered")).toEqual([]);
    expect(hooks.find((h) => h.id === id)).toMatchObject({ status: "ACTIVE", subscribedStatuses: ["CREATED"] });
    expect(list.text).not.toContain('"password"');

    expect(await call("PUT", `${HOOKS}/${id}/deactivate`)).toEqual({ status: 200, text: "" });
    expect((JSON.parse((await call("GET", HOOKS)).text) as { id: string; status: string }[]).find((h) => h.id === id)?.status).toBe("PASSIVE");
    expect(await call("PUT", `${HOOKS}/${id}/activate`)).toEqual({ status: 200, text: "" });
    expect(await call("DELETE", `${HOOKS}/${id}`)).toEqual({ status: 200, text: "" });
    expect((await call("DELETE", `${HOOKS}/${id}`)).status).toBe(404);
  });

  test("a sixteenth hook, PASSIVE ones counted, is refused 400 with no body, as the limit fixture shows", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 15; i++) ids.push((JSON.parse((await call("POST", HOOKS, hookBody(`https://limit-${i}.example.com`))).text) as { id: string }).id);
    await call("PUT", `${HOOKS}/${ids[0]}/deactivate`);
    const refused = await call("POST", HOOKS, hookBody("https://limit-16.example.com"));
    expect(refused).toEqual({ status: fixture("trendyol", "webhook-create.limit-reached").exchanges[0]?.response.status ?? 0, text: "" });
    for (const id of ids) await call("DELETE", `${HOOKS}/${id}`);
  });

  test("a URL naming Trendyol or Localhost, or BASIC without a password, is refused", async () => {
    expect((await call("POST", HOOKS, hookBody("https://my.trendyol-hook.example.com"))).status).toBe(400);
    expect((await call("POST", HOOKS, hookBody("http://localhost:3000/hook"))).status).toBe(400);
    expect((await call("POST", HOOKS, { url: "https://a.example.com", username: "u", authenticationType: "BASIC_AUTHENTICATION" })).status).toBe(400);
  });
});

describe("the sandbox delivers to the hooks registered through the API", () => {
  test("each ACTIVE hook subscribed to the status gets the package with its own auth; a PASSIVE or unsubscribed one does not", async () => {
    const basic = JSON.parse((await call("POST", HOOKS, hookBody(receiverUrl("/basic"), ["CREATED"]))).text) as { id: string };
    const key = JSON.parse((await call("POST", HOOKS, { url: receiverUrl("/key"), authenticationType: "API_KEY", apiKey: "k-9", subscribedStatuses: [] })).text) as { id: string };
    const passive = JSON.parse((await call("POST", HOOKS, hookBody(receiverUrl("/passive")))).text) as { id: string };
    await call("PUT", `${HOOKS}/${passive.id}/deactivate`);
    const res = await fetch(`${sandbox.url}/__sandbox/sellers/${SELLER}/orders`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ lines: [{ barcode: "WH-1", quantity: 1, unitPrice: 1_000 }] }),
    });
    const { shipmentPackageId } = (await res.json()) as { shipmentPackageId: number };
    expect(await eventually(() => received.filter((r) => r.body.shipmentPackageId === shipmentPackageId).length === 2)).toBe(true);
    const got = received.filter((r) => r.body.shipmentPackageId === shipmentPackageId);
    expect(got.find((r) => r.path === "/basic")?.authorization).toBe(`Basic ${Buffer.from("u:p").toString("base64")}`);
    expect(got.find((r) => r.path === "/key")?.apiKey).toBe("k-9");
    expect(got.some((r) => r.path === "/passive")).toBe(false);

    // Picking: only the hook subscribed to every status hears it.
    await fetch(`${sandbox.url}/__sandbox/sellers/${SELLER}/orders/${shipmentPackageId}/status`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ status: "Picking" }) });
    expect(await eventually(() => received.some((r) => r.body.shipmentPackageId === shipmentPackageId && r.body.shipmentPackageStatus === "Picking"))).toBe(true);
    await Bun.sleep(100);
    expect(received.filter((r) => r.body.shipmentPackageId === shipmentPackageId && r.body.shipmentPackageStatus === "Picking").map((r) => r.path)).toEqual(["/key"]);
    for (const id of [basic.id, key.id, passive.id]) await call("DELETE", `${HOOKS}/${id}`);
  });
});
