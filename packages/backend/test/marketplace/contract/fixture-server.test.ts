import { describe, expect, test } from "bun:test";
import { type Fixture, parseFixture, serveFixtures, shapeMismatches } from "@pazarsync/marketplace-fixtures";

const STREAM: Fixture = {
  marketplace: "trendyol",
  call: "example",
  sources: [{ kind: "official-page", url: "https://example.invalid/docs" }],
  read: "2026-12-05",
  excerpt: "an example transcribed for the matcher's own test",
  exchanges: [
    {
      request: {
        method: "GET",
        path: "/sellers/{sellerId}/orders",
        query: { start: "<epoch-ms>", size: "200", cursor: "<cursor>" },
        optionalQuery: ["cursor"],
        headers: { Authorization: "<basic>", "User-Agent": "<agent>" },
      },
      response: { status: 200, body: { content: [{ id: 1 }], next: "abc" } },
    },
    {
      request: { method: "POST", path: "/sellers/{sellerId}/stock", body: { items: [{ barcode: "b", quantity: 1 }] } },
      response: { status: 200, body: { batchRequestId: "x" } },
    },
  ],
};

const HEADERS = { Authorization: "Basic x", "User-Agent": "1 - SelfIntegration" };

describe("fixture server", () => {
  test("a request that matches gets the fixture's answer", async () => {
    const server = serveFixtures(STREAM);
    const answer = await server.fetch("https://h/sellers/7/orders?start=1&size=200", { headers: HEADERS });
    expect(await answer.json()).toEqual({ content: [{ id: 1 }], next: "abc" });
    expect(server.mismatches).toEqual([]);
    expect(server.remaining()).toBe(1);
  });

  test("a query parameter the source does not have is refused, and so is a wrong literal", async () => {
    const server = serveFixtures(STREAM);
    const answer = await server.fetch("https://h/sellers/7/orders?start=1&size=50&page=0", { headers: HEADERS });
    expect(answer.status).toBe(400);
    expect(server.mismatches).toEqual(["exchange 1: query: page is not in the source", "exchange 1: query: size=200 expected, 50 sent"]);
  });

  test("a missing header, a wrong path and a body key the source lacks are each named", async () => {
    const server = serveFixtures(STREAM);
    await server.fetch("https://h/sellers/7/orders?start=1&size=200", { headers: { Authorization: "Basic x" } });
    await server.fetch("https://h/sellers/7/stocks", { method: "POST", body: JSON.stringify({ items: [{ barcode: "b", qty: 1 }] }) });
    expect(server.mismatches).toEqual([
      "exchange 1: header: User-Agent missing",
      "exchange 2: path: /sellers/{sellerId}/stock expected, /sellers/7/stocks sent",
      "exchange 2: body.items[0].qty: not in the source",
    ]);
  });

  test("a request past the last exchange is refused", async () => {
    const server = serveFixtures(STREAM.exchanges.slice(0, 1));
    await server.fetch("https://h/sellers/7/orders?start=1&size=200", { headers: HEADERS });
    const extra = await server.fetch("https://h/sellers/7/orders?start=1&size=200", { headers: HEADERS });
    expect(extra.status).toBe(400);
    expect(server.mismatches).toHaveLength(1);
  });

  test("an answer must hold every key the source shows, with its type", () => {
    expect(shapeMismatches({ a: 1, b: [{ c: "x" }] }, { a: 2, b: [{ c: "y" }], extra: true }, "answered")).toEqual([]);
    expect(shapeMismatches({ a: 1, b: [{ c: "x" }] }, { a: "2", b: [{}] }, "answered")).toEqual(["body.a: number expected, string found", "body.b[0].c: missing"]);
  });

  test("a fixture without its evidence is refused", () => {
    const { excerpt: _dropped, ...bare } = STREAM;
    expect(() => parseFixture("/x/trendyol/example.json", JSON.stringify(bare))).toThrow(/excerpt/);
    expect(() => parseFixture("/x/trendyol/other.json", JSON.stringify(STREAM))).toThrow(/file name should be example.json/);
    expect(parseFixture("/x/trendyol/example.json", JSON.stringify(STREAM)).call).toBe("example");
  });
});
