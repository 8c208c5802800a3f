import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";
import { waitUntil } from "../support/wait";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ label: "metrics" });
});
afterAll(() => t.close());


function countFor(text: string, labels: string): number {
  const line = text
    .split("\n")
    .find((l) => l.startsWith("http_request_duration_seconds_count{") && labels.split(",").every((p) => l.includes(p)));
  return line ? Number(line.split(" ").pop()) : 0;
}

describe("/metrics", () => {
  test("counts requests by method, route template and status", async () => {
    for (let i = 0; i < 3; i++) await t.request("/health/live");
    await t.request("/no/such/route/123");
    // onAfterResponse records after the response is handed back: wait until all four are counted.
    await waitUntil(async () => {
      const text = await t.metrics.registry.metrics();
      return countFor(text, 'route="/health/live",status="200"') >= 3 && countFor(text, 'route="unmatched",status="404"') >= 1;
    }, { what: "the four requests to be counted" });
    const res = await t.request("/metrics");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = await res.text();
    expect(countFor(text, 'method="GET",route="/health/live",status="200"')).toBe(3);
    // Unknown paths share one label value, so scanners cannot explode the series count.
    expect(countFor(text, 'route="unmatched",status="404"')).toBe(1);
    expect(text).not.toContain("/no/such/route/123");
  });

  test("includes process metrics", async () => {
    const text = await (await t.request("/metrics")).text();
    expect(text).toContain("process_cpu_seconds_total");
    expect(text).toContain("# TYPE http_request_duration_seconds histogram");
  });
});
