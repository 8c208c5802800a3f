import { Type, type Static } from "@sinclair/typebox";

export namespace OpsModel {
  export const Check = Type.Object({
    status: Type.Union([Type.Literal("up"), Type.Literal("down")]),
    driver: Type.String({ description: "which implementation answered (postgres, pglite, redis, memory)" }),
    ms: Type.Number({ description: "how long the check took" }),
    error: Type.Optional(Type.String()),
  });
  export type Check = Static<typeof Check>;

  export const Live = Type.Object({ status: Type.Literal("ok") }, { description: "The process is running" });

  export const Ready = Type.Object(
    {
      status: Type.Union([Type.Literal("ok"), Type.Literal("unavailable")]),
      down: Type.Array(Type.String(), { description: "names of the dependencies that did not answer" }),
      draining: Type.Boolean({ description: "true while the process is shutting down" }),
      checks: Type.Record(Type.String(), Check),
    },
    { description: "Readiness of the process and each dependency" },
  );
  export type Ready = Static<typeof Ready>;
}
