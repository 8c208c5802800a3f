/**
 * Loaded before the tests (bunfig.toml's [test] preload). Bun 1.4.5 reads no timeout from
 * bunfig.toml, and setDefaultTimeout holds for the file being loaded: this gives `bun test <file>`
 * the 30 s the tests need (they start apps, databases and child processes) without --timeout.
 * Several files in one process keep the default for all but the first, hence --timeout in the
 * package.json test script.
 */
import { setDefaultTimeout } from "bun:test";
import { readFileSync } from "node:fs";

/** setDefaultTimeout would override a --timeout given on the command line: leave that one alone. */
function timeoutGiven(): boolean {
  try {
    return readFileSync("/proc/self/cmdline", "utf8").split("\0").some((arg) => arg === "--timeout" || arg.startsWith("--timeout="));
  } catch {
    return false;
  }
}

if (!timeoutGiven()) setDefaultTimeout(30_000);
