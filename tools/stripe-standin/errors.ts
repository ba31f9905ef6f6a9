/** Stripe-shaped API errors: `{ error: { type, message, param?, code?, decline_code?, doc_url? } }`. */

export type StripeErrorType =
  "invalid_request_error" | "idempotency_error" | "card_error" | "api_error";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: StripeErrorType,
    message: string,
    readonly param?: string,
    readonly code?: string,
    readonly declineCode?: string,
  ) {
    super(message);
    this.name = "ApiError";
  }

  toJSON(): { error: Record<string, string> } {
    const error: Record<string, string> = { type: this.type, message: this.message };
    if (this.param !== undefined) error.param = this.param;
    if (this.code !== undefined) {
      error.code = this.code;
      error.doc_url = `https://stripe.com/docs/error-codes/${this.code.replace(/_/g, "-")}`;
    }
    if (this.declineCode !== undefined) error.decline_code = this.declineCode;
    return { error };
  }
}

const NOUNS: Record<string, string> = {
  cus: "customer",
  prod: "product",
  price: "price",
  cs: "checkout.session",
  bps: "billing_portal.session",
  sub: "subscription",
  si: "subscription_item",
  in: "invoice",
  evt: "event",
};

/** 404 `No such customer: 'cus_x'`, the noun taken from the id prefix unless given. */
export function noSuch(id: string, noun?: string, param = "id"): ApiError {
  const prefix = id.split("_")[0] ?? "";
  const name = noun ?? NOUNS[prefix] ?? "object";
  return new ApiError(
    404,
    "invalid_request_error",
    `No such ${name}: '${id}'`,
    param,
    "resource_missing",
  );
}

export function missingParam(param: string): ApiError {
  return new ApiError(
    400,
    "invalid_request_error",
    `Missing required param: ${param}.`,
    param,
    "parameter_missing",
  );
}

export function invalidParam(param: string, message: string, code = "parameter_invalid"): ApiError {
  return new ApiError(400, "invalid_request_error", message, param, code);
}

export function badRequest(message: string, param?: string, code?: string): ApiError {
  return new ApiError(400, "invalid_request_error", message, param, code);
}

export function unknownParam(param: string): ApiError {
  return new ApiError(
    400,
    "invalid_request_error",
    `Received unknown parameter: ${param}`,
    param,
    "parameter_unknown",
  );
}

export function unrecognizedUrl(method: string, path: string): ApiError {
  return new ApiError(
    404,
    "invalid_request_error",
    `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
  );
}

export function cardDeclined(message: string, declineCode: string): ApiError {
  return new ApiError(402, "card_error", message, undefined, "card_declined", declineCode);
}
