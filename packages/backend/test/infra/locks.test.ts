import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Redis } from "ioredis";
import { LockTimeout, ServiceUnavailable } from "../../src/infra/errors";
import { createMemoryLocks, createNoLocks, createRedlockLocks, KeyedMutex, type LockPort } from "../../src/infra/locks";
import { createLogger } from "../../src/infra/logger";
import { closeRedis, createRedisClient } from "../../src/infra/redis";
import { closedPort, sleep } from "../support/net";
import { waitUntil } from "../support/wait";
import { redisUrl, skipReason, uniquePrefix } from "../support/env";

const log = createLogger({ level: "silent", pretty: false });

interface Interval {
  start: number;
  end: number;
}

/**
 * Holds the keys for holdMs, or until `release()` when holdMs is "released" (for tests that must
 * see the key held, whatever the machine's speed); `entered` resolves once inside, so a second
 * contender starts strictly later.
 */
function hold(port: LockPort, keys: string[], holdMs: number | "released", opts?: { ttlMs?: number; waitMs?: number }) {
  const gate = Promise.withResolvers<void>();
  let signalEntered: () => void = () => undefined;
  const entered = new Promise<void>((resolve) => {
    signalEntered = resolve;
  });
  const done = port.withLocks(
    keys,
    async (): Promise<Interval> => {
      const start = performance.now();
      signalEntered();
      await (holdMs === "released" ? gate.promise : sleep(holdMs));
      return { start, end: performance.now() };
    },
    opts,
  );
  return { entered, done, release: () => gate.resolve() };
}


function lockPortSuite(create: () => LockPort) {
  let locks: LockPort;
  beforeAll(() => {
    locks = create();
  });

  test("two contenders on one key run one after the other", async () => {
    const first = hold(locks, ["stock:1"], 80);
    await first.entered;
    const second = hold(locks, ["stock:1"], 10);
    const [a, b] = await Promise.all([first.done, second.done]);
    expect(b.start).toBeGreaterThanOrEqual(a.end);
  });

  test("different keys are held at the same time", async () => {
    const first = hold(locks, ["stock:2"], "released");
    await first.entered;
    const b = await hold(locks, ["stock:3"], 10, { waitMs: 5_000 }).done;
    first.release();
    const a = await first.done;
    expect(b.start).toBeLessThan(a.end);
  });

  test("waiters on one key enter in arrival order", async () => {
    const order: number[] = [];
    const first = hold(locks, ["stock:fifo"], 40);
    await first.entered;
    const rest = [1, 2, 3].map((n) => locks.withLocks(["stock:fifo"], async () => void order.push(n)));
    await Promise.all([first.done, ...rest]);
    expect(order).toEqual([1, 2, 3]);
  });

  test("overlapping key sets requested in different orders neither deadlock nor overlap", async () => {
    const orders = [["a", "b", "c"], ["c", "b", "a"], ["b", "a"], ["c", "a"], ["b", "c"], ["a", "a", "c"]];
    const holders = new Map<string, number>();
    let overlaps = 0;
    const tasks = Array.from({ length: 24 }, (_, i) => {
      const keys = (orders[i % orders.length] as string[]).map((k) => `order:${k}`);
      return locks.withLocks(
        keys,
        async () => {
          for (const key of new Set(keys)) {
            if (holders.has(key)) overlaps += 1;
            holders.set(key, i);
          }
          await sleep(3);
          for (const key of new Set(keys)) holders.delete(key);
          return i;
        },
        { waitMs: 4_000 },
      );
    });
    expect((await Promise.all(tasks)).length).toBe(24);
    expect(overlaps).toBe(0);
  });

  test("a contender that cannot get the key within waitMs gets LockTimeout", async () => {
    const first = hold(locks, ["stock:busy"], "released");
    await first.entered;
    const started = performance.now();
    const attempt = locks.withLocks(["stock:busy", "stock:other"], async () => "entered", { waitMs: 100 });
    const error = await attempt.then(
      () => undefined,
      (err: unknown) => err,
    );
    const waited = performance.now() - started;
    expect(error).toBeInstanceOf(LockTimeout);
    expect((error as LockTimeout).details).toEqual({ keys: ["stock:busy", "stock:other"] });
    expect(waited).toBeGreaterThanOrEqual(90);
    expect(waited).toBeLessThan(350);
    first.release();
    await first.done;
    // What the timed-out waiter took before giving up was given back.
    expect(await locks.tryWithLocks(["stock:other"], async () => "free")).toEqual({ acquired: true, value: "free" });
  });

  test("the lock is released when fn throws, and the error reaches the caller unchanged", async () => {
    const boom = new Error("shortfall");
    await expect(locks.withLocks(["stock:throws"], async () => Promise.reject(boom))).rejects.toBe(boom);
    expect(await locks.withLocks(["stock:throws"], async () => "again", { waitMs: 0 })).toBe("again");
  });

  test("tryWithLocks does not run fn while a key is held, and runs it once free", async () => {
    const first = hold(locks, ["sync:store-1"], "released");
    await first.entered;
    let ran = false;
    const busy = await locks.tryWithLocks(["sync:store-1", "sync:store-2"], async () => {
      ran = true;
    });
    expect(busy).toEqual({ acquired: false });
    expect(ran).toBe(false);
    first.release();
    await first.done;
    expect(await locks.tryWithLocks(["sync:store-1"], async () => 42)).toEqual({ acquired: true, value: 42 });
  });

  test("close waits for running sections, then refuses new ones", async () => {
    const port = create();
    const events: string[] = [];
    const section = hold(port, ["close:1"], "released");
    const running = section.done.then(() => void events.push("section done"));
    await section.entered;
    const closing = port.close().then(() => void events.push("closed"));
    await sleep(20);
    expect(events).toEqual([]);
    section.release();
    await closing;
    await running;
    expect(events).toEqual(["section done", "closed"]);
    const refused = await port.withLocks(["close:2"], async () => 1).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(ServiceUnavailable);
  });
}

describe("memory locks", () => {
  lockPortSuite(() => createMemoryLocks());

  test("the keyed mutex forgets keys once nobody holds or waits for them", async () => {
    const mutex = new KeyedMutex();
    expect(await mutex.acquireAll(["k1", "k2"], Date.now() + 1_000)).toBe(true);
    const waiting = mutex.acquireAll(["k2", "k3"], Date.now() + 30);
    const timedOut = mutex.acquireAll(["k1"], Date.now() + 30);
    expect(await timedOut).toBe(false);
    expect(await waiting).toBe(false);
    mutex.releaseAll(["k1", "k2"]);
    expect(mutex.activeKeys).toBe(0);
  });
});

describe("no locks (STOCK_LOCKS=off)", () => {
  test("two sections on one key run at the same time", async () => {
    const locks = createNoLocks();
    const first = hold(locks, ["stock:1"], "released");
    await first.entered;
    const b = await hold(locks, ["stock:1"], 10).done;
    first.release();
    const a = await first.done;
    expect(b.start).toBeLessThan(a.end);
    expect(locks.kind).toBe("none");
  });

  test("tryWithLocks gets in while another section is running on the key", async () => {
    const locks = createNoLocks();
    const first = hold(locks, ["sync:store-1"], "released");
    await first.entered;
    expect(await locks.tryWithLocks(["sync:store-1"], async () => "in")).toEqual({ acquired: true, value: "in" });
    first.release();
    await first.done;
  });
});

describe("redlock with every node down", () => {
  test("withLocks gives LockTimeout within its wait instead of hanging", async () => {
    const client = createRedisClient(`redis://127.0.0.1:${await closedPort()}`, log, "down");
    const locks = createRedlockLocks([client], { prefix: "ps:test:down:", log });
    const started = performance.now();
    const error = await locks.withLocks(["stock:1"], async () => "entered", { waitMs: 200 }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(LockTimeout);
    expect(performance.now() - started).toBeLessThan(3_000);
    await locks.close();
    await closeRedis(client);
  });

  test("an even number of nodes is refused at start-up", () => {
    const clients = [1, 2].map((n) => createRedisClient("redis://127.0.0.1:1", log, `even-${n}`));
    expect(() => createRedlockLocks(clients, { prefix: "x:", log })).toThrow(/odd number/);
    for (const client of clients) client.disconnect();
  });
});

describe.skipIf(!!skipReason("redis"))("redlock locks", () => {
  const prefix = uniquePrefix("locks");
  const clients: Redis[] = [];
  /** Each call is another "process": its own client and its own in-process queue. */
  const newProcess = (url = redisUrl as string) => {
    const client = createRedisClient(url, log, `locks-test-${clients.length}`);
    clients.push(client);
    return createRedlockLocks([client], { prefix, log });
  };
  /** The same server seen as another independent node: another logical database. */
  const databaseUrl = (db: number) => {
    const url = new URL(redisUrl as string);
    url.pathname = `/${db}`;
    return url.toString();
  };

  afterAll(async () => {
    for (const client of clients) {
      if (client.status === "ready") {
        for await (const keys of client.scanStream({ match: `${prefix}*`, count: 200 })) {
          if (Array.isArray(keys) && keys.length > 0) await client.del(...keys.map(String));
        }
      }
      await closeRedis(client);
    }
  });

  lockPortSuite(() => newProcess());

  test("contenders inside one process queue locally, so Redis sees one attempt per holder", async () => {
    const locks = newProcess();
    const resource = `${prefix}lock:stock:hot`;
    const monitor = await (clients[clients.length - 1] as Redis).monitor();
    let scriptCalls = 0;
    // MONITOR also shows the commands a script runs; count only the scripts themselves.
    monitor.on("monitor", (_time: unknown, args: unknown) => {
      if (!Array.isArray(args) || !args.includes(resource)) return;
      if (/^eval/i.test(String(args[0]))) scriptCalls += 1;
    });
    await sleep(20);
    const holders = Array.from({ length: 5 }, () => locks.withLocks(["stock:hot"], () => sleep(30)));
    await Promise.all(holders);
    // MONITOR reports asynchronously: wait for the ten expected, then check no more came.
    await waitUntil(() => scriptCalls >= 10, { timeoutMs: 5_000, what: "ten lock scripts on MONITOR" }).catch(() => undefined);
    monitor.disconnect();
    // One acquire and one release each; without the local queue, every waiter would poll Redis.
    expect(scriptCalls).toBe(10);
  });

  test("two processes serialise on one key through Redis", async () => {
    const [a, b] = [newProcess(), newProcess()];
    const first = hold(a, ["stock:shared"], 100);
    await first.entered;
    expect(await clients[clients.length - 1]?.exists(`${prefix}lock:stock:shared`)).toBe(1);
    const second = hold(b, ["stock:shared"], 10);
    const [x, y] = await Promise.all([first.done, second.done]);
    expect(y.start).toBeGreaterThanOrEqual(x.end);
  });

  test("another process's tryWithLocks is refused while the key is held, and the waiter times out", async () => {
    const [a, b] = [newProcess(), newProcess()];
    const first = hold(a, ["sync:store-9"], "released");
    await first.entered;
    expect(await b.tryWithLocks(["sync:store-9"], async () => 1)).toEqual({ acquired: false });
    const started = performance.now();
    const error = await b.withLocks(["sync:store-9"], async () => 1, { waitMs: 100 }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(LockTimeout);
    expect(performance.now() - started).toBeLessThan(240);
    first.release();
    await first.done;
    // The holder sends its release without waiting for Redis's reply, so the key may outlive
    // `done` by a round trip: the other process gets it within a short wait, not necessarily at once.
    expect(await b.withLocks(["sync:store-9"], async () => 2, { waitMs: 1000 })).toBe(2);
  });

  test("a section that outlives its ttl keeps the lock extended", async () => {
    const [a, b] = [newProcess(), newProcess()];
    const probe = clients[clients.length - 1] as Redis;
    // A 1 s ttl is extended at its half: 500 ms of slack for a busy machine's event loop (200 ms
    // left 100 ms, which a loaded CI run outlasted).
    const first = hold(a, ["stock:slow"], "released", { ttlMs: 1000 });
    await first.entered;
    const enteredAt = performance.now();
    const refusals: boolean[] = [];
    // Well past the 1 s ttl: without extension the key would expire and b would get in.
    while (performance.now() - enteredAt < 2500) {
      const attempt = await b.tryWithLocks(["stock:slow"], async () => true, { ttlMs: 1000 });
      refusals.push(!attempt.acquired);
      expect(await probe.pttl(`${prefix}lock:stock:slow`)).toBeGreaterThan(0);
      await sleep(150);
    }
    first.release();
    await first.done;
    expect(refusals.every(Boolean)).toBe(true);
    expect(await b.tryWithLocks(["stock:slow"], async () => "mine")).toEqual({ acquired: true, value: "mine" });
  });

  test("three nodes decide by quorum: one node down is tolerated, two are not", async () => {
    const down = `redis://127.0.0.1:${await closedPort()}`;
    const node = (url: string) => {
      const client = createRedisClient(url, log, `node-${clients.length}`);
      clients.push(client);
      return client;
    };
    const healthy = createRedlockLocks([node(databaseUrl(1)), node(databaseUrl(2)), node(down)], { prefix, log });
    const rival = createRedlockLocks([node(databaseUrl(1)), node(databaseUrl(2)), node(down)], { prefix, log });
    const first = hold(healthy, ["stock:quorum"], "released");
    await first.entered;
    expect(await rival.tryWithLocks(["stock:quorum"], async () => 1)).toEqual({ acquired: false });
    first.release();
    await first.done;
    expect(await rival.tryWithLocks(["stock:quorum"], async () => 2)).toEqual({ acquired: true, value: 2 });

    const minority = createRedlockLocks([node(databaseUrl(1)), node(down), node(down)], { prefix, log });
    const error = await minority.withLocks(["stock:quorum"], async () => 3, { waitMs: 100 }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(LockTimeout);
  });
});
