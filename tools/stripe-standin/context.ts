/** What the API handlers, hosted pages and the billing engine share. */
import type { Clock } from "./clock";
import type { EventLog } from "./events";
import type { Store } from "./store";
import type { WebhookDispatcher } from "./webhooks";

export interface Context {
  store: Store;
  clock: Clock;
  events: EventLog;
  webhooks: WebhookDispatcher;
  /** Base URL of the hosted pages, no trailing slash. */
  publicUrl: string;
  /** Days between failed payment attempts of an invoice; after the last one the subscription is unpaid. */
  retryScheduleDays: readonly number[];
  log: (message: string) => void;
}
