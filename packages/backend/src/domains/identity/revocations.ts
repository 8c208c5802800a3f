import type { KeyValueStore } from "../../infra/kv";
import { withTimeout } from "../../infra/timeout";

// Every authenticated request asks this store: a slow failure must not hold requests up.
const STORE_TIMEOUT_MS = 500;

/**
 * Access tokens are stateless JWTs; revoking one early means telling every replica through the
 * shared store. Entries live only as long as an access token can (15 minutes by default).
 */
export interface Revocations {
  revokeToken(tokenId: string, untilEpochSeconds: number): Promise<void>;
  revokeSessionTokens(sessionId: string, ttlSeconds: number): Promise<void>;
  /** True when the token or its whole session was revoked. Throws when the store cannot answer. */
  isRevoked(tokenId: string, sessionId: string): Promise<boolean>;
}

const tokenKey = (tokenId: string) => `auth:revoked:jti:${tokenId}`;
const sessionKey = (sessionId: string) => `auth:revoked:sid:${sessionId}`;

export function createRevocations(kv: KeyValueStore): Revocations {
  return {
    async revokeToken(tokenId, untilEpochSeconds) {
      const ttlMs = untilEpochSeconds * 1000 - Date.now();
      if (ttlMs > 0) await withTimeout(kv.set(tokenKey(tokenId), "1", { ttlMs }), STORE_TIMEOUT_MS, "revocation store");
    },
    async revokeSessionTokens(sessionId, ttlSeconds) {
      await withTimeout(kv.set(sessionKey(sessionId), "1", { ttlMs: ttlSeconds * 1000 }), STORE_TIMEOUT_MS, "revocation store");
    },
    async isRevoked(tokenId, sessionId) {
      const lookups = Promise.all([kv.exists(tokenKey(tokenId)), kv.exists(sessionKey(sessionId))]);
      const [token, session] = await withTimeout(lookups, STORE_TIMEOUT_MS, "revocation store");
      return token || session;
    },
  };
}
