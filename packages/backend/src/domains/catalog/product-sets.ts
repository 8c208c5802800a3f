import type { Catalog } from "@pazarsync/shared";
import type { Database } from "../../infra/db";
import { ValidationFailed } from "../../infra/errors";
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
    throw new ValidationFailed("A SIMPLE product cannot have components", {}, "SIMPLE_WITH_COMPONENTS");
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
    throw new ValidationFailed("A set needs at least one component", {}, "SET_WITHOUT_COMPONENTS");
  }
  const ids = components.map((c) => c.productId.toLowerCase());
  const repeated = duplicates(ids);
  if (repeated.length > 0) {
    throw new ValidationFailed("A component is listed more than once", { productIds: repeated }, "DUPLICATE_COMPONENT");
  }
  if (setId && ids.includes(setId)) {
    throw new ValidationFailed("A set cannot contain itself", { productId: setId }, "SET_CONTAINS_ITSELF");
  }
  const found = new Map((await productRows(db, ids)).map((row) => [row.id, row.type]));
  const unknown = ids.filter((id) => !found.has(id));
  if (unknown.length > 0) {
    throw new ValidationFailed("Some components do not exist", { productIds: unknown }, "UNKNOWN_COMPONENT");
  }
  const notSimple = ids.filter((id) => found.get(id) !== "SIMPLE");
  if (notSimple.length > 0) {
    throw new ValidationFailed("A set may only contain SIMPLE products", { productIds: notSimple }, "COMPONENT_NOT_SIMPLE");
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
