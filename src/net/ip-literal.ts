/**
 * Parsing of IP literals in every spelling a URL host can carry. The guard
 * classifies what these parsers return rather than trusting that the runtime's
 * URL parser already normalised the host: workerd does today (it implements
 * WHATWG URL), but a guard that depends on that breaks silently if a host ever
 * reaches it by another path.
 */

/** Eight 16-bit groups, most significant first. */
export type IPv6Groups = [number, number, number, number, number, number, number, number];

/**
 * An IPv4 literal as WHATWG URL and inet_aton read it: one to four dot-separated
 * parts, each decimal, hex (`0x7f`, and a bare `0x` is 0) or octal (leading 0);
 * the last part fills every remaining byte, so `127.1`, `0x7f.1` and
 * `2130706433` are all 127.0.0.1. One trailing dot is allowed.
 * Returns the address as an unsigned 32-bit number, or null when the host is
 * not an IPv4 literal (a name, or out of range).
 */
export function parseIPv4(host: string): number | null {
  const parts = host.split(".");
  if (parts.length > 1 && parts[parts.length - 1] === "") parts.pop();
  if (parts.length === 0 || parts.length > 4) return null;

  const values: number[] = [];
  for (const part of parts) {
    const value = parseIPv4Part(part);
    if (value === null) return null;
    values.push(value);
  }
  const last = values.pop() ?? 0;
  // Leading parts are one byte each; the last covers the bytes that remain.
  if (values.some((value) => value > 255)) return null;
  const lastBytes = 4 - values.length;
  if (last >= 256 ** lastBytes) return null;
  const leading = values.reduce((sum, value) => sum * 256 + value, 0);
  return leading * 256 ** lastBytes + last;
}

function parseIPv4Part(part: string): number | null {
  if (/^0x[0-9a-f]*$/i.test(part)) return part.length === 2 ? 0 : parseInt(part.slice(2), 16);
  if (/^0[0-7]+$/.test(part)) return parseInt(part.slice(1), 8);
  if (/^(0|[1-9][0-9]*)$/.test(part)) return Number(part);
  return null; // empty, a name label, or an octal part with an 8 or 9 in it
}

/**
 * An IPv6 literal to eight groups. Accepts brackets (`[::1]`, as URL.hostname
 * gives it), `::` compression, a trailing embedded dotted quad
 * (`::ffff:127.0.0.1`) and a zone id (`fe80::1%eth0`, `%25eth0`), which is
 * dropped. Returns null when the host is not an IPv6 literal.
 */
export function parseIPv6(host: string): IPv6Groups | null {
  let text = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  text = text.replace(/%.*$/, "");
  if (!text.includes(":")) return null;

  // An embedded dotted quad stands for the last two groups.
  const tail: number[] = [];
  const dotted = /^(.*:)([^:]*\.[^:]*)$/.exec(text);
  if (dotted) {
    const v4 = parseIPv4(dotted[2] ?? "");
    if (v4 === null) return null;
    tail.push(Math.floor(v4 / 0x10000), v4 % 0x10000);
    const head = dotted[1] ?? "";
    text = head.endsWith("::") ? head : head.slice(0, -1);
  }

  const halves = text.split("::");
  if (halves.length > 2) return null;
  const before = parseGroups(halves[0] ?? "");
  const after = halves.length === 2 ? parseGroups(halves[1] ?? "") : [];
  if (before === null || after === null) return null;

  const missing = 8 - before.length - after.length - tail.length;
  // Without "::" the groups must be complete; "::" stands for at least one zero group.
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const zeros = new Array<number>(halves.length === 2 ? missing : 0).fill(0);
  return [...before, ...zeros, ...after, ...tail] as IPv6Groups;
}

function parseGroups(text: string): number[] | null {
  if (text === "") return [];
  const groups: number[] = [];
  for (const group of text.split(":")) {
    if (!/^[0-9a-f]{1,4}$/i.test(group)) return null;
    groups.push(parseInt(group, 16));
  }
  return groups;
}

/** `a.b.c.d` for an unsigned 32-bit address. */
export function formatIPv4(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join(".");
}

/** Whether a 32-bit address lies in `first/prefix` (first given as a number). */
export function inIPv4Range(address: number, first: number, prefix: number): boolean {
  const size = 2 ** (32 - prefix);
  return address >= first && address < first + size;
}

/** Whether eight groups share the first `prefix` bits with `first`. */
export function inIPv6Range(groups: IPv6Groups, first: IPv6Groups, prefix: number): boolean {
  for (let i = 0; i < 8 && prefix > 0; i++, prefix -= 16) {
    const bits = Math.min(prefix, 16);
    const mask = (0xffff << (16 - bits)) & 0xffff;
    if (((groups[i] ?? 0) & mask) !== ((first[i] ?? 0) & mask)) return false;
  }
  return true;
}
