import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { ConfigError, loadConfig } from "../../src/config";
import { type CredentialKeyring, CredentialsUnreadable } from "../../src/domains/catalog/credentials";
import type { CatalogChange } from "../../src/domains/catalog/events";
import { createStoreService } from "../../src/domains/catalog/service";
import { queryRows } from "../../src/infra/db";
import { createEventHub } from "../../src/infra/events";
import { createLogger } from "../../src/infra/logger";
import { createApp } from "../../src/app";
import { noErrorReporter } from "../../src/infra/sentry";
import { createTestApp, type TestApp } from "../support/app";
import { capturingLogger } from "../support/logs";
import { bodyOf } from "../support/http";
import { admin, sendJson } from "../support/identity";

const OLD_KEY = randomBytes(32);
const NEW_KEY = randomBytes(32);
const SECRET = { apiKey: "tr-api-key-4711", apiSecret: "tr-api-secret-0815", supplierId: "998877" };

let t: TestApp;
let adminToken: string;
beforeAll(async () => {
  t = await createTestApp({ label: "credentials", env: { CREDENTIALS_KEY: OLD_KEY.toString("base64"), CREDENTIALS_KEY_ID: "k1" } });
  adminToken = (await admin(t)).tokens.accessToken;
});
afterAll(() => t.close());

const log = createLogger({ level: "silent", pretty: false });
/** Another replica's view of the same database, configured with other keys. */
const storesWith = (keyring: CredentialKeyring) =>
  createStoreService({ db: t.infra.database.db, log, events: createEventHub<CatalogChange>("test", log), keyring });

async function storeWithCredentials(credentials: Record<string, string> = SECRET): Promise<string> {
  const body = { name: "Trendyol", type: "TRENDYOL", sellerId: "998877", warehouseIds: [], credentials };
  const res = await sendJson(t, "POST", "/api/v1/stores", body, adminToken);
  expect(res.status).toBe(201);
  return (await bodyOf(res)).id;
}

async function rawColumns(storeId: string) {
  const [row] = await queryRows<{ ciphertext: string | null; key_id: string | null }>(
    t.infra.database.db,
    sql`select credentials_ciphertext as ciphertext, credentials_key_id as key_id from stores where id = ${storeId}`,
  );
  return row;
}

async function unreadable(read: () => Promise<unknown>): Promise<CredentialsUnreadable> {
  try {
    await read();
  } catch (error) {
    if (error instanceof CredentialsUnreadable) return error;
    throw error;
  }
  throw new Error("expected CredentialsUnreadable");
}

describe("credentials at rest", () => {
  test("credentials round-trip through encryption", async () => {
    const storeId = await storeWithCredentials();
    expect(await t.services.stores.credentialsFor(storeId)).toEqual(SECRET);
  });

  test("the column holds an envelope with no credential value in it", async () => {
    const storeId = await storeWithCredentials();
    const row = await rawColumns(storeId);
    expect(row?.key_id).toBe("k1");
    expect(row?.ciphertext).toMatch(/^v1\.k1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    for (const value of [...Object.values(SECRET), ...Object.keys(SECRET)]) {
      expect(row?.ciphertext).not.toContain(value);
      expect(row?.ciphertext).not.toContain(Buffer.from(value).toString("base64url"));
    }
  });

  test("the same credentials sealed twice differ (a fresh IV each time)", async () => {
    const [a, b] = [await storeWithCredentials(), await storeWithCredentials()];
    expect((await rawColumns(a))?.ciphertext).not.toBe((await rawColumns(b))?.ciphertext);
  });

  test("new credentials replace the old ones", async () => {
    const storeId = await storeWithCredentials();
    const res = await sendJson(t, "PATCH", `/api/v1/stores/${storeId}`, { credentials: { apiKey: "rotated-by-seller" } }, adminToken);
    expect(res.status).toBe(200);
    expect(await t.services.stores.credentialsFor(storeId)).toEqual({ apiKey: "rotated-by-seller" });
  });

  test("a store without credentials answers undefined, an unknown store 404", async () => {
    const res = await sendJson(t, "POST", "/api/v1/stores", { name: "Web", type: "WEB", warehouseIds: [] }, adminToken);
    expect(await t.services.stores.credentialsFor((await bodyOf(res)).id)).toBeUndefined();
    await expect(t.services.stores.credentialsFor(crypto.randomUUID())).rejects.toMatchObject({ code: "STORE_NOT_FOUND" });
  });

  test("credential values must be strings", async () => {
    const body = { name: "x", type: "N11", sellerId: "1", warehouseIds: [], credentials: { apiKey: 42 } };
    expect((await sendJson(t, "POST", "/api/v1/stores", body, adminToken)).status).toBe(422);
  });
});

describe("decrypting fails loudly", () => {
  test("a wrong key under the same id is refused, never answered with garbage", async () => {
    const storeId = await storeWithCredentials();
    const wrong = storesWith({ current: { id: "k1", key: randomBytes(32) }, previous: [] });
    const error = await unreadable(() => wrong.credentialsFor(storeId));
    expect(error).toMatchObject({ storeId, keyId: "k1", reason: "WRONG_KEY_OR_TAMPERED" });
  });

  test("an envelope under a key id nobody configured is refused as UNKNOWN_KEY", async () => {
    const storeId = await storeWithCredentials();
    const other = storesWith({ current: { id: "k9", key: NEW_KEY }, previous: [] });
    expect((await unreadable(() => other.credentialsFor(storeId))).reason).toBe("UNKNOWN_KEY");
  });

  test("a ciphertext copied onto another store does not open there", async () => {
    const [source, target] = [await storeWithCredentials(), await storeWithCredentials({ apiKey: "target's own" })];
    const copied = (await rawColumns(source))?.ciphertext;
    await t.infra.database.db.execute(sql`update stores set credentials_ciphertext = ${copied} where id = ${target}`);
    expect((await unreadable(() => t.services.stores.credentialsFor(target))).reason).toBe("WRONG_KEY_OR_TAMPERED");
  });

  test("a tampered envelope is refused", async () => {
    const storeId = await storeWithCredentials();
    const parts = ((await rawColumns(storeId))?.ciphertext ?? "").split(".");
    const data = Buffer.from(parts[4] ?? "", "base64url");
    data[0] = (data[0] ?? 0) ^ 1;
    const tampered = [...parts.slice(0, 4), data.toString("base64url")].join(".");
    await t.infra.database.db.execute(sql`update stores set credentials_ciphertext = ${tampered} where id = ${storeId}`);
    expect((await unreadable(() => t.services.stores.credentialsFor(storeId))).reason).toBe("WRONG_KEY_OR_TAMPERED");
  });
});

describe("key rotation", () => {
  const rotated = () => storesWith({ current: { id: "k2", key: NEW_KEY }, previous: [{ id: "k1", key: OLD_KEY }] });

  test("old rows still decrypt with the previous key configured, before any rotation", async () => {
    const storeId = await storeWithCredentials();
    expect(await rotated().credentialsFor(storeId)).toEqual(SECRET);
    expect((await rawColumns(storeId))?.key_id).toBe("k1");
  });

  test("rotation re-encrypts every old row under the new key id, and the old key is then not needed", async () => {
    const storeIds = [await storeWithCredentials(), await storeWithCredentials({ apiKey: "second" })];
    const report = await rotated().rotateCredentials();
    // Rows other tests tampered with on purpose fail; these two must not.
    expect(report.failed.map((f) => f.storeId)).not.toContain(storeIds[0]);
    expect(report.failed.map((f) => f.storeId)).not.toContain(storeIds[1]);
    expect(report.rotated).toBeGreaterThanOrEqual(2);
    const newKeyOnly = storesWith({ current: { id: "k2", key: NEW_KEY }, previous: [] });
    for (const storeId of storeIds) {
      const row = await rawColumns(storeId);
      expect(row?.key_id).toBe("k2");
      expect(row?.ciphertext?.startsWith("v1.k2.")).toBe(true);
      expect((await newKeyOnly.findStore(storeId))?.credentialsKeyId).toBe("k2");
    }
    expect(await newKeyOnly.credentialsFor(storeIds[0] as string)).toEqual(SECRET);
    expect(await newKeyOnly.credentialsFor(storeIds[1] as string)).toEqual({ apiKey: "second" });
    expect((await rotated().rotateCredentials()).rotated).toBe(0);
  });

  test("a row no configured key opens is reported as failed and left as it was", async () => {
    const storeId = await storeWithCredentials();
    const before = await rawColumns(storeId);
    const report = await storesWith({ current: { id: "k3", key: randomBytes(32) }, previous: [] }).rotateCredentials();
    expect(report.failed).toContainEqual({ storeId, keyId: "k1", reason: "UNKNOWN_KEY" });
    expect(await rawColumns(storeId)).toEqual(before);
  });
});

describe("key configuration", () => {
  const key = (byte: number) => Buffer.alloc(32, byte).toString("base64");

  test("CREDENTIALS_KEY_ID and CREDENTIALS_PREVIOUS_KEYS are read into the config", () => {
    const config = loadConfig({ CREDENTIALS_KEY: key(1), CREDENTIALS_KEY_ID: "2026-11", CREDENTIALS_PREVIOUS_KEYS: `k1:${key(2)}, old:${"ab".repeat(32)}` });
    expect(config.credentialsKeyId).toBe("2026-11");
    expect(config.credentialsPreviousKeys).toEqual([
      { id: "k1", key: Buffer.alloc(32, 2) },
      { id: "old", key: Buffer.alloc(32, 0xab) },
    ]);
  });

  test("the key id defaults to k1 with no previous keys", () => {
    const config = loadConfig({});
    expect(config.credentialsKeyId).toBe("k1");
    expect(config.credentialsPreviousKeys).toEqual([]);
  });

  test("malformed previous keys are refused without echoing them", () => {
    const secret = "k1:not-a-real-key-value";
    let problems: string[] = [];
    try {
      loadConfig({ CREDENTIALS_PREVIOUS_KEYS: secret, CREDENTIALS_KEY_ID: "bad.id" });
    } catch (error) {
      if (error instanceof ConfigError) problems = error.problems;
    }
    expect(problems.some((p) => p.startsWith("CREDENTIALS_PREVIOUS_KEYS must be comma-separated id:key pairs"))).toBe(true);
    expect(problems).toContain("CREDENTIALS_KEY_ID must be 1-32 letters, digits, '_' or '-'");
    expect(problems.join("\n")).not.toContain("not-a-real-key-value");
  });

  test("a previous key may not reuse the current key id", () => {
    expect(() => loadConfig({ CREDENTIALS_KEY_ID: "k1", CREDENTIALS_PREVIOUS_KEYS: `k1:${key(3)}` })).toThrow(
      "CREDENTIALS_PREVIOUS_KEYS must not reuse the current CREDENTIALS_KEY_ID",
    );
  });
});

describe("logs", () => {
  test("creating, changing, reading and rotating credentials logs none of them", async () => {
    const { log: capturing, lines } = capturingLogger("trace");
    const app = createApp({ config: t.config, log: capturing, infra: t.infra, metrics: t.metrics, reporter: noErrorReporter });
    const send = (method: string, path: string, body: unknown) =>
      app.handle(
        new Request(`http://localhost${path}`, {
          method,
          headers: { "content-type": "application/json", authorization: `Bearer ${adminToken}` },
          body: JSON.stringify(body),
        }),
      );
    const created = await send("POST", "/api/v1/stores", { name: "Logged", type: "N11", sellerId: "1", warehouseIds: [], credentials: SECRET });
    expect(created.status).toBe(201);
    const storeId = (await bodyOf(created)).id;
    expect((await send("PATCH", `/api/v1/stores/${storeId}`, { credentials: { apiKey: "patched-key-31337" } })).status).toBe(200);
    const stores = createStoreService({
      db: t.infra.database.db,
      log: capturing,
      events: createEventHub<CatalogChange>("test", capturing),
      keyring: { current: { id: "k4", key: NEW_KEY }, previous: [{ id: "k1", key: OLD_KEY }] },
    });
    await stores.credentialsFor(storeId);
    await stores.rotateCredentials();
    const text = JSON.stringify(lines);
    expect(lines.some((line) => line.msg === "store created")).toBe(true);
    expect(lines.some((line) => line.msg === "credentials rotated")).toBe(true);
    for (const value of [...Object.values(SECRET), "patched-key-31337", "v1.k1.", "v1.k4."]) expect(text).not.toContain(value);
  });
});
