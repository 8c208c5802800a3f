import type { Redis } from "ioredis";
import type { Logger } from "./logger";
import { throttledWarn } from "./redis";

export interface Subscription {
  onMessage(message: string): void;
  /** The subscription is live (again): reload whatever state may have been missed meanwhile. */
  onLive(): void | Promise<void>;
  /** Messages may be missed from now on until the next onLive. */
  onLost(): void;
}

/** Fan-out of small messages to every replica (revocations today). */
export interface Broadcast {
  readonly kind: "redis" | "memory";
  publish(channel: string, message: string): Promise<void>;
  subscribe(channel: string, subscription: Subscription): void;
  close(): Promise<void>;
}

/** One process: every subscriber hears every message at once, and is live from the start. */
export function createMemoryBroadcast(): Broadcast {
  const channels = new Map<string, Subscription[]>();
  return {
    kind: "memory",
    async publish(channel, message) {
      for (const subscription of channels.get(channel) ?? []) subscription.onMessage(message);
    },
    subscribe(channel, subscription) {
      channels.set(channel, [...(channels.get(channel) ?? []), subscription]);
      Promise.resolve(subscription.onLive()).catch(() => undefined);
    },
    async close() {
      channels.clear();
    },
  };
}

/**
 * Redis pub/sub on a connection of its own (a subscribed connection can do nothing else).
 * Pub/sub delivers only to connected subscribers, so every (re)connection is reported as
 * onLive for the subscriber to reload from durable state, and every drop as onLost.
 */
const RELOAD_RETRY_MS = 500;

export function createRedisBroadcast(client: Redis, options: { prefix: string; log: Logger }): Broadcast {
  const subscriber = client.duplicate({ lazyConnect: true });
  const subscriptions = new Map<string, Subscription[]>();
  const warn = throttledWarn(options.log.child({ component: "broadcast" }), 10_000);
  const full = (channel: string) => `${options.prefix}${channel}`;
  let live = false;

  const goLive = async () => {
    try {
      if (subscriptions.size > 0) await subscriber.subscribe(...[...subscriptions.keys()].map(full));
      live = true;
      for (const list of subscriptions.values()) for (const s of list) await s.onLive();
    } catch (error) {
      warn({ err: error instanceof Error ? error.message : String(error) }, "broadcast subscription failed");
      // The subscriber can be back before the connection the subscribers reload through: try again.
      if (subscriber.status === "ready") setTimeout(() => void goLive(), RELOAD_RETRY_MS).unref?.();
    }
  };
  const goDark = () => {
    if (!live) return;
    live = false;
    for (const list of subscriptions.values()) for (const s of list) s.onLost();
  };

  subscriber.on("ready", () => void goLive());
  subscriber.on("close", goDark);
  subscriber.on("error", (error: Error) => warn({ err: error.message }, "broadcast connection error"));
  subscriber.on("message", (channel: string, message: string) => {
    const name = channel.slice(options.prefix.length);
    for (const s of subscriptions.get(name) ?? []) s.onMessage(message);
  });
  subscriber.connect().catch(() => undefined);

  return {
    kind: "redis",
    async publish(channel, message) {
      await client.publish(full(channel), message);
    },
    subscribe(channel, subscription) {
      subscriptions.set(channel, [...(subscriptions.get(channel) ?? []), subscription]);
      if (live) {
        subscriber
          .subscribe(full(channel))
          .then(() => subscription.onLive())
          .catch((error: unknown) => warn({ err: error instanceof Error ? error.message : String(error) }, "broadcast subscription failed"));
      }
    },
    async close() {
      goDark();
      subscriptions.clear();
      subscriber.disconnect();
    },
  };
}
