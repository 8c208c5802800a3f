import { Identity } from "@pazarsync/shared";
import { Type } from "@sinclair/typebox";
import { Uuid } from "@pazarsync/shared";

/** Request and response schemas of the identity routes; shared with clients via @pazarsync/shared. */
export const IdentityModel = {
  ...Identity,
  SessionParams: Type.Object({ id: Uuid }),
  NoContent: Type.Null({ description: "Done; nothing to return" }),
};

export type Role = Identity.Role;
