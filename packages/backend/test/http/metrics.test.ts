import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ label: "metrics" });
});
afterAll(() => t.close());

// onAfterResponse runs after the response is handed back; give it a tick.
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

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
    await settle();
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
