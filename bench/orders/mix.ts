/**
 * Which product each order names. Shared by the load driver (under Node) and the raw baseline,
 * so both draw from the same distribution: plain Math.random, no imports.
 */
export type Mix = "uniform" | "hot";

export const MIXES: readonly Mix[] = ["uniform", "hot"];
export const HOT_PRODUCTS = 3;
export const HOT_SHARE = 0.8;

const pick = <T>(items: readonly T[], from: number, to: number): T => items[from + Math.floor(Math.random() * (to - from))] as T;

/** uniform: any of the products alike; hot: 80% on the first 3, the other 20% uniform over the rest. */
export function productPicker(mix: Mix, productIds: readonly string[]): () => string {
  if (productIds.length <= HOT_PRODUCTS) throw new Error(`the hot mix needs more than ${HOT_PRODUCTS} products`);
  if (mix === "uniform") return () => pick(productIds, 0, productIds.length);
  return () => (Math.random() < HOT_SHARE ? pick(productIds, 0, HOT_PRODUCTS) : pick(productIds, HOT_PRODUCTS, productIds.length));
}

export function describeMix(mix: Mix, products: number): string {
  return mix === "uniform"
    ? `each order one of ${products} products, uniformly`
    : `${HOT_SHARE * 100}% of orders on ${HOT_PRODUCTS} hot products, ${Math.round((1 - HOT_SHARE) * 100)}% uniform over the other ${products - HOT_PRODUCTS}`;
}
