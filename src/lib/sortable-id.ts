/**
 * An id that sorts by creation time (a base-36 millisecond prefix), so logs
 * page newest-first by id alone; 10 random base-32 characters (50 bits) keep
 * ids of the same millisecond apart.
 */
export function sortableId(prefix: string, now = Date.now()): string {
  let suffix = "";
  for (const byte of crypto.getRandomValues(new Uint8Array(10))) suffix += (byte & 31).toString(32);
  return `${prefix}_${now.toString(36).padStart(9, "0")}${suffix}`;
}
