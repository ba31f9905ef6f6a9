/**
 * Hosted pages, plain HTML forms (no JavaScript), in English:
 *
 * GET/POST /checkout/:id  fields `email` (only when the session has no customer and no
 *   customer_email), `card`, `expiry`, `cvc`, `name`; button "Subscribe"; link "Cancel" (→
 *   cancel_url). Test cards: 4242 4242 4242 4242 (and any other Luhn-valid number) succeeds;
 *   4000 0000 0000 0002 "Your card was declined."; 4000 0000 0000 9995 "Your card has
 *   insufficient funds."; 4000 0000 0000 0069 "Your card has expired."; 4000 0000 0000 0127
 *   "Your card's security code is incorrect."; 4000 0000 0000 0341 attaches (fine for a trial)
 *   but every later charge fails (declined at once when there is something to pay now).
 * GET/POST /portal/:id  per subscription, a form with hidden `subscription` and buttons
 *   `action=cancel` "Cancel plan", `action=resume` "Resume plan", `action=switch`
 *   "Switch to yearly" / "Switch to monthly"; link "Return to Folio" (→ return_url).
 * GET /invoice/:id  the invoice's hosted page (its `hosted_invoice_url`).
 */
import type Stripe from "stripe";
import { changePrice, completeCheckout, setCancelAtPeriodEnd } from "./billing";
import type { Context } from "./context";
import { ApiError } from "./errors";
import { NO_REQUEST } from "./events";
import { optString, type FormMap } from "./form";
import { escapeHtml as h } from "../../lib/documents/text-utils";
import { formatAmount, formatDate, intervalLabel } from "./format";
import type { Reply, Request, Router } from "./http";
import { idOf } from "./objects";

const STYLE = `
body{font-family:system-ui,sans-serif;background:#f6f7f9;color:#1a1f36;margin:0}
main{max-width:30rem;margin:3rem auto;background:#fff;padding:2rem;border-radius:8px;
box-shadow:0 1px 3px rgba(0,0,0,.12)}
label{display:block;margin:.8rem 0 .2rem;font-size:.9rem}
input{width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem}
button{margin:1rem .5rem 0 0;padding:.6rem 1.2rem;font-size:1rem;cursor:pointer}
.error{color:#b3093c;font-weight:600}.muted{color:#697386;font-size:.85rem}
section{border-top:1px solid #e3e8ee;padding-top:1rem;margin-top:1rem}`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(title)}</title><style>${STYLE}</style></head>
<body><main>
${body}
<p class="muted">Stripe stand-in, test mode: no real payment is made.</p>
</main></body>
</html>`;
}

function notFound(what: string): Reply {
  return { status: 404, html: page("Not found", `<h1>Not found</h1><p>${h(what)}</p>`) };
}

function successUrl(session: Stripe.Checkout.Session): string {
  if (!session.success_url) return `/checkout/${session.id}`;
  return session.success_url.split("{CHECKOUT_SESSION_ID}").join(session.id);
}

// ---------------------------------------------------------------------------------------------
// Checkout

type CardCheck = { ok: true; failsLater: boolean } | { ok: false; message: string };

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

const DECLINES: Record<string, string> = {
  "4000000000000002": "Your card was declined.",
  "4000000000009995": "Your card has insufficient funds.",
  "4000000000000069": "Your card has expired.",
  "4000000000000127": "Your card's security code is incorrect.",
};

export function checkCard(input: string, chargesNow: boolean): CardCheck {
  const digits = input.replace(/[\s-]/g, "");
  if (digits === "") return { ok: false, message: "Your card number is incomplete." };
  if (!/^\d+$/.test(digits) || digits.length < 12 || digits.length > 19) {
    return { ok: false, message: "Your card number is invalid." };
  }
  if (!luhn(digits)) return { ok: false, message: "Your card number is invalid." };
  const decline = DECLINES[digits];
  if (decline) return { ok: false, message: decline };
  if (digits === "4000000000000341") {
    return chargesNow
      ? { ok: false, message: "Your card was declined." }
      : { ok: true, failsLater: true };
  }
  return { ok: true, failsLater: false };
}

function checkoutPage(
  ctx: Context,
  session: Stripe.Checkout.Session,
  error: string | null,
  email: string,
): string {
  const plan = ctx.store.checkoutPlan(session.id);
  const price = ctx.store.price(plan.price);
  const product = ctx.store.products.get(idOf(price.product));
  const amount = formatAmount((price.unit_amount ?? 0) * plan.quantity, price.currency);
  const per = intervalLabel(price.recurring);
  const now = ctx.clock.now();
  const trialEnd =
    plan.trialEnd ?? (plan.trialPeriodDays ? now + plan.trialPeriodDays * 86_400 : null);
  const trialDays =
    plan.trialPeriodDays ?? (trialEnd === null ? 0 : Math.round((trialEnd - now) / 86_400));
  const customer = session.customer ? ctx.store.customers.get(idOf(session.customer)) : undefined;
  const knownEmail = customer?.email ?? session.customer_email;
  const emailLine = knownEmail
    ? `<p class="email">Email: <strong>${h(knownEmail)}</strong></p>`
    : `<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="email" required value="${h(email)}">`;
  const pricing =
    trialEnd === null
      ? `<p class="amount"><strong>${h(amount)}</strong> per ${h(per)}</p>`
      : `<p class="amount"><strong>${trialDays} days free</strong>, then ${h(amount)} per ${h(per)}</p>
<p class="trial">Trial ends ${h(formatDate(trialEnd))}. Nothing is charged today.</p>`;
  const cancel = session.cancel_url ? `<a href="${h(session.cancel_url)}">Cancel</a>` : "";
  return page(
    `Subscribe to ${product?.name ?? "your plan"}`,
    `<h1>Subscribe to ${h(product?.name ?? price.id)}</h1>
${product?.description ? `<p>${h(product.description)}</p>` : ""}
${pricing}
${plan.quantity > 1 ? `<p>Quantity: ${plan.quantity}</p>` : ""}
${error ? `<p class="error" role="alert">${h(error)}</p>` : ""}
<form method="post" action="/checkout/${h(session.id)}">
${emailLine}
<label for="card">Card number</label>
<input id="card" name="card" inputmode="numeric" autocomplete="cc-number" placeholder="4242 4242 4242 4242">
<label for="expiry">Expiry</label>
<input id="expiry" name="expiry" autocomplete="cc-exp" placeholder="MM / YY">
<label for="cvc">CVC</label>
<input id="cvc" name="cvc" autocomplete="cc-csc" placeholder="CVC">
<label for="name">Name on card</label>
<input id="name" name="name" autocomplete="cc-name">
<button type="submit">Subscribe</button>
${cancel}
</form>
<p class="muted">Test cards: 4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is declined,
4000 0000 0000 0341 fails on renewal.</p>`,
  );
}

function finishedCheckoutPage(session: Stripe.Checkout.Session): Reply {
  if (session.status === "expired") {
    return {
      status: 410,
      html: page("Session expired", `<h1>This checkout session has expired.</h1>`),
    };
  }
  const next = session.success_url ? `<p><a href="${h(successUrl(session))}">Continue</a></p>` : "";
  return { html: page("Subscribed", `<h1>Thanks, you're subscribed.</h1>${next}`) };
}

function postCheckout(ctx: Context, request: Request): Reply {
  const session = ctx.store.checkoutSessions.get(request.params.id ?? "");
  if (!session) return notFound("This checkout session does not exist.");
  // A second submit (double click, back button) must not subscribe twice.
  if (session.status === "complete") return { redirect: successUrl(session) };
  if (session.status !== "open") return finishedCheckoutPage(session);
  const form: FormMap = request.body;
  const email = (optString(form, "email") ?? "").trim();
  const plan = ctx.store.checkoutPlan(session.id);
  const price = ctx.store.price(plan.price);
  const chargesNow =
    plan.trialPeriodDays === null && plan.trialEnd === null && (price.unit_amount ?? 0) > 0;
  const needsEmail = !session.customer && !session.customer_email;
  if (needsEmail && !/^[^\s@]+@[^\s@]+$/.test(email)) {
    return { status: 400, html: checkoutPage(ctx, session, "Enter a valid email address.", email) };
  }
  const card = checkCard(optString(form, "card") ?? "", chargesNow);
  if (!card.ok) return { status: 402, html: checkoutPage(ctx, session, card.message, email) };
  const name = (optString(form, "name") ?? "").trim();
  completeCheckout(
    ctx,
    session,
    {
      email: needsEmail ? email : null,
      name: name === "" ? null : name,
      failsLater: card.failsLater,
    },
    ctx.clock.now(),
  );
  return { redirect: successUrl(session) };
}

// ---------------------------------------------------------------------------------------------
// Billing portal

const OTHER_INTERVAL: Record<string, { interval: "month" | "year"; label: string }> = {
  month: { interval: "year", label: "Switch to yearly" },
  year: { interval: "month", label: "Switch to monthly" },
};

/** The active price of the same product and currency billed at the other interval, if any. */
function switchTarget(ctx: Context, subscription: Stripe.Subscription) {
  const item = subscription.items.data[0];
  const current = item ? (ctx.store.prices.get(item.price.id) ?? item.price) : undefined;
  const other = current?.recurring ? OTHER_INTERVAL[current.recurring.interval] : undefined;
  if (!current || !other) return null;
  const candidates = [...ctx.store.prices.values()].filter(
    (price) =>
      price.active &&
      idOf(price.product) === idOf(current.product) &&
      price.currency === current.currency &&
      price.recurring?.interval === other.interval &&
      price.recurring.interval_count === 1,
  );
  const price = candidates[candidates.length - 1];
  return price ? { price, label: other.label } : null;
}

const STATUS_TEXT: Record<string, string> = {
  active: "Active",
  trialing: "Trial",
  past_due: "Past due: the last payment failed and will be retried",
  unpaid: "Unpaid: payment failed",
  canceled: "Canceled",
  incomplete: "Incomplete",
  incomplete_expired: "Expired",
  paused: "Paused",
};

function subscriptionSection(ctx: Context, portalId: string, subscription: Stripe.Subscription) {
  const item = subscription.items.data[0];
  if (!item) return "";
  const price = ctx.store.prices.get(item.price.id) ?? item.price;
  const product = ctx.store.products.get(idOf(price.product));
  const amount = formatAmount((price.unit_amount ?? 0) * (item.quantity ?? 1), price.currency);
  const end = formatDate(item.current_period_end);
  const when = subscription.cancel_at_period_end
    ? `Cancels on ${end}`
    : subscription.status === "trialing"
      ? `Trial ends on ${end}`
      : `Renews on ${end}`;
  const target = switchTarget(ctx, subscription);
  const buttons = [
    subscription.cancel_at_period_end
      ? `<button type="submit" name="action" value="resume">Resume plan</button>`
      : `<button type="submit" name="action" value="cancel">Cancel plan</button>`,
    target ? `<button type="submit" name="action" value="switch">${h(target.label)}</button>` : "",
  ].join("\n");
  return `<section class="subscription" data-subscription="${h(subscription.id)}">
<h2>${h(product?.name ?? price.id)}</h2>
<p class="amount">${h(amount)} per ${h(intervalLabel(price.recurring))}</p>
<p class="status">Status: ${h(STATUS_TEXT[subscription.status] ?? subscription.status)}</p>
<p class="period">${h(when)}</p>
<form method="post" action="/portal/${h(portalId)}">
<input type="hidden" name="subscription" value="${h(subscription.id)}">
${buttons}
</form>
</section>`;
}

function portalPage(ctx: Context, session: Stripe.BillingPortal.Session, error: string | null) {
  const customer = ctx.store.customers.get(session.customer);
  const subscriptions = [...ctx.store.subscriptions.values()].filter(
    (subscription) =>
      subscription.customer === session.customer &&
      subscription.status !== "canceled" &&
      subscription.status !== "incomplete_expired",
  );
  const sections = subscriptions.length
    ? subscriptions
        .map((subscription) => subscriptionSection(ctx, session.id, subscription))
        .join("\n")
    : `<p class="empty">You have no active subscriptions.</p>`;
  const back = session.return_url
    ? `<p><a href="${h(session.return_url)}">Return to Folio</a></p>`
    : "";
  return page(
    "Manage your subscription",
    `<h1>Manage your subscription</h1>
${customer?.email ? `<p class="email">${h(customer.email)}</p>` : ""}
${error ? `<p class="error" role="alert">${h(error)}</p>` : ""}
${sections}
${back}`,
  );
}

function postPortal(ctx: Context, request: Request): Reply {
  const session = ctx.store.portalSessions.get(request.params.id ?? "");
  if (!session) return notFound("This billing portal session does not exist.");
  const subscriptionId = optString(request.body, "subscription") ?? "";
  const subscription = ctx.store.subscriptions.get(subscriptionId);
  if (!subscription || subscription.customer !== session.customer) {
    return { status: 404, html: portalPage(ctx, session, "That subscription was not found.") };
  }
  const origin = { at: ctx.clock.now(), request: NO_REQUEST };
  const action = optString(request.body, "action");
  try {
    if (action === "cancel") setCancelAtPeriodEnd(ctx, subscription, true, origin);
    else if (action === "resume") setCancelAtPeriodEnd(ctx, subscription, false, origin);
    else if (action === "switch") {
      const target = switchTarget(ctx, subscription);
      if (!target) throw new ApiError(400, "invalid_request_error", "No other plan to switch to.");
      const quantity = subscription.items.data[0]?.quantity ?? 1;
      changePrice(ctx, subscription, target.price, quantity, "create_prorations", origin);
    } else {
      throw new ApiError(400, "invalid_request_error", "Unknown action.");
    }
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { status: error.status, html: portalPage(ctx, session, error.message) };
  }
  return { redirect: `/portal/${session.id}` };
}

// ---------------------------------------------------------------------------------------------
// Invoice

function invoicePage(invoice: Stripe.Invoice): string {
  const lines = invoice.lines.data
    .map(
      (line) =>
        `<tr><td>${h(line.description ?? "")}</td><td>${h(formatAmount(line.amount, line.currency))}</td></tr>`,
    )
    .join("\n");
  return page(
    `Invoice ${invoice.number ?? invoice.id}`,
    `<h1>Invoice ${h(invoice.number ?? invoice.id)}</h1>
<p class="status">Status: ${h(invoice.status ?? "draft")}</p>
<p>Issued ${h(formatDate(invoice.created))}${invoice.customer_email ? ` to ${h(invoice.customer_email)}` : ""}</p>
<table>${lines}</table>
<p>Amount due: ${h(formatAmount(invoice.amount_due, invoice.currency))}.
Amount paid: ${h(formatAmount(invoice.amount_paid, invoice.currency))}.</p>`,
  );
}

export function registerPages(router: Router, ctx: Context): void {
  router.on("GET", "/checkout/:id", (request) => {
    const session = ctx.store.checkoutSessions.get(request.params.id ?? "");
    if (!session) return notFound("This checkout session does not exist.");
    if (session.status !== "open") return finishedCheckoutPage(session);
    return { html: checkoutPage(ctx, session, null, "") };
  });
  router.on("POST", "/checkout/:id", (request) => postCheckout(ctx, request));
  router.on("GET", "/portal/:id", (request) => {
    const session = ctx.store.portalSessions.get(request.params.id ?? "");
    if (!session) return notFound("This billing portal session does not exist.");
    return { html: portalPage(ctx, session, null) };
  });
  router.on("POST", "/portal/:id", (request) => postPortal(ctx, request));
  router.on("GET", "/invoice/:id", (request) => {
    const invoice = ctx.store.invoices.get(request.params.id ?? "");
    return invoice ? { html: invoicePage(invoice) } : notFound("This invoice does not exist.");
  });
}
