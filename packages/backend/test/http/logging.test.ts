import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createApp } from "../../src/app";
import { noErrorReporter } from "../../src/infra/sentry";
import { createTestApp, type TestApp } from "../support/app";
import { capturingLogger } from "../support/logs";
import { waitUntil } from "../support/wait";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ label: "logging" });
});
afterAll(() => t.close());


describe("logging", () => {
  test("every request is logged once with method, route template, status, duration and request id", async () => {
    const { log, lines } = capturingLogger();
    const app = createApp({ config: t.config, log, infra: t.infra, metrics: t.metrics, reporter: noErrorReporter });
    await app.handle(
      new Request("http://localhost/health/live", {
        headers: { "x-request-id": "log-test-1", authorization: "Bearer secret-token-value" },
      }),
    );
    // The request line is written after the response is handed back.
    await waitUntil(() => lines.some((l) => l.msg === "request"), { what: "the request log line" });
    const requestLines = lines.filter((l) => l.msg === "request");
    expect(requestLines).toHaveLength(1);
    expect(requestLines[0]).toMatchObject({ method: "GET", route: "/health/live", status: 200, requestId: "log-test-1" });
    expect(typeof requestLines[0]?.ms).toBe("number");
    expect(JSON.stringify(lines)).not.toContain("secret-token-value");
  });

  test("secrets and authorization headers are redacted wherever they are logged", () => {
    const { log, lines } = capturingLogger();
    log.info(
      {
        user: { email: "a@b.com", password: "hunter2hunter2" },
        req: { headers: { authorization: "Bearer abc.def.ghi", cookie: "sid=1" } },
        store: { credentials: { apiKey: "k-123" } },
        tokens: { refreshToken: "r-456" },
      },
      "something happened",
    );
    const text = JSON.stringify(lines);
    for (const secret of ["hunter2hunter2", "abc.def.ghi", "sid=1", "k-123", "r-456"]) expect(text).not.toContain(secret);
    expect(text).toContain("a@b.com");
    expect(text).toContain("[redacted]");
  });
});
