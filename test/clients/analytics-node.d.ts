// The classic `analytics-node` 6.x ships no types: this covers what the tests
// use, read from its index.js (a CommonJS class, `module.exports = Analytics`).
declare module "analytics-node" {
  namespace Analytics {
    interface Message {
      userId?: string | number;
      anonymousId?: string | number;
      event?: string;
      properties?: Record<string, unknown>;
      traits?: Record<string, unknown>;
      context?: Record<string, unknown>;
      integrations?: Record<string, unknown>;
      timestamp?: Date;
      messageId?: string;
    }
    /** The request body it posted (or tried to): `{batch, timestamp, sentAt}`. */
    interface Data {
      batch: Array<Record<string, unknown>>;
      timestamp: Date;
      sentAt: Date;
    }
    type Callback = (err: Error | undefined, data: Data) => void;
    interface Options {
      flushAt?: number;
      flushInterval?: number;
      host?: string;
      path?: string;
      enable?: boolean;
      timeout?: number | string;
      /** axios-retry attempts (default 3); 0 turns retrying off. */
      retryCount?: number;
      maxQueueSize?: number;
      /** Receives a failed flush's error; without it a failed automatic flush is an unhandled rejection. */
      errorHandler?: (err: Error) => unknown;
      axiosConfig?: Record<string, unknown>;
    }
  }
  class Analytics {
    constructor(writeKey: string, options?: Analytics.Options);
    identify(message: Analytics.Message, callback?: Analytics.Callback): this;
    track(message: Analytics.Message, callback?: Analytics.Callback): this;
    page(message: Analytics.Message, callback?: Analytics.Callback): this;
    screen(message: Analytics.Message, callback?: Analytics.Callback): this;
    group(message: Analytics.Message & { groupId: string | number }, callback?: Analytics.Callback): this;
    alias(message: Analytics.Message & { previousId: string | number }, callback?: Analytics.Callback): this;
    /** Sends what is queued; resolves at once when the queue is empty, even if a request is still in flight. */
    flush(callback?: Analytics.Callback): Promise<Analytics.Data | undefined>;
  }
  export = Analytics;
}
