/** Object ids with Stripe's prefixes and lengths (`cus_` + 14, `sub_1` + 23, `cs_test_a1` + 56, …). */
import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

export function randomToken(length: number): string {
  const bytes = randomBytes(length * 2);
  let out = "";
  for (let i = 0; out.length < length && i < bytes.length; i++) {
    const byte = bytes[i] ?? 0;
    // 248 = 4 × 62: reject the top of the range so every character is equally likely.
    if (byte < 248) out += ALPHABET[byte % 62];
  }
  return out.length === length ? out : out + randomToken(length - out.length);
}

const SHAPES = {
  customer: ["cus_", 14],
  product: ["prod_", 14],
  price: ["price_1", 23],
  checkoutSession: ["cs_test_a1", 56],
  portalSession: ["bps_1", 23],
  subscription: ["sub_1", 23],
  subscriptionItem: ["si_", 14],
  invoice: ["in_1", 23],
  invoiceLine: ["il_1", 23],
  checkoutLine: ["li_1", 23],
  event: ["evt_1", 23],
  invoicePayment: ["inpay_1", 23],
  paymentIntent: ["pi_3", 23],
  refund: ["re_3", 23],
  request: ["req_", 14],
} as const;

export type IdKind = keyof typeof SHAPES;

export function newId(kind: IdKind): string {
  const [prefix, length] = SHAPES[kind];
  return prefix + randomToken(length);
}

/** Eight characters like Stripe's per-customer invoice number prefix, e.g. "7F3A09BC". */
export function invoicePrefix(): string {
  return randomBytes(4).toString("hex").toUpperCase();
}
