/**
 * Parsing of IP literals in every spelling a URL host can carry, so the
 * guard classifies what a client library would actually connect to.
 */

/**
 * IPv4 as inet_aton reads it: 1–4 parts, each decimal, hex (0x) or octal
 * (leading 0); the last part fills the remaining bytes ("127.1", "2130706433").
 * Returns the 32-bit value, or null when the host is not an IPv4 literal.
 */
export function parseIPv4(host: string): number | null {
  const parts = host.split(".");
  if (parts.length > 0 && parts[parts.length - 1] === "") parts.pop(); // trailing dot
  if (parts.length === 0 || parts.length > 4) return null;
  const values: number[] = [];
  for (const part of parts) {
    const value = parseIPv4Part(part);
    if (value === null) return null;
    values.push(value);
  }
  const last = values.pop()!;
  if (values.some((value) => value > 255)) return null;
  if (last >= 256 ** (4 - values.length)) return null;
  let result = 0;
  for (const value of values) result = result * 256 + value;
  return result * 256 ** (4 - values.length) + last;
}

function parseIPv4Part(part: string): number | null {
  if (/^0x[0-9a-f]*$/i.test(part)) return part.length === 2 ? 0 : parseInt(part.slice(2), 16);
  if (/^0[0-7]+$/.test(part)) return parseInt(part.slice(1), 8);
  if (/^(0|[1-9][0-9]*)$/.test(part)) return Number(part);
  return null;
}

/** IPv6 to 8 16-bit groups, with an embedded dotted quad and a zone id allowed; null if not IPv6. */
export function parseIPv6(host: string): number[] | null {
  let text = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  text = text.replace(/%.*$/, ""); // zone id: fe80::1%eth0
  if (!text.includes(":")) return null;
  const tail: number[] = [];
  const dotted = text.match(/^(.*:)(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted) {
    const v4 = parseIPv4(dotted[2]!);
    if (v4 === null) return null;
    tail.push(Math.floor(v4 / 65536), v4 % 65536);
    text = dotted[1]!.endsWith("::") ? dotted[1]! : dotted[1]!.slice(0, -1);
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const groups = (part: string) => (part === "" ? [] : part.split(":"));
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  const parsed = [...head, ...rest].map((group) => (/^[0-9a-f]{1,4}$/i.test(group) ? parseInt(group, 16) : Number.NaN));
  if (parsed.some(Number.isNaN)) return null;
  const missing = 8 - parsed.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const zeros = halves.length === 2 ? new Array<number>(missing).fill(0) : [];
  return [...parsed.slice(0, head.length), ...zeros, ...parsed.slice(head.length), ...tail];
}

export function ipv4ToString(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}
