/**
 * A small XML reader and writer for N11's SOAP services (no XML library in the lockfile, and the
 * answers are small, flat envelopes). Safe by construction: a DOCTYPE or entity declaration is
 * refused (no entity expansion, no external reads); only the five predefined entities and
 * character references are decoded. Prefixes are dropped (`ns3:ClaimReturnListResponse` is
 * `ClaimReturnListResponse`): N11 names one namespace with varying prefixes.
 */
export interface XmlElement {
  name: string;
  children: XmlElement[];
  /** The element's own text (CDATA included), decoded and trimmed. */
  text: string;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref.startsWith("#x") || ref.startsWith("#X")) return String.fromCodePoint(Number.parseInt(ref.slice(2), 16));
    if (ref.startsWith("#")) return String.fromCodePoint(Number(ref.slice(1)));
    return ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

export function xmlEscape(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

/** `<name>value</name>` for each pair, in order (SOAP schemas fix the order); values escaped. */
export function xmlFields(fields: readonly [string, string | number][]): string {
  return fields.map(([name, value]) => `<${name}>${xmlEscape(String(value))}</${name}>`).join("");
}

const TOKEN = /<!\[CDATA\[([\s\S]*?)\]\]>|<(\/?)\s*(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)(?:\s[^>]*?)?(\/?)>|([^<]+)/g;

/** The document's root element, or undefined when the text is not well-formed XML we accept. */
export function parseXml(text: string): XmlElement | undefined {
  const body = text.replace(/^\uFEFF/, "").replace(/<\?[\s\S]*?\?>/g, "").replace(/<!--[\s\S]*?-->/g, "").trim();
  if (!body.startsWith("<") || /<!DOCTYPE|<!ENTITY/i.test(body)) return undefined;
  const root: XmlElement = { name: "", children: [], text: "" };
  const stack: XmlElement[] = [root];
  const texts: string[][] = [[]];
  let consumed = 0;
  for (const token of body.matchAll(TOKEN)) {
    if (token.index !== consumed) return undefined;
    consumed += token[0].length;
    const [, cdata, closing, name, selfClosing, chars] = token;
    const current = stack.at(-1);
    if (!current) return undefined;
    if (cdata !== undefined || chars !== undefined) {
      texts.at(-1)?.push(cdata ?? decode(chars ?? ""));
      continue;
    }
    if (closing) {
      if (current.name !== name || stack.length === 1) return undefined;
      current.text = (texts.pop() ?? []).join("").trim();
      stack.pop();
      continue;
    }
    const element: XmlElement = { name: name ?? "", children: [], text: "" };
    current.children.push(element);
    if (!selfClosing) {
      stack.push(element);
      texts.push([]);
    }
  }
  if (consumed !== body.length || stack.length !== 1 || root.children.length !== 1) return undefined;
  return root.children[0];
}

export const childrenNamed = (element: XmlElement | undefined, name: string): XmlElement[] => element?.children.filter((c) => c.name === name) ?? [];
export const child = (element: XmlElement | undefined, name: string): XmlElement | undefined => element?.children.find((c) => c.name === name);
/** The text of a direct child, undefined when absent or empty. */
export function childText(element: XmlElement | undefined, name: string): string | undefined {
  const text = child(element, name)?.text;
  return text === undefined || text === "" ? undefined : text;
}
