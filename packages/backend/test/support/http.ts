/**
 * Response bodies in tests are read loosely on purpose: each assertion states the shape it
 * expects, and a wrong shape fails that assertion.
 */
// biome-ignore lint/suspicious/noExplicitAny: test-only JSON access
export type Json = any;

export async function bodyOf(res: Response): Promise<Json> {
  return res.json();
}
