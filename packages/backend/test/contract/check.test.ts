import { describe, expect, test } from "bun:test";
import { checkAnswer } from "./check";
import type { OperationObject } from "./openapi";

const json = (schema: object) => ({ description: "x", content: { "application/json": { schema } } });
const op: OperationObject = {
  responses: {
    "200": json({ type: "object", required: ["id"], properties: { id: { type: "integer" } } }),
    "204": { description: "nothing" },
    "404": json({ type: "object", required: ["error"], properties: { error: { type: "object" } } }),
  },
};

describe("the fuzz's answer check", () => {
  test("a documented status with a matching body passes", () => {
    expect(checkAnswer(op, 200, "application/json", '{"id":1}')).toBeUndefined();
    expect(checkAnswer(op, 204, "", "")).toBeUndefined();
  });

  test("a status the operation does not document fails", () => {
    expect(checkAnswer(op, 409, "application/json", '{"error":{}}')).toContain("status 409 is not documented");
  });

  test("a body that does not match the documented schema fails", () => {
    expect(checkAnswer(op, 200, "application/json", '{"id":"1"}')).toContain("does not match");
    expect(checkAnswer(op, 404, "application/json", "not json")).toContain("not JSON");
  });

  test("429 is accepted on any operation, but only with the error envelope", () => {
    expect(checkAnswer(op, 429, "application/json", '{"error":{"code":"RATE_LIMITED","message":"m","details":{}}}')).toBeUndefined();
    expect(checkAnswer(op, 429, "application/json", '{"oops":true}')).toContain("does not match");
  });
});
