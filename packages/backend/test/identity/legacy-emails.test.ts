import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { users } from "../../src/domains/identity/schema";
import { createTestApp, type TestApp } from "../support/app";
import { bodyOf } from "../support/http";
import { get, PASSWORD, postJson } from "../support/identity";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ label: "legacy-emails" });
});
afterAll(() => t.close());

const ZERO_WIDTH_SPACE = "\u200B";
const CYRILLIC_A = "\u0430";
const OTHER_PASSWORD = "another horse battery";
/** Letters and digits in their fullwidth forms (U+FF21...), the @ and dots left as they are. */
const fullwidth = (ascii: string) => ascii.replace(/[a-z0-9]/gi, (c) => String.fromCodePoint((c.codePointAt(0) ?? 0) + 0xfee0));
const fresh = () => `legacy${Math.random().toString(36).replace(/[^a-z]/g, "").slice(0, 8)}@example.com`;

let createdAt = Date.now() - 3_600_000;
/**
 * An account as the version before normalisation wrote it: the email as typed, trimmed and
 * lower-cased only (drizzle/0000's users_email_normalised check), no skeleton. Written directly
 * because today's sign-up refuses to create it. A second apart, so "older" never rests on ids.
 */
async function legacyAccount(typed: string, password = PASSWORD): Promise<string> {
  createdAt += 1000;
  const passwordHash = await Bun.password.hash(password, { algorithm: "argon2id", memoryCost: 1024, timeCost: 1 });
  const [row] = await t.infra.database.db
    .insert(users)
    .values({ email: typed.trim().toLowerCase(), passwordHash, createdAt: new Date(createdAt) })
    .returning({ id: users.id });
  if (!row) throw new Error("insert returned nothing");
  return row.id;
}

/** The id of the account a login lands in, or the refusal's code. */
async function whoLogsIn(email: string, password = PASSWORD): Promise<string> {
  const res = await postJson(t, "/api/v1/auth/login", { email, password });
  const body = await bodyOf(res);
  if (res.status !== 200) return `refused ${body.error.code}`;
  return (await bodyOf(await get(t, "/api/v1/auth/me", body.accessToken))).id;
}

/** What main.ts runs at every start, before the server listens. */
const startUp = () => t.services.identity.reconcileEmails();

describe("accounts stored before emails were normalised", () => {
  test("a fullwidth email logs in with the spelling its owner always typed, before the start-up back-fill and after it", async () => {
    const email = fresh();
    const typed = fullwidth(email).toUpperCase();
    const id = await legacyAccount(typed);
    // A row an earlier replica wrote during a rolling deploy, after this version's back-fill ran.
    expect(await whoLogsIn(typed)).toBe(id);
    await startUp();
    expect(await whoLogsIn(typed)).toBe(id);
    expect(await whoLogsIn(email)).toBe(id);
  });

  test("an email with a trailing zero-width space logs in as typed and, once back-filled, without it", async () => {
    const email = fresh();
    const typed = `${email}${ZERO_WIDTH_SPACE}`;
    const id = await legacyAccount(typed);
    expect(await whoLogsIn(typed)).toBe(id);
    await startUp();
    expect(await whoLogsIn(typed)).toBe(id);
    expect(await whoLogsIn(email)).toBe(id);
  });

  test("a legacy fullwidth account beside the plain one: each owner lands in their own account, even with the same password", async () => {
    const email = fresh();
    const plain = await legacyAccount(email);
    const wide = await legacyAccount(fullwidth(email));
    const report = await startUp();
    expect(report.collisions).toContainEqual({ userId: wide, collidesWith: plain });
    expect(await whoLogsIn(email)).toBe(plain);
    expect(await whoLogsIn(fullwidth(email))).toBe(wide);
    expect(await whoLogsIn(fullwidth(email).toUpperCase())).toBe(wide);
  });

  test("two legacy rows that normalise to one email are not merged; each owner logs in with their exact old spelling", async () => {
    const email = fresh();
    const first = await legacyAccount(fullwidth(email));
    const second = await legacyAccount(`${email}${ZERO_WIDTH_SPACE}`, OTHER_PASSWORD);
    const report = await startUp();
    expect(report.collisions).toContainEqual({ userId: second, collidesWith: first });
    expect(await whoLogsIn(fullwidth(email))).toBe(first);
    expect(await whoLogsIn(`${email}${ZERO_WIDTH_SPACE}`, OTHER_PASSWORD)).toBe(second);
    // The normalised form is the first account's now: the second owner's password does not open it.
    expect(await whoLogsIn(email)).toBe(first);
    expect(await whoLogsIn(email, OTHER_PASSWORD)).toBe("refused INVALID_CREDENTIALS");
    const ids = (await t.infra.database.db.select({ id: users.id }).from(users)).map((u) => u.id);
    expect(ids).toContain(first);
    expect(ids).toContain(second);
  });

  test("two legacy rows with one skeleton (Latin and Cyrillic a) both log in with their exact spelling", async () => {
    const email = fresh();
    const latin = await legacyAccount(email);
    const cyrillic = await legacyAccount(email.replace("a", CYRILLIC_A), OTHER_PASSWORD);
    const report = await startUp();
    expect(report.collisions).toContainEqual({ userId: cyrillic, collidesWith: latin });
    expect(await whoLogsIn(email)).toBe(latin);
    expect(await whoLogsIn(email.replace("a", CYRILLIC_A), OTHER_PASSWORD)).toBe(cyrillic);
    expect(await whoLogsIn(email, OTHER_PASSWORD)).toBe("refused INVALID_CREDENTIALS");
  });

  test("a legacy account's spelling opens only that account: someone else's email with its password is refused", async () => {
    const email = fresh();
    await legacyAccount(fullwidth(email));
    const other = fresh();
    await legacyAccount(other, OTHER_PASSWORD);
    await startUp();
    expect(await whoLogsIn(other)).toBe("refused INVALID_CREDENTIALS");
    expect(await whoLogsIn(email, OTHER_PASSWORD)).toBe("refused INVALID_CREDENTIALS");
  });
});
