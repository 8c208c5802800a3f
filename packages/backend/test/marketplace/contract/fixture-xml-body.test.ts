/**
 * The fixture format's XML bodies (SOAP): a request is compared by element names (prefixes
 * dropped, values free), may leave elements out but not add one nor change the operation; an
 * answer is served as XML text; a sandbox's XML answer must hold every element the source shows.
 */
import { describe, expect, test } from "bun:test";
import { type Exchange, elementPaths, serveFixtures, xmlMismatches } from "@pazarsync/marketplace-fixtures";

const source = '<s:Envelope xmlns:s="x"><s:Header/><s:Body><sch:OpRequest><auth><appKey>k</appKey></auth><id>1</id><note>n</note></sch:OpRequest></s:Body></s:Envelope>';
const exchange: Exchange = {
  request: { method: "POST", path: "/ws/service/", bodyText: source },
  response: { status: 200, bodyText: "<a:Envelope><a:Body><OpResponse><result><status>success</status></result></OpResponse></a:Body></a:Envelope>" },
};
const send = (server: { fetch: typeof fetch }, body: string) => server.fetch("https://api.test/ws/service/", { method: "POST", body });

describe("XML bodies in fixtures", () => {
  test("element paths drop prefixes and refuse what is not well-formed or declares entities", () => {
    expect([...(elementPaths(source) ?? [])]).toContain("Envelope/Body/OpRequest/auth/appKey");
    expect(elementPaths("<a><b></a>")).toBeUndefined();
    expect(elementPaths('<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>')).toBeUndefined();
    expect(elementPaths("not xml")).toBeUndefined();
  });

  test("a request with other values and fewer elements matches, and gets the XML answer", async () => {
    const server = serveFixtures([exchange]);
    const res = await send(server, '<e:Envelope><e:Header/><e:Body><x:OpRequest><auth><appKey>other</appKey></auth><id>2</id></x:OpRequest></e:Body></e:Envelope>');
    expect(server.mismatches).toEqual([]);
    expect(res.headers.get("content-type")).toContain("text/xml");
    expect(await res.text()).toContain("<status>success</status>");
  });

  test("an added element, another operation or a body that is not XML is a mismatch", async () => {
    for (const [body, problem] of [
      ['<e:Envelope><e:Header/><e:Body><OpRequest><id>2</id><extra>1</extra></OpRequest></e:Body></e:Envelope>', "body: <Envelope/Body/OpRequest/extra> is not in the source"],
      ["<e:Envelope><e:Header/><e:Body><OtherRequest/></e:Body></e:Envelope>", "body: <Envelope/Body/OpRequest> missing"],
      ['{"id":1}', "body: not XML"],
    ] as const) {
      const server = serveFixtures([exchange]);
      expect((await send(server, body)).status).toBe(400);
      expect(server.mismatches).toContain(`exchange 1: ${problem}`);
    }
  });

  test("an answer must hold every element the source shows", () => {
    const answer = exchange.response.bodyText ?? "";
    expect(xmlMismatches(answer, answer.replace("<a:Body>", "<a:Body><extra/>"), "answered")).toEqual([]);
    expect(xmlMismatches(answer, "<Envelope><Body><OpResponse/></Body></Envelope>", "answered")).toEqual(["body: <Envelope/Body/OpResponse/result> missing", "body: <Envelope/Body/OpResponse/result/status> missing"]);
  });
});
