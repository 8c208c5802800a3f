import type { Catalog } from "@pazarsync/shared";
import type { Database } from "../../infra/db";
import { ComponentNotSimple, DuplicateComponent, SetContainsItself, SetWithoutComponents, SimpleWithComponents, UnknownComponent } from "./errors";
import { productRows } from "./products-repository";

type ComponentInput = Catalog.ComponentInput;

function duplicates(ids: readonly string[]): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) repeated.add(id);
    seen.add(id);
  }
  return [...repeated];
}

/** A SIMPLE product is what sits on a shelf; it has no components to speak of. */
export function refuseComponentsOnSimple(components: readonly ComponentInput[] | undefined): void {
  if (components && components.length > 0) {
    throw new SimpleWithComponents();
  }
}

/**
 * A set's components: at least one, each once, none the set itself, all existing SIMPLE products
 * (sets inside sets would make availability recursive). Throws a 422 with a code per rule.
 */
export async function checkSetComponents(
  db: Database,
  setId: string | undefined,
  components: readonly ComponentInput[] | undefined,
): Promise<readonly ComponentInput[]> {
  if (!components || components.length === 0) {
    throw new SetWithoutComponents();
  }
  const ids = components.map((c) => c.productId.toLowerCase());
  const repeated = duplicates(ids);
  if (repeated.length > 0) {
    throw new DuplicateComponent(repeated);
  }
  if (setId && ids.includes(setId)) {
    throw new SetContainsItself(setId);
  }
  const found = new Map((await productRows(db, ids)).map((row) => [row.id, row.type]));
  const unknown = ids.filter((id) => !found.has(id));
  if (unknown.length > 0) {
    throw new UnknownComponent(unknown);
  }
  const notSimple = ids.filter((id) => found.get(id) !== "SIMPLE");
  if (notSimple.length > 0) {
    throw new ComponentNotSimple(notSimple);
  }
  return components.map((c, i) => ({ productId: ids[i] ?? c.productId, quantity: c.quantity }));
}

/** True when the new list says exactly what the stored one does (order aside). */
export function sameComponents(
  stored: readonly { componentId: string; quantity: number }[],
  next: readonly ComponentInput[],
): boolean {
  if (stored.length !== next.length) return false;
  const quantities = new Map(stored.map((s) => [s.componentId, s.quantity]));
  return next.every((c) => quantities.get(c.productId) === c.quantity);
}
