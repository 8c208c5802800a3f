import { describe, expect, test } from "bun:test";
import { SandboxEnvError, sandboxOptionsFromEnv } from "@pazarsync/marketplace-sandbox";

describe("sandbox settings from the environment", () => {
  test("defaults to port 4010, no time scaling and no faults", () => {
    const options = sandboxOptionsFromEnv({});
    expect(options).toMatchObject({ port: 4010, host: "127.0.0.1", timeScale: 1, resultDelayMs: 1000, sellers: [], accounts: {} });
    expect(options.faults).toEqual({ errorRate: 0, latencyMs: 0, status5xxRate: 0, dropRate: 0 });
  });

  test("reads sellers from SANDBOX_SELLERS and the single-seller variables", () => {
    const options = sandboxOptionsFromEnv({
      SANDBOX_SELLERS: JSON.stringify([{ sellerId: "1", apiKey: "a", apiSecret: "b", knownBarcodes: ["X"] }]),
      SANDBOX_SELLER_ID: "2",
      SANDBOX_API_KEY: "c",
      SANDBOX_API_SECRET: "d",
      SANDBOX_TIME_SCALE: "60",
      SANDBOX_DROP_RATE: "0.25",
    });
    expect(options.sellers?.map((s) => s.sellerId)).toEqual(["1", "2"]);
    expect(options.timeScale).toBe(60);
    expect(options.faults?.dropRate).toBe(0.25);
  });

  test("reads the other marketplaces' accounts from SANDBOX_ACCOUNTS and refuses an unknown marketplace", () => {
    const accounts = { HEPSIBURADA: [{ account: "m-1", key: "dev", secret: "service" }], N11: [{ account: "n-1", key: "k", secret: "s", known: ["B1"] }] };
    expect(sandboxOptionsFromEnv({ SANDBOX_ACCOUNTS: JSON.stringify(accounts) }).accounts).toEqual(accounts);
    expect(sandboxOptionsFromEnv({}).accounts).toEqual({});
    const problemsOf = (raw: string) => {
      try {
        sandboxOptionsFromEnv({ SANDBOX_ACCOUNTS: raw });
      } catch (thrown) {
        return (thrown as SandboxEnvError).problems.join("\n");
      }
      throw new Error("expected the settings to be refused");
    };
    expect(problemsOf(JSON.stringify({ AMAZON: [] }))).toContain("SANDBOX_ACCOUNTS");
    expect(problemsOf(JSON.stringify({ N11: [{ account: "n", key: "k" }] }))).toContain("SANDBOX_ACCOUNTS/N11/0");
    expect(problemsOf("{not json")).toBe("SANDBOX_ACCOUNTS is not JSON");
  });

  test("names every unusable setting at once", () => {
    let error: unknown;
    try {
      sandboxOptionsFromEnv({ PORT: "eighty", SANDBOX_5XX_RATE: "3", SANDBOX_SELLER_ID: "9" });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(SandboxEnvError);
    const problems = (error as SandboxEnvError).problems.join("\n");
    expect(problems).toContain("PORT");
    expect(problems).toContain("status5xxRate");
    expect(problems).toContain("apiKey");
  });
});
