/**
 * "Flush these stores soon": the message an order's stock change sends to whichever replica runs
 * the sync worker (kicker.ts acts on it). Over the Broadcast port: Redis pub/sub between replicas,
 * in-process in embedded mode. A lost message costs only speed: the marks are already in the
 * dirty buffer, and the interval flush sends them.
 */
import type { Broadcast } from "../../infra/broadcast";
import type { Logger } from "../../infra/logger";

const CHANNEL = "sync:kick";

export interface KickListener {
  /** These stores have fresh marks from an order. */
  onKick(storeIds: string[]): void;
  /** The channel is live (again) after kicks may have been missed: flush whatever waits. */
  onLive(): void;
}

export interface KickChannel {
  /** Called after the marks are written; never waits for the message, never throws. */
  send(storeIds: readonly string[]): void;
  listen(listener: KickListener): void;
}

function parse(message: string): string[] {
  try {
    const value: unknown = JSON.parse(message);
    return Array.isArray(value) ? value.filter((id): id is string => typeof id === "string") : [];
  } catch {
    return [];
  }
}

export function createKickChannel(broadcast: Broadcast, log: Logger): KickChannel {
  // Stores kicked within one event-loop turn go out as one message (a burst of orders, one publish).
  let pending: Set<string> | null = null;

  function publish(): void {
    const storeIds = pending;
    pending = null;
    if (!storeIds || storeIds.size === 0) return;
    broadcast.publish(CHANNEL, JSON.stringify([...storeIds])).catch((error: unknown) => {
      log.warn({ err: error instanceof Error ? error.message : String(error), stores: storeIds.size }, "flush kick not sent: the interval flush will send the change");
    });
  }

  return {
    send(storeIds) {
      if (storeIds.length === 0) return;
      if (!pending) {
        pending = new Set();
        setImmediate(publish);
      }
      for (const id of storeIds) pending.add(id);
    },
    listen(listener) {
      broadcast.subscribe(CHANNEL, {
        onMessage: (message) => {
          const storeIds = parse(message);
          if (storeIds.length > 0) listener.onKick(storeIds);
        },
        onLive: () => listener.onLive(),
        onLost: () => undefined,
      });
    },
  };
}
