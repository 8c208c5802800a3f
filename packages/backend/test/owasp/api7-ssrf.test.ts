import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Elysia } from "elysia";
import type { CatalogChange } from "../../src/domains/catalog/events";
import { assertAllowedBaseUrl, type BaseUrlRule, isPublicAddress } from "../../src/domains/catalog/store-base-url";
import { catalogController } from "../../src/domains/catalog";
import { createStoreService } from "../../src/domains/catalog/service";
import { MarketplaceOutcomeUnknown } from "../../src/domains/marketplace/errors";
import { errorForStatus, sendWithDeadline } from "../../src/domains/marketplace/http-call";
import { errorHandler } from "../../src/http/errors";
import { createEventHub } from "../../src/infra/events";
import { createLogger } from "../../src/infra/logger";
import { createTestApp, type RequestHandler, type TestApp } from "../support/app";
import { bodyOf } from "../support/http";
import { bearer, postJson } from "../support/identity";
import { buildWorld, call, errorCode, type World } from "./support";

const log = createLogger({ level: "silent", pretty: false });
const PUBLIC_DNS = async () => ["93.184.216.34"];
const strict: BaseUrlRule = { publicOnly: true, resolve: PUBLIC_DNS };

async function refusal(url: string, rule = strict): Promise<string | undefined> {
  try {
    await assertAllowedBaseUrl(url, rule);
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe("API7:2023 Server Side Request Forgery — the store baseUrl rule in production", () => {
  test("public https hosts are allowed, with or without a path prefix", async () => {
    for (const url of ["https://apigw.trendyol.com", "https://api.example.com/integration/v2", "https://93.184.216.34:8443"]) {
      expect({ url, code: await refusal(url) }).toEqual({ url, code: undefined });
    }
  });

  test("plain http is refused in production", async () => {
    expect(await refusal("http://apigw.trendyol.com")).toBe("STORE_BASE_URL_NOT_ALLOWED");
  });

  test("loopback, private, link-local (cloud metadata), CGNAT and unspecified addresses are refused in every notation", async () => {
    for (const url of [
      "https://127.0.0.1",
      "https://127.1",
      "https://2130706433",
      "https://0x7f000001",
      "https://0177.0.0.1",
      "https://0.0.0.0",
      "https://10.1.2.3",
      "https://172.16.0.1",
      "https://172.31.255.255",
      "https://192.168.1.1",
      "https://169.254.169.254/latest/meta-data",
      "https://100.64.0.1",
      "https://[::1]",
      "https://[::]",
      "https://[::ffff:127.0.0.1]",
      "https://[::ffff:169.254.169.254]",
      "https://[fd00::1]",
      "https://[fe80::1]",
      "https://[64:ff9b::a9fe:a9fe]",
      "https://224.0.0.1",
    ]) {
      expect({ url, code: await refusal(url) }).toEqual({ url, code: "STORE_BASE_URL_NOT_ALLOWED" });
    }
  });

  test("internal host names are refused without asking DNS", async () => {
    let asked = 0;
    const rule = { publicOnly: true, resolve: async () => (asked++, ["93.184.216.34"]) };
    for (const url of ["https://localhost", "https://api.localhost", "https://redis", "https://postgres:5432", "https://metadata.google.internal", "https://printer.local", "https://localhost."]) {
      expect({ url, code: await refusal(url, rule) }).toEqual({ url, code: "STORE_BASE_URL_NOT_ALLOWED" });
    }
    expect(asked).toBe(0);
  });

  test("a public-looking name that resolves to an internal address (or does not resolve) is refused", async () => {
    const rebinding = { publicOnly: true, resolve: async () => ["93.184.216.34", "10.0.0.5"] };
    expect(await refusal("https://evil.example.com", rebinding)).toBe("STORE_BASE_URL_NOT_ALLOWED");
    const loopback = { publicOnly: true, resolve: async () => ["127.0.0.1"] };
    expect(await refusal("https://127.0.0.1.nip.io", loopback)).toBe("STORE_BASE_URL_NOT_ALLOWED");
    const nxdomain = { publicOnly: true, resolve: async () => Promise.reject(new Error("ENOTFOUND")) };
    expect(await refusal("https://no-such-host.example", nxdomain)).toBe("STORE_BASE_URL_NOT_ALLOWED");
  });

  test("the address classifier agrees with the ranges it names", () => {
    expect(["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "172.32.0.1", "100.128.0.1"].every(isPublicAddress)).toBe(true);
    expect(["172.16.0.1", "100.127.255.255", "198.18.0.1", "::ffff:10.0.0.1", "fc00::1", "ff02::1", "2001:db8::1"].some(isPublicAddress)).toBe(false);
  });

  test("everywhere: only http(s), and no user:password in the URL", async () => {
    const open = { publicOnly: false };
    expect(await refusal("http://127.0.0.1:4199", open)).toBeUndefined();
    expect(await refusal("https://user:pass@api.example.com", open)).toBe("STORE_BASE_URL_NOT_ALLOWED");
    expect(await refusal("file:///etc/passwd", open)).toBe("STORE_BASE_URL_NOT_ALLOWED");
    expect(await refusal("gopher://127.0.0.1:6379/_FLUSHALL", open)).toBe("STORE_BASE_URL_NOT_ALLOWED");
  });
});

describe("API7:2023 Server Side Request Forgery — through the stores API", () => {
  let t: TestApp;
  let w: World;
  let productionStores: RequestHandler;
  beforeAll(async () => {
    t = await createTestApp({ label: "owasp-api7" });
    w = await buildWorld(t);
    // The same routes over a store service with production's rule, on the same database.
    const stores = createStoreService({
      db: t.infra.database.db,
      log,
      events: createEventHub<CatalogChange>("api7", log),
      keyring: { current: { id: t.config.credentialsKeyId, key: t.config.credentialsKey }, previous: [] },
      baseUrlRule: strict,
    });
    productionStores = new Elysia()
      .use(errorHandler({ log, reporter: { capture: () => undefined, flush: async () => undefined }, exposeStack: false }))
      .use(catalogController({ products: t.services.products, stores, identity: t.services.identity }));
  });
  afterAll(() => t.close());

  const storeBody = (baseUrl: string) => ({ name: `Shop ${crypto.randomUUID()}`, type: "TRENDYOL", sellerId: "1", warehouseIds: [w.warehouseId], baseUrl });
  const inProduction = (method: string, path: string, body: unknown) =>
    productionStores.handle(
      new Request(`http://localhost${path}`, { method, headers: { "content-type": "application/json", ...bearer(w.adminToken) }, body: JSON.stringify(body) }),
    );

  test("production: creating a store aimed at the metadata service is 422 STORE_BASE_URL_NOT_ALLOWED, and no store is saved", async () => {
    const before = (await bodyOf(await call(t, "GET", "/api/v1/stores?limit=100", w.staffToken))).total;
    const res = await inProduction("POST", "/api/v1/stores", storeBody("https://169.254.169.254"));
    expect(res.status).toBe(422);
    expect(await errorCode(res)).toBe("STORE_BASE_URL_NOT_ALLOWED");
    expect((await bodyOf(await call(t, "GET", "/api/v1/stores?limit=100", w.staffToken))).total).toBe(before);
  });

  test("production: repointing an existing store at loopback is refused and the old baseUrl stays", async () => {
    const res = await inProduction("PATCH", `/api/v1/stores/${w.trendyolStoreId}`, { baseUrl: "http://127.0.0.1:6379" });
    expect(res.status).toBe(422);
    expect(await errorCode(res)).toBe("STORE_BASE_URL_NOT_ALLOWED");
    expect((await bodyOf(await call(t, "GET", `/api/v1/stores/${w.trendyolStoreId}`, w.staffToken))).baseUrl).toBeNull();
  });

  test("production: a public https host is accepted", async () => {
    expect((await inProduction("POST", "/api/v1/stores", storeBody("https://api.example.com"))).status).toBe(201);
  });

  test("development and tests keep the local sandbox, but never credentials in the URL or a non-http scheme", async () => {
    expect((await postJson(t, "/api/v1/stores", storeBody("http://127.0.0.1:4199"), bearer(w.adminToken))).status).toBe(201);
    const withUserinfo = await postJson(t, "/api/v1/stores", storeBody("https://key:secret@api.example.com"), bearer(w.adminToken));
    expect(withUserinfo.status).toBe(422);
    const text = await withUserinfo.text();
    expect(JSON.parse(text).error.code).toBe("STORE_BASE_URL_NOT_ALLOWED");
    expect(text).not.toContain("secret");
    expect((await postJson(t, "/api/v1/stores", storeBody("file:///etc/passwd"), bearer(w.adminToken))).status).toBe(422);
  });
});

describe("API7:2023 Server Side Request Forgery — marketplace calls never follow redirects", () => {
  test("a marketplace host answering 302 to an internal address is not followed: the outcome is unknown", async () => {
    let internalHits = 0;
    const internal = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => (internalHits++, new Response("{}")) });
    const redirecting = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => Response.redirect(`http://127.0.0.1:${internal.port}/admin`, 302) });
    try {
      const raw = await sendWithDeadline("TRENDYOL", { fetch, timeoutMs: 2000 }, `http://127.0.0.1:${redirecting.port}/x`, {
        method: "POST",
        headers: { authorization: "Basic c2VjcmV0" },
        body: "{}",
      });
      expect(raw.status).toBe(302);
      expect(internalHits).toBe(0);
      // And a 3xx is read as neither success nor refusal: the items are recomputed, never assumed sent.
      expect(errorForStatus("TRENDYOL", raw.status, [], { retryAfterMs: () => undefined })).toBeInstanceOf(MarketplaceOutcomeUnknown);
    } finally {
      internal.stop(true);
      redirecting.stop(true);
    }
  });
});
