import unhomoglyph from "unhomoglyph";

// Zero-width spaces and joiners, soft hyphens, BOMs, variation selectors: invisible, never part of an address.
const INVISIBLE = /\p{Default_Ignorable_Code_Point}/gu;
// The shape the request schema checks (packages/shared Email), checked again once normalised.
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_LENGTH = 254;

/**
 * The one form emails are stored, compared and looked up in: NFKC (fullwidth and other
 * compatibility forms become their plain letters), invisible characters removed, trimmed, lower
 * case. NFKC runs again after lower-casing, which can undo it for a few characters.
 */
export function normaliseEmail(email: string): string {
  return email.normalize("NFKC").replace(INVISIBLE, "").trim().toLowerCase().normalize("NFKC");
}

/**
 * The form the version before normalisation stored emails in (trimmed, lower case; drizzle/0000's
 * users_email_normalised check): how an account the back-fill could not bring up to date, because
 * it looks like another account, is still found by the spelling its owner always typed.
 */
export function legacyStoredEmail(typed: string): string {
  return typed.trim().toLowerCase();
}

/** False when normalising left something that is no longer an email (only invisible characters before the @). */
export function isUsableEmail(normalised: string): boolean {
  return normalised.length <= MAX_LENGTH && EMAIL_SHAPE.test(normalised);
}

/**
 * The UTS #39 confusable skeleton, NFD(map(NFD(x))), with the mapping of Unicode's
 * confusables.txt (the unhomoglyph package's data): two emails with one skeleton look alike
 * (Latin "a" and Cyrillic "а", "rn" and "m"). Not for display; only compared.
 */
export function emailSkeleton(normalised: string): string {
  return unhomoglyph(normalised.normalize("NFD")).normalize("NFD");
}
