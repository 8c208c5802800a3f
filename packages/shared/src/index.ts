export * from "./common";
export * from "./errors";
export * as Identity from "./identity";
