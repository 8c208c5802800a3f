/**
 * The shape of an evidence fixture: one marketplace call as a source shows it (an official page
 * or a published client), with where and when it was read and a short quote of the source, and
 * the request/answer exchanges transcribed from it. Values may be placeholders (`<epoch-ms>`):
 * the source fixes names and shapes, not our test data.
 */
import { type Static, Type as T } from "@sinclair/typebox";

export const MARKETPLACES = ["trendyol", "hepsiburada", "n11", "pazarama", "pttavm"] as const;

const OfficialPage = T.Object({
  kind: T.Literal("official-page"),
  url: T.String({ pattern: "^https://" }),
  title: T.Optional(T.String()),
});

const PublishedClient = T.Object({
  kind: T.Literal("published-client"),
  repository: T.String({ pattern: "^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$" }),
  path: T.String({ minLength: 1 }),
  commit: T.String({ pattern: "^[0-9a-f]{40}$" }),
});

export const Source = T.Union([OfficialPage, PublishedClient]);

const Json = T.Unknown();

export const FixtureRequest = T.Object({
  method: T.Union([T.Literal("GET"), T.Literal("POST"), T.Literal("PUT"), T.Literal("PATCH"), T.Literal("DELETE")]),
  /** `{name}` stands for one path segment (a seller id, a batch id). */
  path: T.String({ pattern: "^/" }),
  /** Every name here is sent unless listed in optionalQuery; a value in <angle brackets> is any value. */
  query: T.Optional(T.Record(T.String(), T.String())),
  optionalQuery: T.Optional(T.Array(T.String())),
  /** Header names that must be sent; a value in <angle brackets> is any value. */
  headers: T.Optional(T.Record(T.String(), T.String())),
  /** What the source shows; the request's body may leave out keys, never add or retype one. */
  body: T.Optional(Json),
  /** Form-encoded bodies (token calls) as name -> value. */
  form: T.Optional(T.Record(T.String(), T.String())),
  /** An XML body (SOAP) as the source writes it: element names are compared, values are examples. */
  bodyText: T.Optional(T.String({ minLength: 1 })),
});

export const FixtureResponse = T.Object({
  status: T.Integer({ minimum: 100, maximum: 599 }),
  headers: T.Optional(T.Record(T.String(), T.String())),
  body: T.Optional(Json),
  /** An XML answer (SOAP), served as text with the fixture's content-type. */
  bodyText: T.Optional(T.String({ minLength: 1 })),
});

export const Exchange = T.Object({
  request: FixtureRequest,
  response: FixtureResponse,
});

export const Fixture = T.Object({
  marketplace: T.Union(MARKETPLACES.map((name) => T.Literal(name))),
  /** The adapter call it backs: stock-price-write, result-poll, order-pull, cancelled-list, token ... */
  call: T.String({ pattern: "^[a-z0-9-]+$" }),
  /** Set where sources disagree: one fixture per variant, the adapter's setting picks one. */
  variant: T.Optional(T.String({ pattern: "^[a-z0-9-]+$" })),
  sources: T.Array(Source, { minItems: 1 }),
  /** The day the source was read, YYYY-MM-DD. */
  read: T.String({ pattern: "^\\d{4}-\\d{2}-\\d{2}$" }),
  /** A short quote of the source that shows the shape (not code). */
  excerpt: T.String({ minLength: 20, maxLength: 2000 }),
  /** What was filled in that the source does not fix (example values, a second page). */
  notes: T.Optional(T.String()),
  exchanges: T.Array(Exchange, { minItems: 1 }),
});

export type Fixture = Static<typeof Fixture>;
export type Exchange = Static<typeof Exchange>;
export type FixtureRequest = Static<typeof FixtureRequest>;
