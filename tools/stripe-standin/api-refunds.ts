/**
 * `/v1/invoice_payments` (how each invoice was charged) and `/v1/refunds` (money back on one of
 * those payments). Charges and PaymentIntents are not modelled: a payment is its PaymentIntent id,
 * and a refund names it with `payment_intent`.
 */
import type Stripe from "stripe";
import { originOf, reply, replyList } from "./api-catalog";
import type { Context } from "./context";
import { badRequest, invalidParam, noSuch } from "./errors";
import { applyMetadata, optEnum, optInt, optString } from "./form";
import { checkParams, type Reply, type Request, type Router } from "./http";
import { createdFilter, LIST_PARAMS } from "./lists";
import { idOf, refundObject } from "./objects";
import { formatAmount } from "./format";

/** What is left to refund on a payment: what it charged minus every refund on it so far. */
export function refundable(ctx: Context, payment: Stripe.InvoicePayment): number {
  const intent = payment.payment.payment_intent;
  const refunded = [...ctx.store.refunds.values()]
    .filter((refund) => refund.payment_intent === intent && refund.status !== "failed")
    .reduce((sum, refund) => sum + refund.amount, 0);
  return (payment.amount_paid ?? 0) - refunded;
}

function createRefund(ctx: Context, request: Request): Reply {
  const input = request.body;
  checkParams(
    input,
    {
      implemented: ["payment_intent", "amount", "reason", "metadata", "expand"],
      ignored: ["instructions_email"],
      unsupported: [
        "charge",
        "currency",
        "customer",
        "customer_account",
        "origin",
        "refund_application_fee",
        "reverse_transfer",
      ],
    },
    "POST /v1/refunds",
    ctx.log,
  );
  const intent = optString(input, "payment_intent");
  if (intent === undefined) {
    throw badRequest(
      "One of the following params should be provided for this request: payment_intent or charge.",
    );
  }
  const payment = ctx.store.paymentByIntent(intent);
  if (!payment) throw noSuch(intent, "payment_intent", "payment_intent");
  const left = refundable(ctx, payment);
  if (left <= 0) {
    throw badRequest(
      `Charge for PaymentIntent ${intent} has already been refunded.`,
      undefined,
      "charge_already_refunded",
    );
  }
  const amount = optInt(input, "amount") ?? left;
  if (amount < 1) throw invalidParam("amount", "Invalid positive integer");
  if (amount > left) {
    throw invalidParam(
      "amount",
      `Refund amount (${formatAmount(amount, payment.currency)}) is greater than unrefunded amount on charge (${formatAmount(left, payment.currency)})`,
      "amount_too_large",
    );
  }
  const invoice = ctx.store.invoices.get(idOf(payment.invoice));
  const origin = originOf(ctx, request);
  const refund = refundObject({
    created: origin.at,
    amount,
    currency: payment.currency,
    customer: invoice?.customer ? idOf(invoice.customer) : null,
    paymentIntent: intent,
    reason:
      optEnum(input, "reason", ["duplicate", "fraudulent", "requested_by_customer"] as const) ??
      null,
    metadata: applyMetadata({}, input),
  });
  ctx.store.refunds.set(refund.id, refund);
  ctx.events.emit("refund.created", refund, origin);
  return reply(ctx, request, refund);
}

export function registerRefundApi(router: Router, ctx: Context): void {
  const { store } = ctx;
  router.on("GET", "/v1/invoice_payments/:id", (request) =>
    reply(ctx, request, store.invoicePayment(request.params.id ?? "")),
  );
  router.on("GET", "/v1/invoice_payments", (request) => {
    const input = request.input;
    checkParams(
      input,
      { implemented: ["invoice", "payment", "status", "created", ...LIST_PARAMS] },
      "GET /v1/invoice_payments",
      ctx.log,
    );
    const invoice = optString(input, "invoice");
    const intent = optString(input, "payment[payment_intent]");
    const status = optEnum(input, "status", ["canceled", "open", "paid"] as const);
    const created = createdFilter(input);
    const matches = [...store.invoicePayments.values()].filter(
      (payment) =>
        (invoice === undefined || idOf(payment.invoice) === invoice) &&
        (intent === undefined || payment.payment.payment_intent === intent) &&
        (status === undefined || payment.status === status) &&
        created(payment.created),
    );
    return replyList(ctx, request, matches, "/v1/invoice_payments");
  });
  router.on("POST", "/v1/refunds", (request) => createRefund(ctx, request));
  router.on("GET", "/v1/refunds/:id", (request) =>
    reply(ctx, request, store.refund(request.params.id ?? "")),
  );
  router.on("GET", "/v1/refunds", (request) => {
    const input = request.input;
    checkParams(
      input,
      { implemented: ["payment_intent", "created", ...LIST_PARAMS], unsupported: ["charge"] },
      "GET /v1/refunds",
      ctx.log,
    );
    const intent = optString(input, "payment_intent");
    const created = createdFilter(input);
    const matches = [...store.refunds.values()].filter(
      (refund) =>
        (intent === undefined || refund.payment_intent === intent) && created(refund.created),
    );
    return replyList(ctx, request, matches, "/v1/refunds");
  });
}
