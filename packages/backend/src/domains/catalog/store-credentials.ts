/** A store's credentials column: sealing for writes, opening for the adapters, rotation to the current key. */
import type { Database } from "../../infra/db";
import { StoreNotFound } from "./errors";
import type { Logger } from "../../infra/logger";
import { type CredentialCipher, CredentialsUnreadable, type UnreadableReason } from "./credentials";
import { credentialsEnvelope, replaceCredentials, storesWithStaleCredentials } from "./stores-repository";

export interface RotationReport {
  /** Stores re-encrypted under the current key. */
  rotated: number;
  /** Stores whose credentials changed while rotating (a new write is already on the current key). */
  skipped: number;
  /** Stores that could not be opened with any configured key; they keep their old envelope. */
  failed: { storeId: string; keyId: string | null; reason: UnreadableReason }[];
}

/** The two credential columns for a write: null clears them. */
export function credentialColumns(cipher: CredentialCipher, storeId: string, credentials: Record<string, string> | null) {
  if (credentials === null) return { credentialsCiphertext: null, credentialsKeyId: null };
  const sealed = cipher.seal(storeId, credentials);
  return { credentialsCiphertext: sealed.ciphertext, credentialsKeyId: sealed.keyId };
}

export function createStoreCredentials(deps: { db: Database; log: Logger; cipher: CredentialCipher }) {
  const { db, log, cipher } = deps;

  /** Compare-and-set on the old envelope, so a concurrent PATCH of the credentials is never overwritten. */
  async function rotateOne(storeId: string, envelope: string): Promise<boolean> {
    const sealed = cipher.seal(storeId, cipher.open(storeId, envelope));
    return replaceCredentials(db, storeId, envelope, { credentialsCiphertext: sealed.ciphertext, credentialsKeyId: sealed.keyId });
  }

  return {
    /** The decrypted credentials, undefined when the store has none; throws CredentialsUnreadable, never guesses. */
    async credentialsFor(storeId: string): Promise<Record<string, string> | undefined> {
      const envelope = await credentialsEnvelope(db, storeId);
      if (envelope === undefined) throw new StoreNotFound(storeId);
      return envelope === null ? undefined : cipher.open(storeId, envelope);
    },

    /** Re-encrypts every store whose credentials are not under the current key id. */
    async rotateCredentials(): Promise<RotationReport> {
      const stale = await storesWithStaleCredentials(db, cipher.currentKeyId);
      const report: RotationReport = { rotated: 0, skipped: 0, failed: [] };
      for (const { id, envelope, keyId } of stale) {
        try {
          if (await rotateOne(id, envelope)) report.rotated += 1;
          else report.skipped += 1;
        } catch (error) {
          if (!(error instanceof CredentialsUnreadable)) throw error;
          report.failed.push({ storeId: id, keyId, reason: error.reason });
          log.error({ storeId: id, keyId, reason: error.reason }, "store credentials could not be rotated");
        }
      }
      log.info({ rotated: report.rotated, skipped: report.skipped, failed: report.failed.length, keyId: cipher.currentKeyId }, "credentials rotated");
      return report;
    },
  };
}
