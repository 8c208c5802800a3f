/**
 * The committed-secret check: token shapes anywhere, and high-entropy values assigned
 * to *SECRET* / *PASSWORD* / *KEY* / *TOKEN* names in env-like and YAML files.
 */
export interface Finding {
  file: string;
  line: number;
  rule: string;
}

const TOKEN_RULES: { rule: string; pattern: RegExp }[] = [
  { rule: "private key", pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----/ },
  { rule: "AWS access key id", pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { rule: "AWS secret access key", pattern: /aws_secret_access_key\s*[:=]\s*["']?[A-Za-z0-9/+=]{40}\b/i },
  { rule: "GitHub token", pattern: /\bgh[pousr]_[A-Za-z0-9]{36,}\b|\bgithub_pat_[A-Za-z0-9_]{22,}\b/ },
  { rule: "Slack token", pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/ },
  { rule: "Slack webhook", pattern: /hooks\.slack\.com\/services\/T[A-Za-z0-9]+\/B[A-Za-z0-9]+\/[A-Za-z0-9]+/ },
  { rule: "Stripe live key", pattern: /\b[sr]k_live_[A-Za-z0-9]{16,}\b/ },
];

/** Where NAME=value or NAME: value lines are configuration that could carry a real secret. */
export function isConfigLike(path: string): boolean {
  const name = path.split("/").at(-1) ?? "";
  return /\.ya?ml$/.test(name) || name.startsWith(".env") || name.endsWith(".env") || /\.env\./.test(name);
}

const SECRET_NAME = /(SECRET|PASSWORD|PASSWD|TOKEN|_KEY|^KEY)\w*$/i;
const ASSIGNMENT = /^\s*(?:export\s+|-\s+)?["']?([A-Za-z_][A-Za-z0-9_.-]*)["']?\s*[:=]\s*(.*)$/;

/** Obvious stand-ins: empty, CHANGE_ME-style, ${VAR} interpolation, <angle> hints, paths, example text. */
export function isPlaceholder(value: string): boolean {
  const v = value.trim().replace(/^["']|["']$/g, "");
  return (
    v === "" ||
    /CHANGE_?ME|REPLACE|PLACEHOLDER|EXAMPLE|YOUR_|\*\*\*/i.test(v) ||
    /^x{3,}$/i.test(v) ||
    /^\$\{?[A-Za-z_]/.test(v) ||
    /^<.*>$/.test(v) ||
    // A file path (certificate, key file): lowercase segments, which random base64 never is.
    /^\.{0,2}\/[a-z0-9._-]+(\/[a-z0-9._-]+)+$/.test(v)
  );
}

/** Bits per character: random base64 sits near 6, words and repeated characters far lower. */
export function shannonEntropy(text: string): number {
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / text.length) * Math.log2(n / text.length);
  return bits;
}

export function looksLikeSecretValue(value: string): boolean {
  const v = value.trim().replace(/\s+#.*$/, "").replace(/^["']|["']$/g, "");
  if (isPlaceholder(v) || v.length < 16) return false;
  // Hex has 16 symbols (at most 4 bits each), so a random hex key scores lower than base64.
  return shannonEntropy(v) >= 3.5 || (/^[0-9a-fA-F]{32,}$/.test(v) && shannonEntropy(v) >= 3);
}

export function scanText(file: string, text: string): Finding[] {
  const findings: Finding[] = [];
  const configLike = isConfigLike(file);
  text.split("\n").forEach((content, index) => {
    for (const { rule, pattern } of TOKEN_RULES) {
      if (pattern.test(content)) findings.push({ file, line: index + 1, rule });
    }
    if (!configLike) return;
    // Commented-out assignments too: "# JWT_SECRET=<real value>" is still committed.
    const assignment = ASSIGNMENT.exec(content.replace(/^\s*#\s*/, ""));
    if (assignment && SECRET_NAME.test(assignment[1] ?? "") && looksLikeSecretValue(assignment[2] ?? "")) {
      findings.push({ file, line: index + 1, rule: `high-entropy value for ${assignment[1]}` });
    }
  });
  return findings;
}
