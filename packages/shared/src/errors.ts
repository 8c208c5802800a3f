import { Type, type Static } from "@sinclair/typebox";

/** The body of every error answer of the API. */
export const ErrorEnvelope = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: "stable, machine-readable code, e.g. OUT_OF_STOCK" }),
      message: Type.String({ description: "human-readable, may change" }),
      details: Type.Record(Type.String(), Type.Unknown()),
    }),
  },
  { description: "An error" },
);
export type ErrorEnvelope = Static<typeof ErrorEnvelope>;
