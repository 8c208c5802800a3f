/**
 * Trendyol's webhook API against the evidence fixtures (trendyol/webhook-*.json): each request is
 * the one the sources show, and the registrar reads the sources' answers right (create's id, the
 * bare list with ACTIVE/PASSIVE, the empty "200 OK" of update / activate / deactivate / delete).
 */
import { describe, expect, test } from "bun:test";
import { type Exchange, fixture, serveFixtures } from "@pazarsync/marketplace-fixtures";
import {
  createTrendyolWebhookApi,
  MarketplaceAuthFailed,
  MarketplaceConfigInvalid,
  MarketplaceOutcomeUnknown,
  MarketplaceWebhookLimitReached,
  registerTrendyolWebhook,
  type TrendyolWebhookSpec,
} from "../../../src/domains/marketplace/service";

const SELLER = "123";
const BASIC = `Basic ${Buffer.from("test-key:test-secret").toString("base64")}`;

function apiOn(fetch: typeof globalThis.fetch) {
  return createTrendyolWebhookApi({ baseUrl: "https://apigw.trendyol.com", sellerId: SELLER, apiKey: "test-key", apiSecret: "test-secret", fetch });
}

const listed = () => fixture("trendyol", "webhook-list").exchanges[0] as Exchange;
type Hook = Record<string, unknown>;
const hooksOf = (exchange: Exchange) => exchange.response.body as Hook[];

/** The list fixture's exchange answering other hooks (same shape, our values). */
function listAnswering(hooks: Hook[]): Exchange {
  const exchange = listed();
  return { request: exchange.request, response: { ...exchange.response, body: hooks } };
}

const otherHooks = (count: number): Hook[] =>
  Array.from({ length: count }, (_, i) => ({ ...hooksOf(listed())[0], id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`, url: `https://other-${i}.example.com` }));

const basicSpec = (url: string, statuses = ["CREATED", "PICKING"]): TrendyolWebhookSpec => ({
  url,
  auth: { type: "BASIC_AUTHENTICATION", username: "test1", password: "s3cret" },
  subscribedStatuses: statuses,
});

describe("Trendyol webhook API: the documented requests", () => {
  test("list then create when no hook is ours: Basic auth, User-Agent, the documented body keys; the answer's id is kept", async () => {
    const server = serveFixtures(fixture("trendyol", "webhook-list"), fixture("trendyol", "webhook-create"));
    const result = await registerTrendyolWebhook(apiOn(server.fetch), { spec: basicSpec("https://shop.example.com/hook/1"), secretChanged: false });
    expect(server.mismatches).toEqual([]);
    expect(server.remaining()).toBe(0);
    expect(result).toEqual({ webhookId: "2ba10e5d-5176-416b-9770-5d9c85a81a5e", actions: ["created"] });
    for (const sent of server.sent) {
      expect(sent.headers.get("authorization")).toBe(BASIC);
      expect(sent.headers.get("user-agent")).toBe(`${SELLER} - SelfIntegration`);
    }
    expect(JSON.parse(server.sent[1]?.body ?? "")).toEqual({
      url: "https://shop.example.com/hook/1",
      username: "test1",
      password: "s3cret",
      authenticationType: "BASIC_AUTHENTICATION",
      subscribedStatuses: ["CREATED", "PICKING"],
    });
  });

  test("an API_KEY hook sends the api key and no username or password", async () => {
    const server = serveFixtures(fixture("trendyol", "webhook-list"), fixture("trendyol", "webhook-create"));
    await registerTrendyolWebhook(apiOn(server.fetch), {
      spec: { url: "https://shop.example.com/hook/2", auth: { type: "API_KEY", apiKey: "k-1" }, subscribedStatuses: ["CREATED"] },
      secretChanged: false,
    });
    expect(server.mismatches).toEqual([]);
    expect(JSON.parse(server.sent[1]?.body ?? "")).toEqual({ url: "https://shop.example.com/hook/2", authenticationType: "API_KEY", apiKey: "k-1", subscribedStatuses: ["CREATED"] });
  });

  test("ours PASSIVE with other statuses: updated (the whole body again) then activated, both read as empty 200s", async () => {
    const server = serveFixtures(fixture("trendyol", "webhook-list"), fixture("trendyol", "webhook-update"), fixture("trendyol", "webhook-activate"));
    const result = await registerTrendyolWebhook(apiOn(server.fetch), { spec: basicSpec("https://testwebhook1.com"), secretChanged: false });
    expect(server.mismatches).toEqual([]);
    expect(server.remaining()).toBe(0);
    expect(result).toEqual({ webhookId: "5297c986-6e09-4615-9f16-0deff65a0890", actions: ["updated", "activated"] });
    expect(server.sent.map((s) => [s.method, s.url.pathname])).toEqual([
      ["GET", `/integration/webhook/sellers/${SELLER}/webhooks`],
      ["PUT", `/integration/webhook/sellers/${SELLER}/webhooks/5297c986-6e09-4615-9f16-0deff65a0890`],
      ["PUT", `/integration/webhook/sellers/${SELLER}/webhooks/5297c986-6e09-4615-9f16-0deff65a0890/activate`],
    ]);
  });

  test("ours ACTIVE and as asked: only the list is read; a changed secret (which the list never shows) is sent again", async () => {
    const spec: TrendyolWebhookSpec = { url: "https://testwebhook3.com", auth: { type: "API_KEY", apiKey: "k-3" }, subscribedStatuses: ["PICKING", "CREATED"] };
    const quiet = serveFixtures(fixture("trendyol", "webhook-list"));
    expect(await registerTrendyolWebhook(apiOn(quiet.fetch), { spec, secretChanged: false })).toEqual({ webhookId: "2ba10e5d-5176-416b-9770-5d9c85a81a5e", actions: ["unchanged"] });
    expect(quiet.mismatches).toEqual([]);
    expect(quiet.sent).toHaveLength(1);

    const rotated = serveFixtures(fixture("trendyol", "webhook-list"), fixture("trendyol", "webhook-update"));
    expect(await registerTrendyolWebhook(apiOn(rotated.fetch), { spec, secretChanged: true })).toEqual({ webhookId: "2ba10e5d-5176-416b-9770-5d9c85a81a5e", actions: ["updated"] });
    expect(rotated.mismatches).toEqual([]);
  });

  test("our URL changed: the hook we registered before (by id) is moved to the new URL, not a second one created", async () => {
    const server = serveFixtures(fixture("trendyol", "webhook-list"), fixture("trendyol", "webhook-update"));
    const spec: TrendyolWebhookSpec = { url: "https://new-host.example.com/hook", auth: { type: "API_KEY", apiKey: "k-3" }, subscribedStatuses: ["CREATED", "PICKING"] };
    const result = await registerTrendyolWebhook(apiOn(server.fetch), { spec, knownWebhookId: "2ba10e5d-5176-416b-9770-5d9c85a81a5e", secretChanged: false });
    expect(server.mismatches).toEqual([]);
    expect(result.actions).toEqual(["updated"]);
    expect(JSON.parse(server.sent[1]?.body ?? "").url).toBe("https://new-host.example.com/hook");
  });

  test("two hooks at our URL: the extra one is deleted (documented DELETE, empty 200)", async () => {
    const [first] = hooksOf(listed());
    const hooks = [{ ...first, url: "https://testwebhook3.com" }, ...hooksOf(listed()).slice(1)];
    const server = serveFixtures([listAnswering(hooks)], fixture("trendyol", "webhook-delete"));
    const spec: TrendyolWebhookSpec = { url: "https://testwebhook3.com", auth: { type: "API_KEY", apiKey: "k-3" }, subscribedStatuses: ["CREATED", "PICKING"] };
    const result = await registerTrendyolWebhook(apiOn(server.fetch), { spec, secretChanged: false });
    expect(server.mismatches).toEqual([]);
    // The ACTIVE one is kept; the PASSIVE copy goes.
    expect(result).toEqual({ webhookId: "2ba10e5d-5176-416b-9770-5d9c85a81a5e", actions: ["removed-duplicate"] });
    expect(server.sent[1]?.url.pathname).toBe(`/integration/webhook/sellers/${SELLER}/webhooks/5297c986-6e09-4615-9f16-0deff65a0890`);
  });

  test("deactivate is the documented PUT .../deactivate", async () => {
    const server = serveFixtures(fixture("trendyol", "webhook-deactivate"));
    await apiOn(server.fetch).deactivate("2ba10e5d-5176-416b-9770-5d9c85a81a5e");
    expect(server.mismatches).toEqual([]);
  });
});

describe("Trendyol webhook API: refusals", () => {
  test("15 hooks, none ours: nothing is created or deleted, the limit is reported", async () => {
    const server = serveFixtures([listAnswering(otherHooks(15))]);
    const error = await registerTrendyolWebhook(apiOn(server.fetch), { spec: basicSpec("https://shop.example.com/hook/1"), secretChanged: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MarketplaceWebhookLimitReached);
    expect((error as MarketplaceWebhookLimitReached).httpStatus).toBeNull();
    expect(server.sent.map((s) => s.method)).toEqual(["GET"]);
  });

  test("14 listed, then Trendyol answers the create 400 as the limit fixture shows: the limit, with Trendyol's status", async () => {
    const server = serveFixtures([listAnswering(otherHooks(14))], fixture("trendyol", "webhook-create.limit-reached"));
    const error = await registerTrendyolWebhook(apiOn(server.fetch), { spec: basicSpec("https://shop.example.com/hook/1"), secretChanged: false }).catch((e: unknown) => e);
    expect(server.mismatches).toEqual([]);
    expect(error).toBeInstanceOf(MarketplaceWebhookLimitReached);
    expect((error as MarketplaceWebhookLimitReached).httpStatus).toBe(400);
  });

  test("401 is an auth failure, 5xx an unknown outcome; neither creates anything", async () => {
    const unauthorised = serveFixtures([{ request: listed().request, response: { status: 401, body: { errors: [{ key: "unauthorized", message: "Unauthorized" }] } } }]);
    expect(await registerTrendyolWebhook(apiOn(unauthorised.fetch), { spec: basicSpec("https://a.example.com"), secretChanged: false }).catch((e: unknown) => e)).toBeInstanceOf(MarketplaceAuthFailed);
    const down = serveFixtures([{ request: listed().request, response: { status: 503 } }]);
    expect(await registerTrendyolWebhook(apiOn(down.fetch), { spec: basicSpec("https://a.example.com"), secretChanged: false }).catch((e: unknown) => e)).toBeInstanceOf(MarketplaceOutcomeUnknown);
    expect([...unauthorised.sent, ...down.sent].map((s) => s.method)).toEqual(["GET", "GET"]);
  });

  test("a URL Trendyol forbids, or no statuses, is refused before any call", async () => {
    const server = serveFixtures(fixture("trendyol", "webhook-list"));
    for (const spec of [basicSpec("https://localhost.example.com/hook"), basicSpec("https://my-trendyol-hook.example.com"), basicSpec("https://a.example.com", [])]) {
      expect(await registerTrendyolWebhook(apiOn(server.fetch), { spec, secretChanged: false }).catch((e: unknown) => e)).toBeInstanceOf(MarketplaceConfigInvalid);
    }
    expect(server.sent).toHaveLength(0);
  });
});
