/**
 * `bun run admin:create -- --email ops@example.com` creates an admin. The password comes from
 * ADMIN_PASSWORD or standard input, never from the command line (it would show in `ps`).
 * An existing account with that email is left unchanged. In embedded mode stop the server
 * first: one PGlite folder belongs to one process.
 */
import { Value } from "@sinclair/typebox/value";
import { Identity } from "@pazarsync/shared";
import { loadConfig } from "../config";
import { createIdentityService } from "../domains/identity/service";
import { createMemoryBroadcast } from "../infra/broadcast";
import { openDatabase } from "../infra/db";
import { createMemoryKeyValue } from "../infra/kv";
import { createLogger } from "../infra/logger";

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

async function readPassword(): Promise<string> {
  if (process.env.ADMIN_PASSWORD) return process.env.ADMIN_PASSWORD;
  if (process.stdin.isTTY) process.stderr.write("Password (at least 10 characters): ");
  for await (const line of console) return line.trim();
  return "";
}

const config = loadConfig();
const log = createLogger({ level: "info", pretty: config.logPretty });
const email = argument("--email") ?? process.env.ADMIN_EMAIL ?? "";
const password = await readPassword();
const problems = [
  ...(Value.Check(Identity.Email, email) ? [] : ["--email (or ADMIN_EMAIL) must be an email address"]),
  ...(Value.Check(Identity.NewPassword, password) ? [] : ["the password must be 10 to 256 characters"]),
];
if (problems.length > 0) {
  log.error({ problems }, "admin not created");
  process.exit(2);
}

const database = await openDatabase({ url: config.databaseUrl, pgliteDataDir: config.pgliteDataDir, poolMax: 1, log });
try {
  await database.migrate();
  const identity = createIdentityService({
    db: database.db,
    kv: createMemoryKeyValue({ prefix: "script:" }),
    broadcast: createMemoryBroadcast(),
    config,
    log,
  });
  const outcome = await identity.ensureAdmin({ email, password });
  log.info({ outcome }, outcome === "created" ? "admin created" : "an account with this email exists; left unchanged");
} finally {
  await database.close();
}
