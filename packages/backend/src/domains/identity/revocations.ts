import type { Broadcast } from "../../infra/broadcast";
import type { KeyValueStore } from "../../infra/kv";
import { withTimeout } from "../../infra/timeout";

/**
 * Access tokens are stateless JWTs; revoking one early means telling every replica. Revocations
 * live in one sorted set in the shared store (member "jti:<id>" or "sid:<id>", score = when the
 * entry may be forgotten: no access token outlives it), and every replica keeps a copy in memory,
 * kept current by a broadcast. Checking a token is then a map lookup; while the broadcast is not
 * live (start, reconnect) each check asks the shared store instead.
 */
export interface Revocations {
  revokeToken(tokenId: string, untilEpochSeconds: number): Promise<void>;
  revokeSessionTokens(sessionId: string, ttlSeconds: number): Promise<void>;
  /** True when the token or its whole session was revoked. Throws when the store cannot answer. */
  isRevoked(tokenId: string, sessionId: string): Promise<boolean>;
}

const SET_KEY = "auth:revoked";
const CHANNEL = "auth:revocations";
// Every authenticated request may ask this store: a slow failure must not hold requests up.
const STORE_TIMEOUT_MS = 500;

export function createRevocations(kv: KeyValueStore, broadcast: Broadcast): Revocations {
  const local = new Map<string, number>();
  let live = false;

  const remember = (member: string, untilMs: number) => {
    if (untilMs > Date.now()) local.set(member, untilMs);
  };
  const forgetExpired = () => {
    const now = Date.now();
    for (const [member, until] of local) if (until <= now) local.delete(member);
  };
  const sweep = setInterval(forgetExpired, 60_000);
  sweep.unref?.();

  broadcast.subscribe(CHANNEL, {
    onMessage(message) {
      const [member, until] = message.split("|");
      if (member && until) remember(member, Number(until));
    },
    async onLive() {
      // Whatever was revoked while we were not listening is in the shared set.
      const entries = await kv.zrangeByScore(SET_KEY, Date.now(), Number.POSITIVE_INFINITY);
      for (const entry of entries) remember(entry.member, entry.score);
      live = true;
    },
    onLost() {
      live = false;
    },
  });

  async function revoke(member: string, untilMs: number): Promise<void> {
    remember(member, untilMs);
    await withTimeout(kv.zadd(SET_KEY, [{ member, score: untilMs }]), STORE_TIMEOUT_MS, "revocation store");
    await withTimeout(broadcast.publish(CHANNEL, `${member}|${untilMs}`), STORE_TIMEOUT_MS, "revocation broadcast");
    // Trim what no token can need any more, so the set stays as small as 15 minutes of logouts.
    const stale = await kv.zrangeByScore(SET_KEY, Number.NEGATIVE_INFINITY, Date.now(), 500);
    if (stale.length > 0) await kv.zrem(SET_KEY, ...stale.map((s) => s.member));
  }

  const isLocallyRevoked = (member: string) => (local.get(member) ?? 0) > Date.now();

  return {
    revokeToken: (tokenId, untilEpochSeconds) => revoke(`jti:${tokenId}`, untilEpochSeconds * 1000),
    revokeSessionTokens: (sessionId, ttlSeconds) => revoke(`sid:${sessionId}`, Date.now() + ttlSeconds * 1000),
    async isRevoked(tokenId, sessionId) {
      const members = [`jti:${tokenId}`, `sid:${sessionId}`];
      if (members.some(isLocallyRevoked)) return true;
      if (live) return false;
      const scores = await withTimeout(Promise.all(members.map((m) => kv.zscore(SET_KEY, m))), STORE_TIMEOUT_MS, "revocation store");
      return scores.some((score) => score !== null && score > Date.now());
    },
  };
}
