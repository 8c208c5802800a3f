import { describe, expect, test } from "bun:test";
import { Elysia } from "elysia";
import { Lifecycle } from "../../src/infra/lifecycle";
import { createLogger } from "../../src/infra/logger";
import { sleep } from "../support/net";

const log = createLogger({ level: "silent", pretty: false });

/**
 * A server whose /slow answers after delayMs, or when `answer()` is called; `started` resolves
 * once a request is inside the handler, so a test shuts down with it surely in flight.
 */
function slowServer(delayMs: number | "on answer()", onAnswered: () => void = () => undefined) {
  const started = Promise.withResolvers<void>();
  const answer = Promise.withResolvers<void>();
  const app = new Elysia()
    .get("/slow", async () => {
      started.resolve();
      await (delayMs === "on answer()" ? answer.promise : sleep(delayMs));
      onAnswered();
      return { done: true };
    })
    .listen({ hostname: "127.0.0.1", port: 0 });
  return { app, started: started.promise, answer: () => answer.resolve() };
}

describe("graceful shutdown", () => {
  test("an in-flight request finishes, then workers stop, then resources close, in that order", async () => {
    const order: string[] = [];
    const { app, started, answer } = slowServer("on answer()", () => order.push("request answered"));
    const url = `http://127.0.0.1:${app.server?.port}/slow`;
    const lifecycle = new Lifecycle(log);
    lifecycle.addResource("pool", () => void order.push("pool closed"));
    lifecycle.addResource("redis", () => void order.push("redis closed"));
    lifecycle.addWorker("sync", () => void order.push("worker stopped"));

    const inFlight = fetch(url).then(async (res) => ({ status: res.status, body: await res.json() }));
    await started;
    expect(lifecycle.isDraining).toBe(false);
    const done = lifecycle.shutdown(app, 5000);
    expect(lifecycle.isDraining).toBe(true);
    // Shutdown waits for the request: nothing is stopped or closed before it is answered.
    await sleep(20);
    expect(order).toEqual([]);
    answer();
    const answered = await inFlight;
    await done;
    expect(answered).toEqual({ status: 200, body: { done: true } });
    expect(order).toEqual(["request answered", "worker stopped", "redis closed", "pool closed"]);
    await expect(fetch(url)).rejects.toThrow();
  });

  test("a request that outlives the bound is cut off and shutdown still completes", async () => {
    const { app, started: inside } = slowServer("on answer()");
    const url = `http://127.0.0.1:${app.server?.port}/slow`;
    const lifecycle = new Lifecycle(log);
    let closed = false;
    lifecycle.addResource("pool", () => {
      closed = true;
    });
    const inFlight = fetch(url).then(
      () => "answered",
      () => "cut off",
    );
    await inside;
    const started = performance.now();
    await lifecycle.shutdown(app, 200);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(closed).toBe(true);
    expect(await inFlight).toBe("cut off");
  });

  test("a second signal does not run shutdown twice", async () => {
    const { app } = slowServer(1);
    const lifecycle = new Lifecycle(log);
    let closes = 0;
    lifecycle.addResource("pool", () => {
      closes += 1;
    });
    await Promise.all([lifecycle.shutdown(app, 1000), lifecycle.shutdown(app, 1000)]);
    expect(closes).toBe(1);
  });
});
