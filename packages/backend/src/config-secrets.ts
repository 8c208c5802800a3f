/**
 * Production secrets must not be guessable: a JWT_SECRET of one repeated character or word
 * lets anyone mint tokens, and a credentials key of zeros decrypts every store's credentials.
 * Random secrets pass with a wide margin (a 32-character hex secret, the weakest generated form,
 * never scored under 87 bits in 200,000 draws; 32 random bytes never had fewer than 23 distinct
 * values in a million). Problems name the variable, never its value.
 */

const MIN_JWT_BITS = 64;
const MIN_KEY_DISTINCT_BYTES = 16;
const GRAM = 4;

/** Shannon entropy of the characters, times the length: an upper bound on what the text can hold. */
export function estimatedBits(text: string): number {
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  let perChar = 0;
  for (const n of counts.values()) perChar -= (n / text.length) * Math.log2(n / text.length);
  return perChar * text.length;
}

/** A short word repeated ("changeme-changeme-...") scores well per character but repeats its 4-grams. */
function repeatsItself(text: string): boolean {
  const grams = new Set<string>();
  for (let i = 0; i + GRAM <= text.length; i++) grams.add(text.slice(i, i + GRAM));
  return grams.size < (text.length - GRAM + 1) / 2;
}

export function jwtSecretProblem(secret: string): string | undefined {
  if (estimatedBits(secret) >= MIN_JWT_BITS && !repeatsItself(secret)) return undefined;
  return `JWT_SECRET is too predictable for production: it needs at least ${MIN_JWT_BITS} bits of estimated entropy and no repeating pattern (generate one with \`openssl rand -base64 48\`)`;
}

export function credentialsKeyProblem(key: Buffer): string | undefined {
  if (new Set(key).size >= MIN_KEY_DISTINCT_BYTES) return undefined;
  return `CREDENTIALS_KEY is too predictable for production: it needs at least ${MIN_KEY_DISTINCT_BYTES} distinct byte values among its 32 (generate one with \`openssl rand -base64 32\`)`;
}
