/**
 * The element names of an XML body (a SOAP envelope), for comparing what is sent or answered with
 * what a source shows. Names only: prefixes are dropped (`sch:`, `ns3:`, `SOAP-ENV:` say the same
 * namespace in different words), values are not compared (the sources' values are examples).
 */

/** Every element's path from the root, `Envelope/Body/ClaimReturnListRequest/auth/appKey`; undefined if the text is not XML. */
export function elementPaths(text: string): Set<string> | undefined {
  const body = text.replace(/<\?xml[^>]*\?>/g, "").replace(/<!--[\s\S]*?-->/g, "").trim();
  if (!body.startsWith("<") || /<!DOCTYPE|<!ENTITY/i.test(body)) return undefined;
  const paths = new Set<string>();
  const open: string[] = [];
  for (const tag of body.matchAll(/<(\/?)\s*([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)[^>]*?(\/?)>/g)) {
    const [, closing, , name = "", selfClosing] = tag;
    if (closing) {
      if (open.pop() !== name) return undefined;
      continue;
    }
    paths.add([...open, name].join("/"));
    if (!selfClosing) open.push(name);
  }
  return open.length === 0 && paths.size > 0 ? paths : undefined;
}

/**
 * Like shapeMismatches for XML: `sent` may leave elements out (not the envelope and operation) but
 * not add one; `answered` must hold every element the source shows.
 */
export function xmlMismatches(expected: string, actual: string | undefined, mode: "sent" | "answered", at = "body"): string[] {
  const want = elementPaths(expected);
  if (!want) return [`${at}: the source's XML does not parse`];
  const got = actual === undefined ? undefined : elementPaths(actual);
  if (!got) return [`${at}: not XML`];
  if (mode === "sent") {
    // The envelope and the operation (the first three levels) must be the source's; below them, elements may be left out.
    const frame = [...want].filter((path) => path.split("/").length <= 3 && !got.has(path)).map((path) => `${at}: <${path}> missing`);
    return [...frame, ...[...got].filter((path) => !want.has(path)).map((path) => `${at}: <${path}> is not in the source`)];
  }
  return [...want].filter((path) => !got.has(path)).map((path) => `${at}: <${path}> missing`);
}
