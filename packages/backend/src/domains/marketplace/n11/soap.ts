/**
 * N11's SOAP services (returns: fixtures n11/claims-*.json). The key pair travels in the body's
 * `auth` block, not in headers; the request element is `sch:<Operation>Request` in
 * `http://www.n11.com/ws/schemas` with unprefixed children; the answer's `result.status` is
 * `success` or `failure` (with errorCode / errorMessage), the latter with HTTP 200.
 */
import { errorForStatus, joinUrl, type LoggedCall, reportedCall, retryAfterMs, sendWithDeadline } from "../http-call";
import { MarketplaceOutcomeUnknown, MarketplaceRejected } from "../errors";
import type { N11Transport } from "./http";
import { child, childText, parseXml, xmlFields, type XmlElement } from "./xml";

const NAMESPACE = "http://www.n11.com/ws/schemas";

export interface N11SoapCall extends LoggedCall {
  /** Path of the service, e.g. `/ws/returnService/`. */
  path: string;
  operation: string;
  /** The request's fields after `auth`, as XML (built with xmlFields). */
  fields: string;
}

export function soapEnvelope(operation: string, appKey: string, appSecret: string, fields: string): string {
  return (
    `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sch="${NAMESPACE}">` +
    `<soapenv:Header/><soapenv:Body><sch:${operation}Request>` +
    `<auth>${xmlFields([["appKey", appKey], ["appSecret", appSecret]])}</auth>${fields}` +
    `</sch:${operation}Request></soapenv:Body></soapenv:Envelope>`
  );
}

/** A SOAP Fault's faultstring, or the answer's text, as the reason of an HTTP error. */
function faultReasons(root: XmlElement | undefined, text: string): string[] {
  const fault = child(child(root, "Body"), "Fault");
  const reason = childText(fault, "faultstring") ?? (root ? undefined : text.trim().slice(0, 500));
  return reason ? [reason] : [];
}

/** One SOAP call; answers the `<Operation>Response` element of a `success`. Every call is reported once. */
export async function n11Soap(transport: N11Transport, call: N11SoapCall): Promise<XmlElement> {
  let answer: XmlElement | undefined;
  await reportedCall("N11", transport.onCall, call, async () => {
    const raw = await sendWithDeadline("N11", transport, joinUrl(transport.baseUrl, call.path), {
      method: "POST",
      headers: { "content-type": "text/xml; charset=utf-8", soapaction: '""', accept: "text/xml" },
      body: soapEnvelope(call.operation, transport.appKey, transport.appSecret, call.fields),
    });
    const root = parseXml(raw.text);
    if (raw.status < 200 || raw.status > 299) {
      throw errorForStatus("N11", raw.status, faultReasons(root, raw.text), { retryAfterMs: () => retryAfterMs(raw.headers.get("retry-after")) });
    }
    const response = child(child(root, "Body"), `${call.operation}Response`);
    if (!response) throw new MarketplaceOutcomeUnknown("N11", "UNREADABLE_ANSWER", raw.status, `no ${call.operation}Response in the answer`);
    const result = child(response, "result");
    const status = childText(result, "status")?.toLowerCase();
    if (status === "failure") throw new MarketplaceRejected("N11", raw.status, [childText(result, "errorMessage") ?? childText(result, "errorCode") ?? "failure"]);
    // Neither success nor failure: nothing says whether a write was done.
    if (status !== "success") throw new MarketplaceOutcomeUnknown("N11", "UNREADABLE_ANSWER", raw.status, "result.status is neither success nor failure");
    answer = response;
    return { status: raw.status, body: undefined };
  });
  if (!answer) throw new MarketplaceOutcomeUnknown("N11", "UNREADABLE_ANSWER", null, "no answer");
  return answer;
}
