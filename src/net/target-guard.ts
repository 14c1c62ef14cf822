import { AppError } from "../errors";
import { ipv4ToString, parseIPv4, parseIPv6 } from "./ip-literal";

/** [first address, prefix length, what it is] */
const BLOCKED_V4: Array<[string, number, string]> = [
  ["0.0.0.0", 8, "an unspecified address"],
  ["10.0.0.0", 8, "a private address"],
  ["100.64.0.0", 10, "a carrier-grade NAT address"],
  ["127.0.0.0", 8, "a loopback address"],
  ["169.254.0.0", 16, "a link-local (cloud metadata) address"],
  ["172.16.0.0", 12, "a private address"],
  ["192.0.0.0", 24, "an IETF protocol address"],
  ["192.168.0.0", 16, "a private address"],
  ["198.18.0.0", 15, "a benchmarking address"],
  ["224.0.0.0", 4, "a multicast address"],
  ["240.0.0.0", 4, "a reserved address"],
];

const BLOCKED_NAMES = /^(localhost|localhost\.localdomain|metadata|metadata\.google\.internal|instance-data|ip6-localhost|ip6-loopback)$/;
const BLOCKED_SUFFIXES = /\.(localhost|local|internal|localdomain)$/;

/**
 * Why a hostname is refused as a target, or null when it is fine. Pure, for
 * tests. Names are checked as written: a Worker cannot resolve DNS, and in
 * production Cloudflare's egress does not route to private ranges, so a
 * public name pointing at a private address is stopped there; the literal
 * spellings below are the part only we can catch.
 */
export function blockedHostReason(hostname: string): string | null {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  if (host === "") return "an empty host";
  if (BLOCKED_NAMES.test(host) || BLOCKED_SUFFIXES.test(host)) return "a local or internal name";

  const v4 = parseIPv4(host);
  if (v4 !== null) return v4Reason(v4);

  const v6 = parseIPv6(host);
  if (v6 !== null) return v6Reason(v6);
  return null;
}

function v4Reason(address: number): string | null {
  for (const [first, prefix, reason] of BLOCKED_V4) {
    const size = 2 ** (32 - prefix);
    const start = parseIPv4(first)!;
    if (address >= start && address < start + size) return reason;
  }
  return null;
}

function v6Reason(groups: number[]): string | null {
  const [g0, g1, g2, g3, g4, g5, g6, g7] = groups as [number, number, number, number, number, number, number, number];
  const embeddedV4 = g6 * 65536 + g7;
  const allZero = (list: number[]) => list.every((group) => group === 0);
  if (allZero(groups)) return "an unspecified address";
  if (allZero(groups.slice(0, 7)) && g7 === 1) return "a loopback address";
  // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d), IPv4-translated (::ffff:0:a.b.c.d)
  if (allZero([g0, g1, g2, g3, g4]) && (g5 === 0xffff || g5 === 0)) return v4Reason(embeddedV4);
  if (allZero([g0, g1, g2, g3]) && g4 === 0xffff && g5 === 0) return v4Reason(embeddedV4);
  // NAT64 (64:ff9b::/96) embeds the IPv4 target in the low 32 bits.
  if (g0 === 0x64 && g1 === 0xff9b && allZero([g2, g3, g4, g5])) return v4Reason(embeddedV4);
  // 6to4 (2002::/16) embeds it in bits 16–47.
  if (g0 === 0x2002) return v4Reason(g1 * 65536 + g2);
  if ((g0 & 0xfe00) === 0xfc00) return "a private (unique local) address";
  if ((g0 & 0xffc0) === 0xfe80) return "a link-local address";
  if ((g0 & 0xff00) === 0xff00) return "a multicast address";
  if (g0 === 0xfd00 && g1 === 0x0ec2) return "a cloud metadata address";
  return null;
}

/**
 * Checks a rendered target URL before anything is sent, and returns it parsed.
 * Only http(s); with private targets disabled, nothing on loopback, private,
 * link-local, CGNAT, metadata or unspecified addresses, in any spelling.
 */
export function assertAllowedTarget(rawUrl: string, options: { allowPrivate: boolean }): URL {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw refuse(`url ${JSON.stringify(rawUrl.slice(0, 200))} is not a valid URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw refuse(`url scheme ${url.protocol.replace(/:$/, "")} is not allowed; use http or https`);
  }
  if (url.hostname === "") throw refuse("url has no host");
  if (options.allowPrivate) return url;

  const reason = blockedHostReason(url.hostname);
  if (reason) {
    const v4 = parseIPv4(url.hostname);
    const shown = v4 !== null && ipv4ToString(v4) !== url.hostname ? `${url.hostname} (${ipv4ToString(v4)})` : url.hostname;
    throw refuse(`url host ${shown} is ${reason}; private targets are disabled (ALLOW_PRIVATE_TARGETS)`);
  }
  return url;
}

function refuse(message: string): AppError {
  return new AppError("target_not_allowed", message, { field: "url" });
}
