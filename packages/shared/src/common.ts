import { Type, type TSchema } from "@sinclair/typebox";

export const Uuid = Type.String({
  pattern: "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
  maxLength: 36,
  description: "UUID",
});

export const Timestamp = Type.String({ format: "date-time", description: "UTC, ISO 8601" });

export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

/** Query of every paginated list: `?page=1&limit=20` (limit at most 100). Query values arrive as strings. */
export const PageQueryFields = {
  page: Type.Optional(Type.String({ pattern: "^[1-9][0-9]{0,6}$", maxLength: 7, description: "1-based page number (default 1)" })),
  limit: Type.Optional(Type.String({ pattern: "^(100|[1-9][0-9]?)$", maxLength: 3, description: "items per page, 1..100 (default 20)" })),
};

/** Every paginated answer: the items of one page and the total across pages. */
export const Page = <T extends TSchema>(item: T, description: string) =>
  Type.Object(
    { items: Type.Array(item), page: Type.Integer(), limit: Type.Integer(), total: Type.Integer() },
    { description },
  );
