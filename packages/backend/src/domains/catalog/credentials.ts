/**
 * Store credentials at rest: AES-256-GCM under a named key, sealed to the store's id (AAD) so a
 * ciphertext copied onto another store does not open. The envelope names its key, so older keys
 * can keep decrypting while `rotateCredentials` moves every row to the current one:
 *
 *   v1.<keyId>.<iv base64url>.<tag base64url>.<ciphertext base64url>
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

export interface CredentialKey {
  id: string;
  /** 32 raw bytes. */
  key: Buffer;
}

/** The key new envelopes are sealed with, and the older ones that may still open envelopes. */
export interface CredentialKeyring {
  current: CredentialKey;
  previous: readonly CredentialKey[];
}

export type UnreadableReason = "UNKNOWN_KEY" | "WRONG_KEY_OR_TAMPERED" | "MALFORMED";

/**
 * Credentials that cannot be opened. Deliberately not an AppError: it is our configuration's
 * fault, never the client's, so it must reach the log and Sentry as a 500, not a quiet 4xx.
 */
export class CredentialsUnreadable extends Error {
  constructor(
    readonly storeId: string,
    readonly keyId: string | undefined,
    readonly reason: UnreadableReason,
  ) {
    super(`credentials of store ${storeId} cannot be decrypted (${reason}, key ${keyId ?? "unknown"})`);
    this.name = "CredentialsUnreadable";
  }
}

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

export interface SealedCredentials {
  ciphertext: string;
  keyId: string;
}

export interface CredentialCipher {
  readonly currentKeyId: string;
  seal(storeId: string, credentials: Record<string, string>): SealedCredentials;
  /** Throws CredentialsUnreadable rather than ever answering garbage or an empty object. */
  open(storeId: string, envelope: string): Record<string, string>;
}

function checkKeyring(keyring: CredentialKeyring): Map<string, Buffer> {
  const keys = new Map<string, Buffer>();
  for (const { id, key } of [keyring.current, ...keyring.previous]) {
    if (!KEY_ID_PATTERN.test(id)) throw new Error(`credential key id "${id}" must be 1-32 letters, digits, '_' or '-'`);
    if (key.length !== 32) throw new Error(`credential key ${id} must be 32 bytes`);
    if (keys.has(id)) throw new Error(`credential key id ${id} is listed twice`);
    keys.set(id, key);
  }
  return keys;
}

const b64 = (bytes: Buffer) => bytes.toString("base64url");

function isStringRecord(value: unknown): value is Record<string, string> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === "string");
}

export function createCredentialCipher(keyring: CredentialKeyring): CredentialCipher {
  const keys = checkKeyring(keyring);
  const current = keyring.current;

  function decrypt(storeId: string, keyId: string, parts: string[]): Buffer {
    const key = keys.get(keyId);
    if (!key) throw new CredentialsUnreadable(storeId, keyId, "UNKNOWN_KEY");
    const [iv, tag, data] = parts.map((part) => Buffer.from(part, "base64url"));
    if (!iv || !tag || !data || iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
      throw new CredentialsUnreadable(storeId, keyId, "MALFORMED");
    }
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(storeId, "utf8"));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(data), decipher.final()]);
    } catch {
      throw new CredentialsUnreadable(storeId, keyId, "WRONG_KEY_OR_TAMPERED");
    }
  }

  return {
    currentKeyId: current.id,

    seal(storeId, credentials) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", current.key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(storeId, "utf8"));
      const data = Buffer.concat([cipher.update(JSON.stringify(credentials), "utf8"), cipher.final()]);
      return { ciphertext: [VERSION, current.id, b64(iv), b64(cipher.getAuthTag()), b64(data)].join("."), keyId: current.id };
    },

    open(storeId, envelope) {
      const [version, keyId, ...parts] = envelope.split(".");
      if (version !== VERSION || keyId === undefined || parts.length !== 3) {
        throw new CredentialsUnreadable(storeId, keyId, "MALFORMED");
      }
      const plaintext = decrypt(storeId, keyId, parts);
      let parsed: unknown;
      try {
        parsed = JSON.parse(plaintext.toString("utf8"));
      } catch {
        throw new CredentialsUnreadable(storeId, keyId, "MALFORMED");
      }
      if (!isStringRecord(parsed)) throw new CredentialsUnreadable(storeId, keyId, "MALFORMED");
      return parsed;
    },
  };
}
