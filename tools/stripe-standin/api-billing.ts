/**
 * `/v1/checkout/sessions`, `/v1/billing_portal/sessions`, `/v1/subscriptions`, `/v1/invoices`,
 * `/v1/events`.
 */
import type Stripe from "stripe";
import { reply, replyList, originOf } from "./api-catalog";
import {
  cancelNow,
  changePrice,
  emitSubscriptionUpdated,
  expireCheckout,
  payInvoice,
  setCancelAtPeriodEnd,
  type ProrationBehavior,
} from "./billing";
import { DAY } from "./clock";
import type { Context } from "./context";
import { badRequest, invalidParam, missingParam } from "./errors";
import {
  applyMetadata,
  arrayParam,
  optBool,
  optEnum,
  optInt,
  optNullableString,
  optString,
  reqString,
  stringArray,
  type FormMap,
} from "./form";
import { checkParams, type Reply, type Request, type Router } from "./http";
import { newId } from "./ids";
import { createdFilter, LIST_PARAMS, paginate } from "./lists";
import { checkoutLineObject, checkoutSessionObject, idOf, portalSessionObject } from "./objects";
import { expand, render, renderSubscription } from "./views";

function validUrl(value: string | undefined, param: string): string | null {
  if (value === undefined) return null;
  try {
    new URL(value.replace("{CHECKOUT_SESSION_ID}", "cs_test"));
  } catch {
    throw invalidParam(param, "Not a valid URL", "url_invalid");
  }
  return value;
}

const CHECKOUT_IGNORED = [
  "adaptive_pricing",
  "allow_promotion_codes",
  "automatic_tax",
  "billing_address_collection",
  "branding_settings",
  "consent_collection",
  "custom_fields",
  "custom_text",
  "customer_update",
  "excluded_payment_method_types",
  "integration_identifier",
  "name_collection",
  "origin_context",
  "payment_method_collection",
  "payment_method_configuration",
  "payment_method_options",
  "payment_method_types",
  "phone_number_collection",
  "saved_payment_method_options",
  "submit_type",
  "tax_id_collection",
  "wallet_options",
];
const CHECKOUT_UNSUPPORTED = [
  "after_expiration",
  "allowed_payment_method_types",
  "currency",
  "customer_account",
  "customer_creation",
  "discounts",
  "invoice_creation",
  "managed_payments",
  "optional_items",
  "payment_intent_data",
  "payment_method_data",
  "permissions",
  "redirect_on_completion",
  "return_url",
  "setup_intent_data",
  "shipping_address_collection",
  "shipping_options",
];
const SUBSCRIPTION_DATA = ["trial_period_days", "trial_end", "metadata", "description"];

function createCheckoutSession(ctx: Context, request: Request): Reply {
  const { store } = ctx;
  const input = request.body;
  checkParams(
    input,
    {
      implemented: [
        "mode",
        "customer",
        "customer_email",
        "client_reference_id",
        "line_items",
        "success_url",
        "cancel_url",
        "subscription_data",
        "metadata",
        "expires_at",
        "locale",
        "ui_mode",
        "expand",
      ],
      ignored: CHECKOUT_IGNORED,
      unsupported: CHECKOUT_UNSUPPORTED,
    },
    "POST /v1/checkout/sessions",
    ctx.log,
  );
  const now = ctx.clock.now();
  const mode = reqString(input, "mode");
  if (mode !== "subscription") {
    throw invalidParam("mode", "The Stripe stand-in only implements mode=subscription.");
  }
  const uiMode = optString(input, "ui_mode");
  if (uiMode !== undefined && uiMode !== "hosted_page" && uiMode !== "hosted") {
    throw invalidParam("ui_mode", "The Stripe stand-in only implements hosted Checkout pages.");
  }
  const customerId = optString(input, "customer");
  const customerEmail = optString(input, "customer_email");
  if (customerId !== undefined && customerEmail !== undefined) {
    throw badRequest("You may only specify one of these parameters: customer, customer_email.");
  }
  if (customerId !== undefined) store.customer(customerId, "customer");

  const lines = arrayParam(input, "line_items");
  if (!lines || lines.length === 0) throw missingParam("line_items");
  if (lines.length > 1) {
    throw invalidParam("line_items", "The Stripe stand-in supports exactly one line item.");
  }
  if (optString(input, "line_items[0][price_data][currency]") !== undefined) {
    throw invalidParam(
      "line_items[0][price_data]",
      "The Stripe stand-in needs line_items[0][price].",
    );
  }
  const price = store.price(reqString(input, "line_items[0][price]"), "line_items[0][price]");
  if (!price.active) {
    throw invalidParam(
      "line_items[0][price]",
      "The price specified is inactive. This field only accepts active prices.",
    );
  }
  if (!price.recurring) {
    throw invalidParam(
      "line_items[0][price]",
      "You must provide at least one recurring price in `subscription` mode when using prices.",
    );
  }
  const quantity = optInt(input, "line_items[0][quantity]");
  if (quantity === undefined) throw missingParam("line_items[0][quantity]");
  if (quantity < 1) throw invalidParam("line_items[0][quantity]", "Invalid positive integer");

  const trialPeriodDays = optInt(input, "subscription_data[trial_period_days]") ?? null;
  if (trialPeriodDays !== null && (trialPeriodDays < 1 || trialPeriodDays > 730)) {
    throw invalidParam(
      "subscription_data[trial_period_days]",
      "The trial period must be between 1 and 730 days.",
    );
  }
  const trialEnd = optInt(input, "subscription_data[trial_end]") ?? null;
  if (trialEnd !== null && trialEnd < now + 2 * DAY) {
    throw invalidParam(
      "subscription_data[trial_end]",
      "`subscription_data[trial_end]` must be at least 48 hours in the future.",
    );
  }
  const subscriptionData = input.subscription_data;
  if (subscriptionData !== undefined && typeof subscriptionData !== "string") {
    for (const key of Object.keys(subscriptionData)) {
      if (!SUBSCRIPTION_DATA.includes(key)) {
        ctx.log(`note: the stand-in ignores subscription_data[${key}]`);
      }
    }
  }
  const expiresAt = optInt(input, "expires_at") ?? now + DAY;
  if (expiresAt < now + 30 * 60 || expiresAt > now + DAY) {
    throw invalidParam(
      "expires_at",
      "The `expires_at` timestamp must be between 30 minutes and 24 hours from now.",
    );
  }

  const id = newId("checkoutSession");
  const product = store.products.get(idOf(price.product));
  const subtotal = (price.unit_amount ?? 0) * quantity;
  const session = checkoutSessionObject({
    id,
    created: now,
    expiresAt,
    url: `${ctx.publicUrl}/checkout/${id}`,
    customer: customerId ?? null,
    customerEmail: customerEmail ?? null,
    clientReferenceId: optString(input, "client_reference_id") ?? null,
    successUrl: validUrl(optString(input, "success_url"), "success_url"),
    cancelUrl: validUrl(optString(input, "cancel_url"), "cancel_url"),
    currency: price.currency,
    amountSubtotal: subtotal,
    amountTotal: trialPeriodDays !== null || trialEnd !== null ? 0 : subtotal,
    metadata: applyMetadata({}, input),
    locale: (optString(input, "locale") as Stripe.Checkout.Session.Locale | undefined) ?? null,
  });
  store.checkoutSessions.set(id, session);
  store.checkoutPlans.set(id, {
    price: price.id,
    quantity,
    trialPeriodDays,
    trialEnd,
    subscriptionMetadata: applyMetadata({}, input, "subscription_data[metadata]"),
    subscriptionDescription: optString(input, "subscription_data[description]") ?? null,
    lines: [checkoutLineObject(price, quantity, product?.name ?? price.id)],
  });
  return replySession(ctx, request, session);
}

/** Like `reply`, plus the `line_items` list, which is only there when expanded. */
function replySession(ctx: Context, request: Request, session: Stripe.Checkout.Session): Reply {
  const paths = stringArray(request.input, "expand");
  const copy = render(ctx.store, session);
  if (paths.includes("line_items")) {
    const lines = ctx.store.checkoutPlan(session.id).lines;
    copy.line_items = {
      object: "list",
      data: structuredClone(lines),
      has_more: false,
      url: `/v1/checkout/sessions/${session.id}/line_items`,
    };
  }
  return {
    json: expand(
      ctx.store,
      copy,
      paths.filter((path) => path !== "line_items"),
    ),
  };
}

function registerCheckout(router: Router, ctx: Context): void {
  const { store } = ctx;
  router.on("POST", "/v1/checkout/sessions", (request) => createCheckoutSession(ctx, request));
  router.on("GET", "/v1/checkout/sessions/:id", (request) =>
    replySession(ctx, request, store.checkoutSession(request.params.id ?? "")),
  );
  router.on("GET", "/v1/checkout/sessions/:id/line_items", (request) => {
    const session = store.checkoutSession(request.params.id ?? "");
    const lines = store.checkoutPlan(session.id).lines;
    const page = paginate(lines, request.input, `/v1/checkout/sessions/${session.id}/line_items`);
    return { json: expand(store, structuredClone(page), stringArray(request.input, "expand")) };
  });
  router.on("POST", "/v1/checkout/sessions/:id/expire", (request) => {
    const session = store.checkoutSession(request.params.id ?? "");
    if (session.status !== "open") {
      throw badRequest(
        `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${session.status}".`,
      );
    }
    expireCheckout(ctx, session, ctx.clock.now());
    return reply(ctx, request, session);
  });
  router.on("GET", "/v1/checkout/sessions", (request) => {
    const input = request.input;
    checkParams(
      input,
      { implemented: ["customer", "subscription", "status", "created", ...LIST_PARAMS] },
      "GET /v1/checkout/sessions",
      ctx.log,
    );
    const customer = optString(input, "customer");
    const subscription = optString(input, "subscription");
    const status = optEnum(input, "status", ["complete", "expired", "open"] as const);
    const created = createdFilter(input);
    const matches = [...store.checkoutSessions.values()].filter(
      (session) =>
        (customer === undefined || session.customer === customer) &&
        (subscription === undefined || session.subscription === subscription) &&
        (status === undefined || session.status === status) &&
        created(session.created),
    );
    return replyList(ctx, request, matches, "/v1/checkout/sessions");
  });
}

function registerPortal(router: Router, ctx: Context): void {
  router.on("POST", "/v1/billing_portal/sessions", (request) => {
    const input = request.body;
    checkParams(
      input,
      {
        implemented: ["customer", "return_url", "locale", "expand"],
        ignored: ["configuration", "on_behalf_of"],
        unsupported: ["flow_data", "after_expiration", "customer_account"],
      },
      "POST /v1/billing_portal/sessions",
      ctx.log,
    );
    const customer = ctx.store.customer(reqString(input, "customer"), "customer");
    const id = newId("portalSession");
    const session = portalSessionObject({
      id,
      created: ctx.clock.now(),
      customer: customer.id,
      returnUrl: validUrl(optString(input, "return_url"), "return_url"),
      url: `${ctx.publicUrl}/portal/${id}`,
      locale:
        (optString(input, "locale") as Stripe.BillingPortal.Session.Locale | undefined) ?? null,
    });
    ctx.store.portalSessions.set(id, session);
    ctx.events.emit("billing_portal.session.created", session, originOf(ctx, request));
    return reply(ctx, request, session);
  });
}

const SUBSCRIPTION_STATUSES = [
  "active",
  "all",
  "canceled",
  "ended",
  "incomplete",
  "incomplete_expired",
  "past_due",
  "paused",
  "trialing",
  "unpaid",
] as const;

function statusMatches(status: Stripe.Subscription.Status, filter: string | undefined): boolean {
  if (filter === "all") return true;
  if (filter === undefined) return status !== "canceled" && status !== "incomplete_expired";
  if (filter === "ended") return status === "canceled" || status === "incomplete_expired";
  return status === filter;
}

function updateSubscription(ctx: Context, request: Request): Reply {
  const subscription = ctx.store.subscription(request.params.id ?? "");
  const input = request.body;
  checkParams(
    input,
    {
      implemented: [
        "cancel_at_period_end",
        "items",
        "proration_behavior",
        "metadata",
        "description",
        "expand",
      ],
      ignored: ["payment_behavior", "off_session", "proration_date", "payment_settings"],
      unsupported: [
        "add_invoice_items",
        "application_fee_percent",
        "automatic_tax",
        "billing_cycle_anchor",
        "billing_schedules",
        "billing_thresholds",
        "cancel_at",
        "cancellation_details",
        "collection_method",
        "days_until_due",
        "default_payment_method",
        "default_source",
        "default_tax_rates",
        "discounts",
        "invoice_settings",
        "on_behalf_of",
        "pause_collection",
        "pending_invoice_item_interval",
        "transfer_data",
        "trial_end",
        "trial_from_plan",
        "trial_settings",
      ],
    },
    "POST /v1/subscriptions/:id",
    ctx.log,
  );
  const origin = originOf(ctx, request);
  const cancelAtPeriodEnd = optBool(input, "cancel_at_period_end");
  const proration =
    optEnum<ProrationBehavior>(input, "proration_behavior", [
      "always_invoice",
      "create_prorations",
      "none",
    ]) ?? "create_prorations";
  const items = arrayParam(input, "items") ?? [];
  if (items.length > 1) {
    throw invalidParam("items", "The Stripe stand-in supports single-item subscriptions only.");
  }
  let newPrice: Stripe.Price | null = null;
  let quantity: number | null = null;
  if (items.length === 1) {
    const itemId = optString(input, "items[0][id]");
    const item = subscription.items.data[0];
    if (itemId === undefined) {
      throw invalidParam(
        "items[0][id]",
        "The Stripe stand-in supports single-item subscriptions only: pass items[0][id] to change the existing item.",
      );
    }
    if (!item || item.id !== itemId) {
      throw invalidParam(
        "items[0][id]",
        `Subscription item ${itemId} does not belong to subscription ${subscription.id}.`,
        "resource_missing",
      );
    }
    if (optString(input, "items[0][deleted]") !== undefined) {
      throw invalidParam("items[0][deleted]", "The Stripe stand-in cannot delete the only item.");
    }
    const priceId = optString(input, "items[0][price]");
    newPrice = priceId === undefined ? item.price : ctx.store.price(priceId, "items[0][price]");
    if (priceId !== undefined && !newPrice.active) {
      throw invalidParam(
        "items[0][price]",
        "The price specified is inactive. This field only accepts active prices.",
      );
    }
    if (!newPrice.recurring) {
      throw invalidParam("items[0][price]", "The price specified must be a recurring price.");
    }
    quantity = optInt(input, "items[0][quantity]") ?? item.quantity ?? 1;
  }

  const metadata = applyMetadata(subscription.metadata, input);
  const description = optNullableString(input, "description");
  const before = renderSubscription(ctx.store, subscription);
  const previous: Partial<Stripe.Subscription> = {};
  if (JSON.stringify(metadata) !== JSON.stringify(subscription.metadata)) {
    previous.metadata = before.metadata;
    subscription.metadata = metadata;
  }
  if (description !== undefined && description !== subscription.description) {
    previous.description = before.description;
    subscription.description = description;
  }
  if (Object.keys(previous).length > 0) {
    emitSubscriptionUpdated(ctx, subscription, origin, previous);
  }
  if (cancelAtPeriodEnd !== undefined) {
    setCancelAtPeriodEnd(ctx, subscription, cancelAtPeriodEnd, origin);
  }
  if (newPrice && quantity !== null) {
    changePrice(ctx, subscription, newPrice, quantity, proration, origin);
  }
  return reply(ctx, request, subscription);
}

function registerSubscriptions(router: Router, ctx: Context): void {
  const { store } = ctx;
  router.on("GET", "/v1/subscriptions/:id", (request) =>
    reply(ctx, request, store.subscription(request.params.id ?? "")),
  );
  router.on("POST", "/v1/subscriptions/:id", (request) => updateSubscription(ctx, request));
  router.on("DELETE", "/v1/subscriptions/:id", (request) => {
    const subscription = store.subscription(request.params.id ?? "");
    const input = request.input;
    checkParams(
      input,
      { implemented: ["cancellation_details", "expand"], ignored: ["invoice_now", "prorate"] },
      "DELETE /v1/subscriptions/:id",
      ctx.log,
    );
    cancelNow(
      ctx,
      subscription,
      {
        comment: optString(input, "cancellation_details[comment]") ?? null,
        feedback:
          optEnum(input, "cancellation_details[feedback]", [
            "customer_service",
            "low_quality",
            "missing_features",
            "other",
            "switched_service",
            "too_complex",
            "too_expensive",
            "unused",
          ] as const) ?? null,
      },
      originOf(ctx, request),
    );
    return reply(ctx, request, subscription);
  });
  router.on("GET", "/v1/subscriptions", (request) => {
    const input = request.input;
    checkParams(
      input,
      { implemented: ["customer", "status", "price", "created", ...LIST_PARAMS] },
      "GET /v1/subscriptions",
      ctx.log,
    );
    const customer = optString(input, "customer");
    const status = optEnum(input, "status", SUBSCRIPTION_STATUSES);
    const price = optString(input, "price");
    const created = createdFilter(input);
    const matches = [...store.subscriptions.values()].filter(
      (subscription) =>
        (customer === undefined || subscription.customer === customer) &&
        statusMatches(subscription.status, status) &&
        (price === undefined || subscription.items.data.some((item) => item.price.id === price)) &&
        created(subscription.created),
    );
    return replyList(ctx, request, matches, "/v1/subscriptions");
  });
}

function registerInvoices(router: Router, ctx: Context): void {
  const { store } = ctx;
  router.on("GET", "/v1/invoices/:id", (request) =>
    reply(ctx, request, store.invoice(request.params.id ?? "")),
  );
  router.on("GET", "/v1/invoices/:id/lines", (request) => {
    const invoice = store.invoice(request.params.id ?? "");
    const page = paginate(invoice.lines.data, request.input, `/v1/invoices/${invoice.id}/lines`);
    return { json: expand(store, structuredClone(page), stringArray(request.input, "expand")) };
  });
  router.on("POST", "/v1/invoices/:id/pay", (request) => {
    const invoice = store.invoice(request.params.id ?? "");
    checkParams(
      request.body,
      { implemented: ["expand"], ignored: ["off_session"], unsupported: ["paid_out_of_band"] },
      "POST /v1/invoices/:id/pay",
      ctx.log,
    );
    payInvoice(ctx, invoice, originOf(ctx, request));
    return reply(ctx, request, invoice);
  });
  router.on("GET", "/v1/invoices", (request) => {
    const input = request.input;
    checkParams(
      input,
      { implemented: ["customer", "subscription", "status", "created", ...LIST_PARAMS] },
      "GET /v1/invoices",
      ctx.log,
    );
    const customer = optString(input, "customer");
    const subscription = optString(input, "subscription");
    const status = optEnum(input, "status", [
      "draft",
      "open",
      "paid",
      "uncollectible",
      "void",
    ] as const);
    const created = createdFilter(input);
    const matches = [...store.invoices.values()].filter((invoice) => {
      const parent = invoice.parent?.subscription_details?.subscription;
      return (
        (customer === undefined || invoice.customer === customer) &&
        (subscription === undefined || (parent !== undefined && idOf(parent) === subscription)) &&
        (status === undefined || invoice.status === status) &&
        created(invoice.created)
      );
    });
    return replyList(ctx, request, matches, "/v1/invoices");
  });
}

function typeMatcher(input: FormMap): (type: string) => boolean {
  const single = optString(input, "type");
  const many = input.types === undefined ? null : stringArray(input, "types");
  if (single !== undefined && many !== null) {
    throw badRequest("You may only specify one of these parameters: type, types.");
  }
  const patterns = many ?? (single === undefined ? null : [single]);
  if (patterns === null) return () => true;
  const regexes = patterns.map(
    (pattern) =>
      new RegExp(
        `^${pattern
          .split("*")
          .map((part) => part.replace(/[.]/g, "\\."))
          .join(".*")}$`,
      ),
  );
  return (type) => regexes.some((regex) => regex.test(type));
}

function registerEvents(router: Router, ctx: Context): void {
  const { store } = ctx;
  router.on("GET", "/v1/events/:id", (request) =>
    reply(ctx, request, store.event(request.params.id ?? "")),
  );
  router.on("GET", "/v1/events", (request) => {
    const input = request.input;
    checkParams(
      input,
      { implemented: ["type", "types", "created", "delivery_success", ...LIST_PARAMS] },
      "GET /v1/events",
      ctx.log,
    );
    const matchesType = typeMatcher(input);
    const created = createdFilter(input);
    const deliverySuccess = optBool(input, "delivery_success");
    const deliveries = new Map(ctx.webhooks.list().map((record) => [record.event_id, record]));
    const matches = store.events.filter((event) => {
      if (!matchesType(event.type) || !created(event.created)) return false;
      if (deliverySuccess === undefined) return true;
      const record = deliveries.get(event.id);
      return record !== undefined && record.delivered === deliverySuccess;
    });
    return replyList(ctx, request, matches, "/v1/events");
  });
}

export function registerBillingApi(router: Router, ctx: Context): void {
  registerCheckout(router, ctx);
  registerPortal(router, ctx);
  registerSubscriptions(router, ctx);
  registerInvoices(router, ctx);
  registerEvents(router, ctx);
}
