import { Type } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { Faults, type SandboxOptions, SellerAccountInput } from "./options";

/** The marketplaces served by sandbox modules (Trendyol's accounts are the sellers). */
const MODULE_MARKETPLACES = ["HEPSIBURADA", "N11", "PAZARAMA", "PTTAVM"] as const;

export class SandboxEnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`The sandbox settings are not usable:\n  ${problems.join("\n  ")}`);
    this.name = "SandboxEnvError";
  }
}

type Env = Record<string, string | undefined>;

function number(env: Env, name: string, problems: string[], integer: boolean): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  const pattern = integer ? /^\d+$/ : /^\d+(\.\d+)?$/;
  if (!pattern.test(raw)) {
    problems.push(`${name} must be ${integer ? "a whole number" : "a number"}, got "${raw}"`);
    return undefined;
  }
  return Number(raw);
}

function sellersFrom(env: Env, problems: string[]): SellerAccountInput[] {
  const sellers: unknown[] = [];
  if (env.SANDBOX_SELLERS) {
    try {
      const parsed: unknown = JSON.parse(env.SANDBOX_SELLERS);
      if (Array.isArray(parsed)) sellers.push(...parsed);
      else problems.push("SANDBOX_SELLERS must be a JSON array of { sellerId, apiKey, apiSecret, knownBarcodes? }");
    } catch {
      problems.push("SANDBOX_SELLERS is not JSON");
    }
  }
  if (env.SANDBOX_SELLER_ID) {
    sellers.push({ sellerId: env.SANDBOX_SELLER_ID, apiKey: env.SANDBOX_API_KEY ?? "", apiSecret: env.SANDBOX_API_SECRET ?? "" });
  }
  const list = Type.Array(SellerAccountInput);
  const first = Value.Errors(list, sellers).First();
  if (first) problems.push(`sellers${first.path}: ${first.message}`);
  return first ? [] : Value.Decode(list, sellers);
}

const Account = Type.Object(
  {
    account: Type.String({ minLength: 1, maxLength: 64, pattern: "^[A-Za-z0-9_.-]+$" }),
    key: Type.String({ minLength: 1, maxLength: 200 }),
    secret: Type.String({ minLength: 1, maxLength: 200 }),
    known: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }))),
  },
  { additionalProperties: false },
);
const Accounts = Type.Object(
  Object.fromEntries(MODULE_MARKETPLACES.map((name) => [name, Type.Optional(Type.Array(Account))])),
  { additionalProperties: false },
);

/** SANDBOX_ACCOUNTS: `{ "HEPSIBURADA": [{ account, key, secret, known? }], "N11": [...], ... }`. */
function accountsFrom(env: Env, problems: string[]): SandboxOptions["accounts"] {
  if (!env.SANDBOX_ACCOUNTS) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(env.SANDBOX_ACCOUNTS);
  } catch {
    problems.push("SANDBOX_ACCOUNTS is not JSON");
    return {};
  }
  const first = Value.Errors(Accounts, parsed).First();
  if (first) problems.push(`SANDBOX_ACCOUNTS${first.path}: ${first.message} (names: ${MODULE_MARKETPLACES.join(", ")})`);
  return first ? {} : (parsed as SandboxOptions["accounts"]);
}

/**
 * PORT (default 4010), SANDBOX_HOST (127.0.0.1), SANDBOX_TIME_SCALE (1), SANDBOX_RESULT_DELAY_MS
 * (1000), SANDBOX_SELLERS (JSON array) and/or SANDBOX_SELLER_ID + SANDBOX_API_KEY +
 * SANDBOX_API_SECRET (Trendyol), SANDBOX_ACCOUNTS (the other marketplaces' accounts), faults SANDBOX_ERROR_RATE, SANDBOX_LATENCY_MS, SANDBOX_5XX_RATE,
 * SANDBOX_DROP_RATE. Fails with every problem at once.
 */
export function sandboxOptionsFromEnv(env: Env): SandboxOptions {
  const problems: string[] = [];
  const faults = {
    errorRate: number(env, "SANDBOX_ERROR_RATE", problems, false) ?? 0,
    latencyMs: number(env, "SANDBOX_LATENCY_MS", problems, true) ?? 0,
    status5xxRate: number(env, "SANDBOX_5XX_RATE", problems, false) ?? 0,
    dropRate: number(env, "SANDBOX_DROP_RATE", problems, false) ?? 0,
  };
  const faultError = Value.Errors(Faults, faults).First();
  if (faultError) problems.push(`faults${faultError.path}: ${faultError.message}`);
  const timeScale = number(env, "SANDBOX_TIME_SCALE", problems, false) ?? 1;
  if (timeScale <= 0) problems.push("SANDBOX_TIME_SCALE must be above 0");
  const port = number(env, "PORT", problems, true) ?? 4010;
  if (port > 65535) problems.push("PORT must be at most 65535");
  const options: SandboxOptions = {
    port,
    host: env.SANDBOX_HOST || "127.0.0.1",
    timeScale,
    resultDelayMs: number(env, "SANDBOX_RESULT_DELAY_MS", problems, true) ?? 1000,
    faults,
    sellers: sellersFrom(env, problems),
    accounts: accountsFrom(env, problems),
  };
  if (problems.length > 0) throw new SandboxEnvError(problems);
  return options;
}
