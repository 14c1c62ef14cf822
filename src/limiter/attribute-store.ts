import type { DeliveryJob, LoggedResponse } from "../delivery/model";
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
    const merged = { ...this.get(account, customerId), ...values };
    this.sql.exec(
      `INSERT INTO attributes (account, customer_id, data, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (account, customer_id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`,
      account, customerId, JSON.stringify(merged), now,
    );
    return merged;
  }

  /**
   * Renders a delivery's attribute templates against its response and stores
   * the result. `customer` is the trigger's customer overlaid with the
   * attributes as they are now, so concurrent increments all count.
   */
  applyResponse(job: DeliveryJob, response: LoggedResponse, body: string, now: number): Attributes {
    const current = this.get(job.account, job.customerId);
    const scope = { ...job.scope, customer: { ...job.scope.customer, ...current }, response: responseScope(response.status, response.headers, body) };
    return this.merge(job.account, job.customerId, renderAttributes(job.attributes, scope), now);
  }
}
