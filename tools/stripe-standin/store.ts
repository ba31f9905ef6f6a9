/** In-memory state of the stand-in. Objects are stored in their Stripe shape; Maps keep creation order. */
import type Stripe from "stripe";
import { noSuch } from "./errors";

/** What a Checkout Session carries for the subscription it will create (not part of its API shape). */
export interface CheckoutPlan {
  price: string;
  quantity: number;
  trialPeriodDays: number | null;
  trialEnd: number | null;
  subscriptionMetadata: Stripe.Metadata;
  subscriptionDescription: string | null;
  lines: Stripe.LineItem[];
}

export interface IdempotentResult {
  method: string;
  path: string;
  params: string;
  status: number;
  body: string;
}

export class Store {
  readonly customers = new Map<string, Stripe.Customer>();
  readonly products = new Map<string, Stripe.Product>();
  readonly prices = new Map<string, Stripe.Price>();
  readonly checkoutSessions = new Map<string, Stripe.Checkout.Session>();
  readonly checkoutPlans = new Map<string, CheckoutPlan>();
  readonly portalSessions = new Map<string, Stripe.BillingPortal.Session>();
  readonly subscriptions = new Map<string, Stripe.Subscription>();
  readonly invoices = new Map<string, Stripe.Invoice>();
  /** One per charged invoice (zero-amount invoices have none), as Stripe records them. */
  readonly invoicePayments = new Map<string, Stripe.InvoicePayment>();
  readonly refunds = new Map<string, Stripe.Refund>();
  /** Oldest first. */
  readonly events: Stripe.Event[] = [];
  readonly idempotency = new Map<string, IdempotentResult>();
  /** Customers whose charges fail (set through /_standin/customers/:id/fail-payments). */
  readonly failingCustomers = new Set<string>();
  /** Subscriptions that already got `customer.subscription.trial_will_end`. */
  readonly trialWillEndSent = new Set<string>();

  reset(): void {
    this.customers.clear();
    this.products.clear();
    this.prices.clear();
    this.checkoutSessions.clear();
    this.checkoutPlans.clear();
    this.portalSessions.clear();
    this.subscriptions.clear();
    this.invoices.clear();
    this.invoicePayments.clear();
    this.refunds.clear();
    this.events.length = 0;
    this.idempotency.clear();
    this.failingCustomers.clear();
    this.trialWillEndSent.clear();
  }

  customer(id: string, param = "id"): Stripe.Customer {
    return this.customers.get(id) ?? throwNoSuch(id, "customer", param);
  }

  product(id: string, param = "id"): Stripe.Product {
    return this.products.get(id) ?? throwNoSuch(id, "product", param);
  }

  price(id: string, param = "id"): Stripe.Price {
    return this.prices.get(id) ?? throwNoSuch(id, "price", param);
  }

  checkoutSession(id: string): Stripe.Checkout.Session {
    return this.checkoutSessions.get(id) ?? throwNoSuch(id, "checkout.session");
  }

  checkoutPlan(id: string): CheckoutPlan {
    return this.checkoutPlans.get(id) ?? throwNoSuch(id, "checkout.session");
  }

  portalSession(id: string): Stripe.BillingPortal.Session {
    return this.portalSessions.get(id) ?? throwNoSuch(id, "billing_portal.session");
  }

  subscription(id: string, param = "id"): Stripe.Subscription {
    return this.subscriptions.get(id) ?? throwNoSuch(id, "subscription", param);
  }

  invoice(id: string): Stripe.Invoice {
    return this.invoices.get(id) ?? throwNoSuch(id, "invoice");
  }

  invoicePayment(id: string): Stripe.InvoicePayment {
    return this.invoicePayments.get(id) ?? throwNoSuch(id, "invoice_payment");
  }

  refund(id: string): Stripe.Refund {
    return this.refunds.get(id) ?? throwNoSuch(id, "refund");
  }

  /** The paid invoice payment behind a PaymentIntent id (the stand-in has no PaymentIntents). */
  paymentByIntent(paymentIntent: string): Stripe.InvoicePayment | undefined {
    return [...this.invoicePayments.values()].find(
      (payment) => payment.payment.payment_intent === paymentIntent,
    );
  }

  event(id: string): Stripe.Event {
    return this.events.find((event) => event.id === id) ?? throwNoSuch(id, "event");
  }

  customersByEmail(email: string): Stripe.Customer[] {
    return [...this.customers.values()].filter((customer) => customer.email === email);
  }

  /** The object behind an id (for `expand[]`), or undefined. Product ids can be anything. */
  byId(id: string): { object: string } | undefined {
    return (
      this.customers.get(id) ??
      this.products.get(id) ??
      this.prices.get(id) ??
      this.checkoutSessions.get(id) ??
      this.portalSessions.get(id) ??
      this.subscriptions.get(id) ??
      this.invoices.get(id) ??
      this.invoicePayments.get(id) ??
      this.refunds.get(id)
    );
  }
}

function throwNoSuch(id: string, noun: string, param = "id"): never {
  throw noSuch(id, noun, param);
}
