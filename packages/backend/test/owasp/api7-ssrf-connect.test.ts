/**
 * API7:2023 Server Side Request Forgery at connect time: a store's baseUrl is checked when it is
 * saved, but the name is resolved again for every call, so the check is repeated on the address
 * the call actually connects to (DNS rebinding), and the embedded-IPv4 forms of IPv6 are read for
 * the address they carry.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertAllowedBaseUrl } from "../../src/domains/catalog/store-base-url";
import { MarketplaceOutcomeUnknown } from "../../src/domains/marketplace/errors";
import { createMarketplaceAdapter } from "../../src/domains/marketplace/service";
import { createOutboundFetch, pinnedRequest } from "../../src/infra/outbound-fetch";
import { isPublicAddress } from "../../src/infra/public-address";

async function refusal(url: string, resolve = async () => ["93.184.216.34"]): Promise<string | undefined> {
  try {
    await assertAllowedBaseUrl(url, { publicOnly: true, resolve });
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

/** A loopback HTTP server that counts the requests reaching it. */
function loopbackTarget() {
  const hits: string[] = [];
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (req) => (hits.push(`${req.headers.get("host")} ${new URL(req.url).pathname}`), Response.json({})) });
  return { hits, port: server.port, stop: () => server.stop(true) };
}

describe("API7:2023 SSRF — IPv6 forms that carry a private IPv4 address", () => {
  test("6to4, IPv4-translated, IPv4-compatible and NAT64 forms of loopback are refused as store base URLs in production", async () => {
    for (const url of [
      "https://[2002:7f00:1::]",
      "https://[2002:a9fe:a9fe::1]",
      "https://[::ffff:0:7f00:1]",
      "https://[::ffff:0:a00:1]",
      "https://[::7f00:1]",
      "https://[64:ff9b::7f00:1]",
      "https://[64:ff9b:1::a00:1]",
      "https://[2001::1]",
      "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]",
      "https://[fe80::1]",
      "https://[fc00::1]",
      "https://[fd12:3456::1]",
      "https://0.1.2.3",
      "https://100.64.0.1",
      "https://100.127.255.254",
      "https://169.254.169.254",
    ]) {
      expect({ url, code: await refusal(url) }).toEqual({ url, code: "STORE_BASE_URL_NOT_ALLOWED" });
    }
  });

  test("the classifier reads the IPv4 address inside 6to4 and NAT64 forms: a public one stays public", () => {
    expect(["2002:5db8:d822::1", "64:ff9b::5db8:d822", "::ffff:93.184.216.34", "2606:4700:4700::1111", "93.184.216.34"].filter((a) => !isPublicAddress(a))).toEqual([]);
    expect(["2002:0a00:0001::1", "64:ff9b::a9fe:a9fe", "::ffff:127.0.0.1", "2001::1", "::", "::1", "not an address"].filter(isPublicAddress)).toEqual([]);
  });
});

describe("API7:2023 SSRF — the address is checked again when the call is made (DNS rebinding)", () => {
  let target: ReturnType<typeof loopbackTarget>;
  beforeAll(() => {
    target = loopbackTarget();
  });
  afterAll(() => target.stop());

  test("a store host that resolved to a public address when saved and to loopback when called is not connected to", async () => {
    const answers = [["93.184.216.34"], ["127.0.0.1"]];
    let asked = 0;
    const rebinding = async () => answers[Math.min(asked++, answers.length - 1)] ?? [];
    // Saved in production: the name resolved to a public address then.
    expect(await refusal(`https://rebind.example.com:${target.port}`, rebinding)).toBeUndefined();
    const outbound = createOutboundFetch({ publicOnly: true, resolve: rebinding });
    const adapter = createMarketplaceAdapter({
      type: "TRENDYOL",
      sellerId: "1",
      baseUrl: `https://rebind.example.com:${target.port}`,
      credentials: { apiKey: "key", apiSecret: "secret" },
      fetch: outbound,
      timeoutMs: 2000,
    });
    const pushed = adapter.pushStockAndPrice([{ barcode: "B1", quantity: 1, salePrice: 100, listPrice: 100 }]);
    const error = await pushed.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MarketplaceOutcomeUnknown);
    expect(String((error as Error).message)).toContain("not public");
    expect(target.hits).toEqual([]);
    expect(asked).toBe(2);
  });

  test("the call connects to the address that was checked, not to whatever the name resolves to next", async () => {
    const sent: { url: string; host: string | null; serverName: string | undefined }[] = [];
    let asked = 0;
    const outbound = createOutboundFetch({
      publicOnly: true,
      resolve: async () => (asked++, ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"]),
      fetch: (async (input: string | URL | Request, init?: RequestInit & { tls?: { serverName?: string } }) => {
        sent.push({ url: String(input), host: new Headers(init?.headers).get("host"), serverName: init?.tls?.serverName });
        return new Response("{}");
      }) as typeof fetch,
    });
    await outbound("https://api.example.com/sapigw/suppliers/1/products?x=1", { method: "POST", headers: { authorization: "Basic a" }, body: "{}" });
    expect(asked).toBe(1);
    expect(sent).toEqual([{ url: "https://93.184.216.34/sapigw/suppliers/1/products?x=1", host: "api.example.com", serverName: "api.example.com" }]);
  });

  test("outside production the loopback sandbox is still reached, as when the URL was saved", async () => {
    const outbound = createOutboundFetch({ publicOnly: false });
    const res = await outbound(`http://127.0.0.1:${target.port}/sandbox`);
    expect(res.status).toBe(200);
    expect(target.hits).toContain(`127.0.0.1:${target.port} /sandbox`);
    await expect(outbound("gopher://127.0.0.1:6379/_FLUSHALL")).rejects.toThrow();
  });
});

describe("API7:2023 SSRF — Bun's fetch connects to a pinned address with the original Host and TLS name", () => {
  let dir: string;
  let server: ReturnType<typeof Bun.serve>;
  let cert: string;
  const seen: string[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "pin-"));
    const made = Bun.spawnSync([
      "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=api.example.test",
      "-addext", "subjectAltName=DNS:api.example.test", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"),
    ]);
    if (made.exitCode !== 0) throw new Error(`openssl failed: ${made.stderr.toString()}`);
    cert = readFileSync(join(dir, "cert.pem"), "utf8");
    server = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      tls: { cert, key: readFileSync(join(dir, "key.pem"), "utf8") },
      fetch: (req) => (seen.push(`${req.headers.get("host")} ${new URL(req.url).pathname}`), new Response("ok")),
    });
  });
  afterAll(() => {
    server.stop(true);
    rmSync(dir, { recursive: true, force: true });
  });

  test("a name no DNS knows is reached at the pinned address, its certificate checked against the name", async () => {
    const [url, init] = pinnedRequest(new URL(`https://api.example.test:${server.port}/orders`), "127.0.0.1", { method: "GET" });
    const res = await fetch(url, { ...init, tls: { ...init.tls, ca: cert } });
    expect(await res.text()).toBe("ok");
    expect(seen).toEqual([`api.example.test:${server.port} /orders`]);
    // The same pinned address under another name fails the certificate check: the name is what is verified.
    const [other, otherInit] = pinnedRequest(new URL(`https://other.example.test:${server.port}/orders`), "127.0.0.1", {});
    await expect(fetch(other, { ...otherInit, tls: { ...otherInit.tls, ca: cert } })).rejects.toThrow();
  });
});
