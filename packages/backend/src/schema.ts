// Every domain's Drizzle tables, for drizzle-kit and for code that needs the whole schema.
export * from "./domains/identity/schema";
export * from "./domains/catalog/schema";
export * from "./domains/inventory/schema";
export * from "./domains/order/schema";
export * from "./domains/stock-sync/schema";
