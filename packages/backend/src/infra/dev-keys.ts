import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/**
 * Development only: a credentials key kept beside the PGlite data, so store credentials saved
 * in ./.data still decrypt after a restart. Production must set CREDENTIALS_KEY (config refuses
 * to start without it); this file never exists there.
 */
export function developmentCredentialsKey(path = "./.data/dev-credentials.key"): string {
  if (existsSync(path)) return readFileSync(path, "utf8").trim();
  mkdirSync(dirname(path), { recursive: true });
  const key = randomBytes(32).toString("base64");
  writeFileSync(path, `${key}\n`, { mode: 0o600 });
  return key;
}
