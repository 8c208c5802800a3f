import { RateLimited } from "../../infra/errors";
import type { KeyValueStore } from "../../infra/kv";
import type { Logger } from "../../infra/logger";
import { createRateLimiter, type RateLimitDecision, type RateLimitRule } from "../../infra/rate-limit";
import { hashRefreshToken } from "./tokens";

export interface LoginThrottleSettings {
  failuresPerAccount: number;
  failuresPerIp: number;
  attemptsPerIp: number;
  windowSeconds: number;
}

/** An attempt already charged; a login that proves the password takes its failure charges back. */
export interface ChargedAttempt {
  succeeded(): Promise<void>;
}

/**
 * Password guessing is limited by failures, so a user who signs in often is never refused:
 * failed logins per (IP, email) and per IP, and a looser ceiling on every attempt per IP (which
 * also bounds what one address can do with correct passwords, e.g. stolen pairs). Each attempt is
 * charged to the failure budgets before the password is checked, so parallel guesses cannot pass
 * the limit, and refunded when the password was right. A registration is charged the same way
 * and refunded once the account exists: a taken email is a probe and stays a failure, while many
 * customers signing up behind one address (a mobile carrier's NAT) only meet the attempts ceiling.
 */
export function createLoginThrottle(deps: { kv: KeyValueStore; log: Logger; settings: LoginThrottleSettings }) {
  const { settings, log } = deps;
  const limiter = createRateLimiter({ kv: deps.kv, log });
  const windowMs = settings.windowSeconds * 1000;
  const failuresPerAccount: RateLimitRule = { name: "auth:account", limit: settings.failuresPerAccount, windowMs };
  const failuresPerIp: RateLimitRule = { name: "auth:ip-failures", limit: settings.failuresPerIp, windowMs };
  const attemptsPerIp: RateLimitRule = { name: "auth:ip", limit: settings.attemptsPerIp, windowMs };

  async function charge(email: string, ip: string): Promise<ChargedAttempt> {
    // The email is hashed in the key: counters must not put addresses in Redis in clear.
    const account = `${ip}|${hashRefreshToken(email)}`;
    const decisions: [RateLimitRule, RateLimitDecision][] = [
      [attemptsPerIp, await limiter.hit(attemptsPerIp, ip)],
      [failuresPerIp, await limiter.hit(failuresPerIp, ip)],
      [failuresPerAccount, await limiter.hit(failuresPerAccount, account)],
    ];
    const refused = decisions.filter(([, decision]) => !decision.allowed);
    if (refused.length > 0) {
      log.warn({ ip, rules: refused.map(([rule]) => rule.name) }, "auth attempts rate limited");
      throw new RateLimited(Math.max(...refused.map(([, d]) => d.retryAfterSeconds)), "Too many attempts, try again later");
    }
    return {
      async succeeded() {
        await limiter.refund(failuresPerIp, ip);
        await limiter.refund(failuresPerAccount, account);
      },
    };
  }

  return {
    /** Before checking a password: throws RateLimited; call succeeded() once the password is right. */
    login: charge,
    /** Before creating an account: charged like a login; succeeded() once the account exists. */
    register: charge,
  };
}
