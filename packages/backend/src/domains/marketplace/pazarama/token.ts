import type { ApiCallHook } from "../adapter";
import { MarketplaceAuthFailed, MarketplaceError, MarketplaceRateLimited, PazaramaTokenUnavailable } from "../errors";
import { PAZARAMA, pazaramaPaths } from "./facts";
import { readCappedText, SAFE_FETCH } from "../answer-body";
import { callReport, retryAfterMs } from "../http-call";
import { isRecord, parseJson } from "../json";
import { reasonsOf } from "./wire";

export interface TokenSource {
  tokenBaseUrl: string;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
  fetch: typeof fetch;
  onCall?: ApiCallHook;
  now: () => number;
}

function lifetimeMs(data: Record<string, unknown>): number {
  const seconds = data.expiresIn ?? data.expires_in;
  return typeof seconds === "number" && Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : PAZARAMA.tokenLifetimeMs;
}

/** Where the token sits: inside `data` (wrapped) or at the top (plain OAuth). */
function tokenFields(body: unknown): Record<string, unknown> | undefined {
  if (!isRecord(body)) return undefined;
  if (isRecord(body.data) && body.data.accessToken !== undefined) return body.data;
  return body.access_token !== undefined ? body : undefined;
}

/**
 * Client-credentials tokens, cached until shortly before expiry. Concurrent callers share one
 * token request; a token the API refused (401) is dropped so the next caller fetches a new one.
 */
export class PazaramaTokens {
  private cached?: { token: string; refreshAt: number };
  private pending?: Promise<string>;

  constructor(private readonly source: TokenSource) {}

  async get(): Promise<string> {
    if (this.cached && this.source.now() < this.cached.refreshAt) return this.cached.token;
    this.pending ??= this.fetchToken().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** Forget this token (the API answered 401 with it); a newer one is kept. */
  invalidate(token: string): void {
    if (this.cached?.token === token) this.cached = undefined;
  }

  private async fetchToken(): Promise<string> {
    const { source } = this;
    const log = callReport("PAZARAMA", source.onCall, { callType: "OTHER", itemCount: 0 });
    let response: Response;
    let text: string;
    try {
      response = await source.fetch(`${source.tokenBaseUrl.replace(/\/+$/, "")}${pazaramaPaths.token}`, {
        method: "POST",
        headers: {
          authorization: `Basic ${Buffer.from(`${source.clientId}:${source.clientSecret}`).toString("base64")}`,
          "content-type": "application/x-www-form-urlencoded",
          accept: "application/json",
        },
        body: new URLSearchParams({ grant_type: "client_credentials", scope: PAZARAMA.scope }).toString(),
        signal: AbortSignal.timeout(source.timeoutMs),
        ...SAFE_FETCH,
      });
      text = await readCappedText(response);
    } catch (error) {
      const failure = new PazaramaTokenUnavailable(null, error instanceof Error ? error.message : String(error));
      log.report(null, failure.code);
      throw failure;
    }
    try {
      const token = this.tokenFrom(response, text);
      log.report(response.status);
      return token;
    } catch (error) {
      log.report(response.status, error instanceof MarketplaceError ? error.code : "UNKNOWN");
      throw error;
    }
  }

  /**
   * Clients disagree on the answer (fixtures pazarama/token.wrapped.json and token.oauth.json):
   * wrapped `{ data: { accessToken, expiresIn }, success }` or plain OAuth `{ access_token,
   * expires_in }`. Either is read.
   */
  private tokenFrom(response: Response, text: string): string {
    const body = parseJson(text);
    const status = response.status;
    if (status === 429) throw new MarketplaceRateLimited("PAZARAMA", retryAfterMs(response.headers.get("retry-after")));
    if (status >= 500) throw new PazaramaTokenUnavailable(status, `HTTP ${status}`);
    const refusedByBody = isRecord(body) && body.success === false;
    if ((status >= 400 && status < 500) || refusedByBody) {
      throw new MarketplaceAuthFailed("PAZARAMA", status, reasonsOf(body, text));
    }
    const data = tokenFields(body);
    const token = data?.accessToken ?? data?.access_token;
    if (!data || typeof token !== "string" || token.length === 0) throw new PazaramaTokenUnavailable(status, "no data.accessToken or access_token in the answer");
    const lifetime = lifetimeMs(data);
    const skew = Math.min(PAZARAMA.tokenRefreshSkewMs, lifetime / 10);
    this.cached = { token, refreshAt: this.source.now() + lifetime - skew };
    return token;
  }
}
