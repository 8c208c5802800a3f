/**
 * Reading a marketplace's answer defensively (OWASP API10): the body is read up to a ceiling and
 * no further, so a hostile or broken host cannot make us buffer gigabytes, and redirects are not
 * followed, so a store's host cannot bounce our signed requests (and their credentials) to an
 * internal address.
 */
import { readAtMost } from "../../infra/bounded-read";

/** Far above any documented answer (a 1000-item batch result or a 200-package order page is ~1 MB). */
export const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

/** Fetch options every marketplace call uses. */
export const SAFE_FETCH = { redirect: "manual" } as const satisfies RequestInit;

export class AnswerTooLarge extends Error {
  constructor(readonly limitBytes: number) {
    super(`the answer is larger than ${limitBytes} bytes`);
    this.name = "AnswerTooLarge";
  }
}

/** The body as text, or AnswerTooLarge once it passes `limitBytes` (declared or counted). */
export async function readCappedText(response: Response, limitBytes = MAX_ANSWER_BYTES): Promise<string> {
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limitBytes) {
    await response.body?.cancel();
    throw new AnswerTooLarge(limitBytes);
  }
  if (!response.body) return "";
  const bytes = await readAtMost(response.body, limitBytes);
  if (!bytes) throw new AnswerTooLarge(limitBytes);
  return new TextDecoder().decode(bytes);
}
