import { Type, type Static } from "@sinclair/typebox";
import { Nullable, Timestamp, Uuid } from "./common";

export const Role = Type.Union([Type.Literal("customer"), Type.Literal("staff"), Type.Literal("admin")]);
export type Role = Static<typeof Role>;

export const Email = Type.String({
  pattern: "^\\s*[^\\s@]+@[^\\s@]+\\.[^\\s@]+\\s*$",
  maxLength: 254,
  description: "compared case-insensitively, surrounding spaces ignored",
});

export const NewPassword = Type.String({ minLength: 10, maxLength: 256, description: "at least 10 characters" });

export const RegisterBody = Type.Object(
  { email: Email, password: NewPassword },
  { additionalProperties: false, description: "Customer sign-up. A role cannot be chosen here: unknown fields are refused." },
);
export type RegisterBody = Static<typeof RegisterBody>;

export const LoginBody = Type.Object({
  email: Email,
  password: Type.String({ minLength: 1, maxLength: 256 }),
  deviceId: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: "the app's id for this device" })),
}, { additionalProperties: false });
export type LoginBody = Static<typeof LoginBody>;

export const RefreshBody = Type.Object({ refreshToken: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false });
export type RefreshBody = Static<typeof RefreshBody>;

export const Tokens = Type.Object(
  {
    accessToken: Type.String({ description: "JWT for the Authorization: Bearer header" }),
    refreshToken: Type.String({ description: "opaque; works once, POST it to /auth/refresh for a new pair" }),
    expiresIn: Type.Integer({ description: "seconds until the access token expires" }),
    tokenType: Type.Literal("Bearer"),
    sessionId: Uuid,
  },
  { description: "A new token pair" },
);
export type Tokens = Static<typeof Tokens>;

export const User = Type.Object(
  { id: Uuid, email: Type.String(), role: Role, createdAt: Timestamp },
  { description: "An account" },
);
export type User = Static<typeof User>;

export const Me = Type.Object(
  { id: Uuid, email: Type.String(), role: Role, createdAt: Timestamp, sessionId: Uuid },
  { description: "The caller" },
);
export type Me = Static<typeof Me>;

export const Session = Type.Object({
  id: Uuid,
  deviceId: Nullable(Type.String()),
  userAgent: Nullable(Type.String()),
  ip: Nullable(Type.String()),
  createdAt: Timestamp,
  lastUsedAt: Timestamp,
  expiresAt: Timestamp,
  current: Type.Boolean({ description: "true for the session this request was made with" }),
});
export type Session = Static<typeof Session>;

export const SessionList = Type.Object({ items: Type.Array(Session) }, { description: "The caller's active sessions" });
export type SessionList = Static<typeof SessionList>;

export const CreateUserBody = Type.Object({ email: Email, password: NewPassword, role: Role }, { additionalProperties: false });
export type CreateUserBody = Static<typeof CreateUserBody>;

export const EmailLookalike = Type.Object(
  { userId: Uuid, collidesWith: Uuid },
  {
    description:
      "An account left as it was (not merged, its email not re-normalised) because its email equals or looks like that of the older account collidesWith; its owner logs in with the exact spelling they always used",
  },
);
export type EmailLookalike = Static<typeof EmailLookalike>;

export const EmailLookalikeList = Type.Object(
  { items: Type.Array(EmailLookalike) },
  { description: "Accounts whose emails look like another account's, by id only; merging them is an operator's decision" },
);
export type EmailLookalikeList = Static<typeof EmailLookalikeList>;
