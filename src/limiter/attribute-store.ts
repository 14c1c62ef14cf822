import type { AttributeUpdate, LoggedResponse } from "../delivery/model";
import type { AccountId, CustomerId } from "../store/ids";
import { byteLength } from "../lib/encoding";
import { renderAttributes, type AttributeValue } from "../templates/render-attributes";
import { responseScope } from "../templates/scope";

export const ATTRIBUTE_SCHEMA = `
  CREATE TABLE IF NOT EXISTS attributes (
    account TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    data TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (account, customer_id)
  );
`;

export type Attributes = Record<string, AttributeValue>;

/**
 * Attributes feed every later render of the customer and travel with each
 * trigger, so they are bounded: one value, and all of a customer's together
 * (as JSON). A response that would pass either bound writes nothing, and the
 * delivery stays sent with an error naming the attribute.
 */
const MAX_ATTRIBUTE_VALUE_BYTES = 64 * 1024;
const MAX_ATTRIBUTES_BYTES = 256 * 1024;

/**
 * Customer attributes set from webhook responses: the strongly consistent
 * copy. Writes happen inside the Durable Object one at a time, so two
 * responses that both increment a value both count; KV gets a copy for reads
 * at the edge.
 */
export class AttributeStore {
  constructor(private readonly sql: SqlStorage) {}

  get(account: string, customerId: string): Attributes {
    const row = this.sql.exec<{ data: string }>("SELECT data FROM attributes WHERE account = ? AND customer_id = ?", account, customerId).toArray()[0];
    return row ? JSON.parse(row.data) : {};
  }

  merge(account: string, customerId: string, values: Attributes, now: number): Attributes {
    for (const [name, value] of Object.entries(values)) {
      const bytes = byteLength(String(value));
      if (bytes > MAX_ATTRIBUTE_VALUE_BYTES) throw new Error(`attributes.${name}: the value is ${bytes} bytes; the limit is ${MAX_ATTRIBUTE_VALUE_BYTES}`);
    }
    const merged = { ...this.get(account, customerId), ...values };
    const total = byteLength(JSON.stringify(merged));
    if (total > MAX_ATTRIBUTES_BYTES) {
      throw new Error(`attributes.${Object.keys(values).join(", attributes.")}: the customer's attributes would take ${total} bytes; the limit is ${MAX_ATTRIBUTES_BYTES}`);
    }
    this.write(account, customerId, merged, now);
    return merged;
  }

  /** Drops one attribute, or all of them when `name` is absent; returns what is left. */
  clear(account: string, customerId: string, name: string | undefined, now: number): Attributes {
    if (name === undefined) {
      this.sql.exec("DELETE FROM attributes WHERE account = ? AND customer_id = ?", account, customerId);
      return {};
    }
    const { [name]: _dropped, ...rest } = this.get(account, customerId);
    if (Object.keys(rest).length === 0) return this.clear(account, customerId, undefined, now);
    this.write(account, customerId, rest, now);
    return rest;
  }

  private write(account: string, customerId: string, data: Attributes, now: number): void {
    this.sql.exec(
      `INSERT INTO attributes (account, customer_id, data, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (account, customer_id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`,
      account, customerId, JSON.stringify(data), now,
    );
  }

  /**
   * Renders an action's attribute templates against its response and stores
   * the result. `customer` is the trigger's customer overlaid with the
   * attributes as they are now, so concurrent increments all count.
   */
  applyResponse(account: AccountId, customerId: CustomerId, update: AttributeUpdate, response: LoggedResponse, body: string, now: number): Attributes {
    const current = this.get(account, customerId);
    const { scope } = update;
    const rendered = renderAttributes(update.templates, {
      ...scope,
      customer: { ...scope.customer, ...current },
      response: responseScope(response.status, response.headers, body),
    });
    return this.merge(account, customerId, rendered, now);
  }
}
