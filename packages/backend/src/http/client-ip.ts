/** Anything that can tell a request's peer address (Bun's Server). */
export interface PeerAddressSource {
  requestIP(request: Request): { address: string } | null;
}

/**
 * The client's address. Behind our own proxy (TRUST_PROXY) it is the last X-Forwarded-For entry:
 * the one our proxy appended; entries before it are whatever the client chose to send.
 */
export function clientIp(request: Request, server: PeerAddressSource | null | undefined, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = request.headers.get("x-forwarded-for");
    const last = forwarded?.split(",").pop()?.trim();
    if (last) return last;
  }
  return server?.requestIP(request)?.address ?? "unknown";
}
