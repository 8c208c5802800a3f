import { createHash, randomBytes, randomUUID } from "node:crypto";
import { errors as joseErrors, jwtVerify, SignJWT } from "jose";
import { Unauthenticated } from "../../infra/errors";
import { TokenExpired } from "./errors";
import { LruCache } from "../../infra/lru";
import type { Role } from "./model";

export interface AccessClaims {
  userId: string;
  role: Role;
  sessionId: string;
  tokenId: string;
  /** Seconds since the epoch. */
  expiresAt: number;
}

const ALGORITHM = "HS256";
const ISSUER = "pazarsync";
const AUDIENCE = "pazarsync-api";
const ROLES: readonly string[] = ["customer", "staff", "admin"];

export interface AccessTokens {
  sign(subject: { userId: string; role: Role; sessionId: string }): Promise<{ token: string; claims: AccessClaims }>;
  /** Throws Unauthenticated with TOKEN_EXPIRED or UNAUTHENTICATED. */
  verify(token: string): Promise<AccessClaims>;
}

export function createAccessTokens(secret: string, ttlSeconds: number): AccessTokens {
  const key = new TextEncoder().encode(secret);
  // The same token comes back on every request of a session: its signature is checked once.
  // Keyed by the exact token text, so nothing altered can hit; expiry is still checked each time.
  const verified = new LruCache<string, AccessClaims>(20_000, ttlSeconds * 1000);

  async function verifySignature(token: string): Promise<AccessClaims> {
    try {
      // The algorithm is pinned: "none" and every other algorithm are refused.
      const { payload } = await jwtVerify(token, key, { algorithms: [ALGORITHM], issuer: ISSUER, audience: AUDIENCE });
      const { sub, jti, exp, role, sid } = payload;
      if (!sub || !jti || !exp || typeof sid !== "string" || typeof role !== "string" || !ROLES.includes(role)) {
        throw new Unauthenticated("The access token is not valid");
      }
      return { userId: sub, role: role as Role, sessionId: sid, tokenId: jti, expiresAt: exp };
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw new TokenExpired("access");
      if (error instanceof Unauthenticated) throw error;
      throw new Unauthenticated("The access token is not valid");
    }
  }

  return {
    async sign({ userId, role, sessionId }) {
      const issuedAt = Math.floor(Date.now() / 1000);
      const claims: AccessClaims = { userId, role, sessionId, tokenId: randomUUID(), expiresAt: issuedAt + ttlSeconds };
      const token = await new SignJWT({ role, sid: sessionId })
        .setProtectedHeader({ alg: ALGORITHM, typ: "JWT" })
        .setSubject(userId)
        .setJti(claims.tokenId)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt(issuedAt)
        .setExpirationTime(claims.expiresAt)
        .sign(key);
      return { token, claims };
    },
    async verify(token) {
      const cached = verified.get(token);
      if (cached) {
        if (cached.expiresAt * 1000 <= Date.now()) throw new TokenExpired("access");
        return cached;
      }
      const claims = await verifySignature(token);
      verified.set(token, claims, Math.max(0, claims.expiresAt * 1000 - Date.now()));
      return claims;
    },
  };
}

/** Refresh tokens are opaque random strings; only their SHA-256 is stored. */
export function newRefreshToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, hash: hashRefreshToken(token) };
}

export function hashRefreshToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
