/**
 * Whether an IP address is on the public internet, for outbound calls to hosts a user chose
 * (OWASP API7, SSRF). Ranges come from ipaddr.js (RFC 6890 and successors); the IPv6 forms that
 * carry an IPv4 address (mapped, translated, compatible, NAT64, 6to4) are judged by that address,
 * so `[2002:7f00:1::]` is loopback like 127.0.0.1.
 */
import ipaddr from "ipaddr.js";

type IPv6 = ipaddr.IPv6;

const v4 = (a: number, b: number, c: number, d: number) => new ipaddr.IPv4([a, b, c, d]);

/** The IPv4 address an IPv6 address stands for, when its form carries one. */
function embeddedIPv4(address: IPv6, range: string): ipaddr.IPv4 | undefined {
  const [p0 = 0, p1 = 0, p2 = 0, p3 = 0, p4 = 0, p5 = 0, p6 = 0, p7 = 0] = address.parts;
  const tail = () => v4(p6 >> 8, p6 & 255, p7 >> 8, p7 & 255);
  switch (range) {
    case "ipv4Mapped": // ::ffff:a.b.c.d
    case "rfc6145": // ::ffff:0:a.b.c.d
      return tail();
    case "rfc6052": // NAT64 64:ff9b::/96 only; the local-use 64:ff9b:1::/48 is a private network's own
      return p2 === 0 && p3 === 0 && p4 === 0 && p5 === 0 ? tail() : undefined;
    case "6to4": // 2002:AABB:CCDD::/48
      return v4(p1 >> 8, p1 & 255, p2 >> 8, p2 & 255);
    case "unicast": // ::a.b.c.d, the deprecated IPv4-compatible form
      return p0 === 0 && p1 === 0 && p2 === 0 && p3 === 0 && p4 === 0 && p5 === 0 ? tail() : undefined;
    default:
      return undefined;
  }
}

/** True only for a valid address in ordinary public unicast space; anything unreadable is not public. */
export function isPublicAddress(text: string): boolean {
  if (!ipaddr.isValid(text)) return false;
  const address = ipaddr.parse(text);
  if (address.kind() === "ipv4") return address.range() === "unicast";
  const v6 = address as IPv6;
  const range = v6.range();
  const carried = embeddedIPv4(v6, range);
  if (carried) return carried.range() === "unicast";
  // Teredo, ULA, link-local, multicast, documentation, NAT64 local-use...: none is a marketplace.
  return range === "unicast";
}
