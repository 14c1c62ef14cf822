/**
 * The SSRF guard every outbound call of the relay goes through.
 *
 * What it can and cannot see: a Worker has no DNS API, so a *name* is judged
 * only as written (localhost, *.internal, metadata names...). A public name
 * that resolves to a private address is stopped by Cloudflare's egress in
 * production, which does not route Worker subrequests to private ranges. The
 * literal checks here are the part we control, so they cover every spelling
 * of an IP address a URL parser or inet_aton accepts.
 */
import { AppError } from "../errors";
import {
  formatIPv4,
  inIPv4Range,
  inIPv6Range,
  parseIPv4,
  parseIPv6,
  type IPv6Groups,
} from "./ip-literal";

type Range<T> = { first: T; prefix: number; reason: string };

const v4 = (cidr: string, reason: string): Range<number> => {
  const [first = "", prefix = ""] = cidr.split("/");
  return { first: parseIPv4(first) ?? 0, prefix: Number(prefix), reason };
};
const v6 = (cidr: string, reason: string): Range<IPv6Groups> => {
  const [first = "", prefix = ""] = cidr.split("/");
  return { first: parseIPv6(first) ?? [0, 0, 0, 0, 0, 0, 0, 0], prefix: Number(prefix), reason };
};

/**
 * IPv4 ranges refused when private targets are disabled; the first match
 * names the reason, so specific entries come before the ranges holding them.
 * Documentation ranges (192.0.2/24, 198.51.100/24, 203.0.113/24) are allowed
 * on purpose: they route nowhere, no internal service lives there by
 * convention, and examples use them to stand for a public host.
 */
const BLOCKED_V4: Array<Range<number>> = [
  v4("169.254.169.254/32", "a cloud metadata address"), // AWS, GCP, Azure, DigitalOcean
  v4("100.100.100.200/32", "a cloud metadata address"), // Alibaba Cloud
  v4("192.0.0.192/32", "a cloud metadata address"), // Oracle Cloud
  v4("0.0.0.0/8", "an unspecified address"), // "this network"; 0.0.0.0 reaches the local host on Linux
  v4("10.0.0.0/8", "a private address"),
  v4("100.64.0.0/10", "a carrier-grade NAT (shared) address"),
  v4("127.0.0.0/8", "a loopback address"),
  v4("169.254.0.0/16", "a link-local address"),
  v4("172.16.0.0/12", "a private address"),
  v4("192.0.0.0/24", "an IETF protocol assignment address"),
  v4("192.168.0.0/16", "a private address"),
  v4("198.18.0.0/15", "a benchmarking address"),
  v4("224.0.0.0/4", "a multicast address"),
  v4("255.255.255.255/32", "the broadcast address"),
  v4("240.0.0.0/4", "a reserved address"),
];

/** IPv6 ranges refused outright (embedded-IPv4 forms are handled separately). */
const BLOCKED_V6: Array<Range<IPv6Groups>> = [
  v6("::/128", "an unspecified address"),
  v6("::1/128", "a loopback address"),
  v6("fd00:ec2::254/128", "a cloud metadata address"), // AWS IMDS over IPv6
  v6("64:ff9b:1::/48", "a local-use NAT64 address"), // RFC 8215: site-specific translation
  v6("100::/64", "a discard-only address"),
  v6("fc00::/7", "a private (unique local) address"),
  v6("fe80::/10", "a link-local address"),
  v6("fec0::/10", "a site-local address"), // deprecated, still private where it is used
  v6("ff00::/8", "a multicast address"),
];

/**
 * IPv6 forms that carry an IPv4 address a stack may end up connecting to.
 * `form` is the phrase for messages; `extract` returns the embedded address,
 * or null when the form does not apply.
 */
const EMBEDDED_V4: Array<{ form: string; extract: (g: IPv6Groups) => number | null }> = [
  { form: "an IPv4-mapped", extract: (g) => (zero(g, 0, 5) && g[5] === 0xffff ? low32(g) : null) },
  // ::a.b.c.d (deprecated); :: and ::1 are caught as unspecified/loopback first.
  { form: "an IPv4-compatible", extract: (g) => (zero(g, 0, 6) ? low32(g) : null) },
  { form: "an IPv4-translated", extract: (g) => (zero(g, 0, 4) && g[4] === 0xffff && g[5] === 0 ? low32(g) : null) },
  { form: "a NAT64", extract: (g) => (g[0] === 0x64 && g[1] === 0xff9b && zero(g, 2, 6) ? low32(g) : null) },
  // 6to4 puts the IPv4 address in bits 16-47.
  { form: "a 6to4", extract: (g) => (g[0] === 0x2002 ? g[1] * 0x10000 + g[2] : null) },
  // Teredo stores the client's IPv4 address inverted in the low 32 bits.
  { form: "a Teredo", extract: (g) => (g[0] === 0x2001 && g[1] === 0 ? 0xffffffff - low32(g) : null) },
];

/** Exact names of the local host and of cloud metadata services. */
const BLOCKED_NAMES = new Map<string, string>([
  ["localhost", "a loopback name"],
  ["localhost.localdomain", "a loopback name"],
  ["ip6-localhost", "a loopback name"],
  ["ip6-loopback", "a loopback name"],
  ["metadata", "a cloud metadata name"],
  ["metadata.google.internal", "a cloud metadata name"],
  ["instance-data", "a cloud metadata name"],
]);

/** Suffixes that only ever resolve inside a private network. */
const BLOCKED_SUFFIXES: Array<[string, string]> = [
  [".localhost", "a loopback name"], // RFC 6761: always the local host
  [".local", "a local-network (mDNS) name"],
  [".internal", "an internal name"], // cloud-private DNS, e.g. *.ec2.internal
  [".localdomain", "a local-network name"],
  [".home.arpa", "a local-network name"], // RFC 8375
];

/**
 * Why a hostname is refused as a target, or null when it is fine.
 * Takes `URL.hostname` as is (IPv6 in brackets, any case, trailing dots) and
 * parses IP literals itself, so it does not depend on the URL parser having
 * normalised `0x7f.1` to `127.0.0.1`. Pure; exported for tests.
 */
export function blockedHostReason(hostname: string): string | null {
  // Trailing dots name the same host ("localhost." is localhost).
  const host = hostname.toLowerCase().replace(/\.+$/, "");
  if (host === "") return "an empty name";

  const named = BLOCKED_NAMES.get(host) ?? BLOCKED_SUFFIXES.find(([suffix]) => host.endsWith(suffix))?.[1];
  if (named) return named;

  const address4 = parseIPv4(host);
  if (address4 !== null) return ipv4Reason(address4);

  const groups = parseIPv6(host);
  if (groups !== null) return ipv6Reason(groups);
  return null;
}

function ipv4Reason(address: number): string | null {
  return BLOCKED_V4.find((range) => inIPv4Range(address, range.first, range.prefix))?.reason ?? null;
}

function ipv6Reason(groups: IPv6Groups): string | null {
  const listed = BLOCKED_V6.find((range) => inIPv6Range(groups, range.first, range.prefix));
  if (listed) return listed.reason;
  for (const { form, extract } of EMBEDDED_V4) {
    const embedded = extract(groups);
    if (embedded === null) continue;
    const reason = ipv4Reason(embedded);
    return reason ? `${form} IPv6 address for ${formatIPv4(embedded)}, which is ${reason}` : null;
  }
  return null;
}

function zero(groups: IPv6Groups, from: number, to: number): boolean {
  return groups.slice(from, to).every((group) => group === 0);
}

function low32(groups: IPv6Groups): number {
  return groups[6] * 0x10000 + groups[7];
}

/**
 * Checks a rendered target URL before anything is sent and returns it parsed.
 * Only http(s) with a host; when `allowPrivate` is false, nothing loopback,
 * private, link-local, CGNAT, metadata, multicast or reserved, in any spelling.
 * Throws AppError("target_not_allowed") with a message saying what is wrong.
 */
export function assertAllowedTarget(rawUrl: string, options: { allowPrivate: boolean }): URL {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    const hint = /^[a-z][a-z0-9+.-]*:/i.test(rawUrl) ? "" : "; it has no scheme, start it with https:// or http://";
    throw refuse(`URL ${shown(rawUrl)} is not a valid absolute URL${hint}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw refuse(`URL scheme ${JSON.stringify(url.protocol)} is not allowed; targets must be http:// or https:// URLs`);
  }
  if (url.hostname === "") throw refuse("URL has no host");
  if (options.allowPrivate) return url;

  const reason = blockedHostReason(url.hostname);
  if (reason !== null) {
    throw refuse(`URL host ${describeHost(url.hostname)} is ${reason}; private targets are disabled (ALLOW_PRIVATE_TARGETS)`);
  }
  return url;
}

/** The host, plus its dotted-quad form when it was spelled some other way. */
function describeHost(hostname: string): string {
  const address = parseIPv4(hostname.replace(/\.+$/, ""));
  const dotted = address === null ? hostname : formatIPv4(address);
  return dotted === hostname ? hostname : `${hostname} (${dotted})`;
}

/** A raw URL for a message: quoted, bounded, and without userinfo (it may hold a password). */
function shown(rawUrl: string): string {
  const bounded = rawUrl.length > 200 ? `${rawUrl.slice(0, 200)}…` : rawUrl;
  return JSON.stringify(bounded.replace(/\/\/[^/?#]*@/, "//***@"));
}

function refuse(message: string): AppError {
  return new AppError("target_not_allowed", message, { field: "url" });
}
