import { type TObject, Type } from "@sinclair/typebox";

/** A setting that is a whole number, written as digits. */
export const Digits = (description: string) => Type.Optional(Type.String({ pattern: "^[0-9]+$", description }));

/** The variables a settings schema names, with empty ones treated as unset. */
export function pickSettings(schema: TObject, env: Record<string, string | undefined>): Record<string, string | undefined> {
  const picked: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema.properties)) {
    const value = env[key];
    if (value !== undefined && value !== "") picked[key] = value;
  }
  return picked;
}
