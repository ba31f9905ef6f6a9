/**
 * Events: every state change records a `Stripe.Event` (newest last in the store) and hands it to
 * the webhook dispatcher. The payload is a snapshot of the object at that moment.
 */
import type Stripe from "stripe";
import { newId } from "./ids";
import { API_VERSION } from "./objects";
import type { Store } from "./store";

type EventOf<T extends Stripe.Event.Type> = Extract<Stripe.Event, { type: T }>;
export type EventObject<T extends Stripe.Event.Type> = EventOf<T>["data"]["object"];
export type PreviousAttributes<T extends Stripe.Event.Type> =
  EventOf<T>["data"]["previous_attributes"];

/** When (stand-in clock) and through which API request (if any) a change happened. */
export interface Origin {
  at: number;
  request: Stripe.Event.Request | null;
}

export const NO_REQUEST: Stripe.Event.Request = { id: null, idempotency_key: null };

export class EventLog {
  constructor(
    private readonly store: Store,
    private readonly publish: (event: Stripe.Event) => void,
  ) {}

  emit<T extends Stripe.Event.Type>(
    type: T,
    object: EventObject<T>,
    origin: Origin,
    previousAttributes?: PreviousAttributes<T>,
  ): Stripe.Event {
    const data: { object: unknown; previous_attributes?: unknown } = {
      object: structuredClone(object),
    };
    if (previousAttributes !== undefined) {
      data.previous_attributes = structuredClone(previousAttributes);
    }
    const event = {
      id: newId("event"),
      object: "event",
      api_version: API_VERSION,
      created: origin.at,
      data,
      livemode: false,
      pending_webhooks: 0,
      request: origin.request ?? NO_REQUEST,
      type,
    } as EventOf<T>;
    this.store.events.push(event);
    this.publish(event);
    return event;
  }
}
