export * from "./common";
export * from "./errors";
export * as Identity from "./identity";
export * as Catalog from "./catalog";
export * as Stores from "./stores";
export * as Inventory from "./inventory";
export * as Orders from "./orders";
export * as StockSync from "./stock-sync";
export { createClient, type Client, type ClientOptions, type RequestHandler } from "./client";
