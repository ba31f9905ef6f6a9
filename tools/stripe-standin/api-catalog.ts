/** `/v1/customers`, `/v1/products`, `/v1/prices`. */
import type Stripe from "stripe";
import type { Context } from "./context";
import { badRequest, invalidParam, missingParam } from "./errors";
import type { Origin } from "./events";
import {
  applyMetadata,
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
import { invoicePrefix, newId } from "./ids";
import { createdFilter, LIST_PARAMS, paginate } from "./lists";
import { customerObject, priceObject, productObject } from "./objects";
import { expand, render } from "./views";

export function originOf(ctx: Context, request: Request): Origin {
  return {
    at: ctx.clock.now(),
    request: { id: request.requestId, idempotency_key: request.idempotencyKey },
  };
}

/** A response: a fresh copy of the object with the request's `expand[]` applied. */
export function reply<T extends { object: string }>(
  ctx: Context,
  request: Request,
  object: T,
): Reply {
  const paths = stringArray(request.input, "expand");
  return { json: expand(ctx.store, render(ctx.store, object), paths) };
}

export function replyList<T extends { object: string; id: string }>(
  ctx: Context,
  request: Request,
  items: readonly T[],
  url: string,
): Reply {
  const page = paginate(items, request.input, url);
  const rendered = { ...page, data: page.data.map((item) => render(ctx.store, item)) };
  return { json: expand(ctx.store, rendered, stringArray(request.input, "expand")) };
}

/** The keys whose values differ, with their old values (for `previous_attributes`). */
function changed<T extends object>(before: T, after: T): Partial<T> {
  const previous: Partial<T> = {};
  for (const key of Object.keys(after) as (keyof T)[]) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) previous[key] = before[key];
  }
  return previous;
}

const CUSTOMER_IGNORED = [
  "address",
  "invoice_settings",
  "preferred_locales",
  "shipping",
  "tax",
  "tax_exempt",
  "validate",
  "business_name",
  "individual_name",
  "invoice_prefix",
];
const CUSTOMER_UNSUPPORTED = [
  "balance",
  "cash_balance",
  "next_invoice_sequence",
  "payment_method",
  "source",
  "tax_id_data",
  "test_clock",
  "default_source",
];

function customerFields(input: FormMap) {
  return {
    email: optNullableString(input, "email"),
    name: optNullableString(input, "name"),
    description: optNullableString(input, "description"),
    phone: optNullableString(input, "phone"),
  };
}

function registerCustomers(router: Router, ctx: Context): void {
  const { store, events } = ctx;
  const spec = {
    implemented: ["email", "name", "description", "phone", "metadata", "expand"],
    ignored: CUSTOMER_IGNORED,
    unsupported: CUSTOMER_UNSUPPORTED,
  };
  router.on("POST", "/v1/customers", (request) => {
    checkParams(request.body, spec, "POST /v1/customers", ctx.log);
    const fields = customerFields(request.body);
    const customer = customerObject({
      created: ctx.clock.now(),
      email: fields.email ?? null,
      name: fields.name ?? null,
      description: fields.description ?? null,
      phone: fields.phone ?? null,
      metadata: applyMetadata({}, request.body),
      invoicePrefix: invoicePrefix(),
    });
    store.customers.set(customer.id, customer);
    events.emit("customer.created", customer, originOf(ctx, request));
    return reply(ctx, request, customer);
  });
  router.on("GET", "/v1/customers/:id", (request) =>
    reply(ctx, request, store.customer(request.params.id ?? "")),
  );
  router.on("POST", "/v1/customers/:id", (request) => {
    const customer = store.customer(request.params.id ?? "");
    checkParams(request.body, spec, "POST /v1/customers/:id", ctx.log);
    const before = structuredClone(customer);
    const fields = customerFields(request.body);
    if (fields.email !== undefined) customer.email = fields.email;
    if (fields.name !== undefined) customer.name = fields.name;
    if (fields.description !== undefined) customer.description = fields.description;
    if (fields.phone !== undefined) customer.phone = fields.phone;
    customer.metadata = applyMetadata(customer.metadata, request.body);
    const previous = changed(before, customer);
    if (Object.keys(previous).length > 0) {
      events.emit("customer.updated", customer, originOf(ctx, request), previous);
    }
    return reply(ctx, request, customer);
  });
  router.on("GET", "/v1/customers", (request) => {
    checkParams(
      request.input,
      { implemented: ["email", "created", ...LIST_PARAMS], unsupported: ["test_clock"] },
      "GET /v1/customers",
      ctx.log,
    );
    const email = optString(request.input, "email");
    const created = createdFilter(request.input);
    const matches = [...store.customers.values()].filter(
      (customer) => (email === undefined || customer.email === email) && created(customer.created),
    );
    return replyList(ctx, request, matches, "/v1/customers");
  });
}

function registerProducts(router: Router, ctx: Context): void {
  const { store, events } = ctx;
  const ignored = [
    "images",
    "marketing_features",
    "package_dimensions",
    "shippable",
    "statement_descriptor",
    "tax_code",
    "tax_details",
    "unit_label",
    "url",
  ];
  router.on("POST", "/v1/products", (request) => {
    const input = request.body;
    checkParams(
      input,
      {
        implemented: ["id", "name", "description", "metadata", "active", "expand"],
        ignored: [...ignored, "type"],
        unsupported: ["default_price_data"],
      },
      "POST /v1/products",
      ctx.log,
    );
    const id = optString(input, "id") ?? newId("product");
    if (store.products.has(id)) {
      throw badRequest("Product already exists.", "id", "resource_already_exists");
    }
    const product = productObject({
      id,
      created: ctx.clock.now(),
      name: reqString(input, "name"),
      description: optNullableString(input, "description") ?? null,
      active: optBool(input, "active") ?? true,
      metadata: applyMetadata({}, input),
    });
    store.products.set(id, product);
    events.emit("product.created", product, originOf(ctx, request));
    return reply(ctx, request, product);
  });
  router.on("GET", "/v1/products/:id", (request) =>
    reply(ctx, request, store.product(request.params.id ?? "")),
  );
  router.on("POST", "/v1/products/:id", (request) => {
    const product = store.product(request.params.id ?? "");
    const input = request.body;
    checkParams(
      input,
      {
        implemented: ["name", "description", "metadata", "active", "default_price", "expand"],
        ignored,
      },
      "POST /v1/products/:id",
      ctx.log,
    );
    const before = structuredClone(product);
    const name = optString(input, "name");
    if (name === "") throw invalidParam("name", "You must provide a non-empty name.");
    if (name !== undefined) product.name = name;
    const description = optNullableString(input, "description");
    if (description !== undefined) product.description = description;
    const active = optBool(input, "active");
    if (active !== undefined) product.active = active;
    const defaultPrice = optNullableString(input, "default_price");
    if (defaultPrice !== undefined) {
      if (defaultPrice !== null) store.price(defaultPrice, "default_price");
      product.default_price = defaultPrice;
    }
    product.metadata = applyMetadata(product.metadata, input);
    const previous = changed(before, product);
    if (Object.keys(previous).length > 0) {
      product.updated = ctx.clock.now();
      events.emit("product.updated", product, originOf(ctx, request), previous);
    }
    return reply(ctx, request, product);
  });
  router.on("GET", "/v1/products", (request) => {
    checkParams(
      request.input,
      {
        implemented: ["active", "ids", "created", ...LIST_PARAMS],
        ignored: ["shippable", "type", "url"],
      },
      "GET /v1/products",
      ctx.log,
    );
    const active = optBool(request.input, "active");
    const ids = request.input.ids === undefined ? null : stringArray(request.input, "ids");
    const created = createdFilter(request.input);
    const matches = [...store.products.values()].filter(
      (product) =>
        (active === undefined || product.active === active) &&
        (ids === null || ids.includes(product.id)) &&
        created(product.created),
    );
    return replyList(ctx, request, matches, "/v1/products");
  });
}

/** Frees `lookupKey` from whichever price has it (transfer_lookup_key), or refuses. */
function claimLookupKey(
  ctx: Context,
  lookupKey: string,
  transfer: boolean,
  self: Stripe.Price | null,
  origin: Origin,
): void {
  for (const other of ctx.store.prices.values()) {
    if (other === self || other.lookup_key !== lookupKey) continue;
    if (!transfer) {
      throw invalidParam(
        "lookup_key",
        `A price (\`${other.id}\`) already uses that lookup key.`,
        "lookup_key_already_used",
      );
    }
    const previous = { lookup_key: other.lookup_key };
    other.lookup_key = null;
    ctx.events.emit("price.updated", other, origin, previous);
  }
}

const INTERVALS = ["day", "week", "month", "year"] as const;

function registerPrices(router: Router, ctx: Context): void {
  const { store, events } = ctx;
  router.on("POST", "/v1/prices", (request) => {
    const input = request.body;
    checkParams(
      input,
      {
        implemented: [
          "product",
          "product_data",
          "currency",
          "unit_amount",
          "recurring",
          "lookup_key",
          "transfer_lookup_key",
          "nickname",
          "active",
          "metadata",
          "expand",
        ],
        ignored: ["tax_behavior"],
        unsupported: [
          "billing_scheme",
          "currency_options",
          "custom_unit_amount",
          "tiers",
          "tiers_mode",
          "transform_quantity",
          "unit_amount_decimal",
        ],
      },
      "POST /v1/prices",
      ctx.log,
    );
    const origin = originOf(ctx, request);
    let productId = optString(input, "product");
    if (productId === undefined) {
      const productName = optString(input, "product_data[name]");
      if (productName === undefined) throw missingParam("product");
      const product = productObject({
        id: newId("product"),
        created: origin.at,
        name: productName,
        description: null,
        active: optBool(input, "product_data[active]") ?? true,
        metadata: applyMetadata({}, input, "product_data[metadata]"),
      });
      store.products.set(product.id, product);
      events.emit("product.created", product, origin);
      productId = product.id;
    }
    store.product(productId, "product");
    const currency = reqString(input, "currency").toLowerCase();
    const unitAmount = optInt(input, "unit_amount");
    if (unitAmount === undefined) throw missingParam("unit_amount");
    if (unitAmount < 0) throw invalidParam("unit_amount", "Invalid non-negative integer");
    const interval = optEnum(input, "recurring[interval]", INTERVALS);
    if (input.recurring !== undefined && interval === undefined) {
      throw missingParam("recurring[interval]");
    }
    const lookupKey = optNullableString(input, "lookup_key") ?? null;
    if (lookupKey !== null) {
      claimLookupKey(ctx, lookupKey, optBool(input, "transfer_lookup_key") ?? false, null, origin);
    }
    const price = priceObject({
      created: origin.at,
      product: productId,
      currency,
      unitAmount,
      recurring: interval
        ? { interval, intervalCount: optInt(input, "recurring[interval_count]") ?? 1 }
        : null,
      lookupKey,
      nickname: optNullableString(input, "nickname") ?? null,
      active: optBool(input, "active") ?? true,
      metadata: applyMetadata({}, input),
    });
    store.prices.set(price.id, price);
    events.emit("price.created", price, origin);
    return reply(ctx, request, price);
  });
  router.on("GET", "/v1/prices/:id", (request) =>
    reply(ctx, request, store.price(request.params.id ?? "")),
  );
  router.on("POST", "/v1/prices/:id", (request) => {
    const price = store.price(request.params.id ?? "");
    const input = request.body;
    checkParams(
      input,
      {
        implemented: [
          "active",
          "lookup_key",
          "transfer_lookup_key",
          "nickname",
          "metadata",
          "expand",
        ],
        ignored: ["tax_behavior"],
        unsupported: ["currency_options"],
      },
      "POST /v1/prices/:id",
      ctx.log,
    );
    const origin = originOf(ctx, request);
    const before = structuredClone(price);
    const active = optBool(input, "active");
    if (active !== undefined) price.active = active;
    const nickname = optNullableString(input, "nickname");
    if (nickname !== undefined) price.nickname = nickname;
    const lookupKey = optNullableString(input, "lookup_key");
    if (lookupKey !== undefined) {
      if (lookupKey !== null) {
        claimLookupKey(
          ctx,
          lookupKey,
          optBool(input, "transfer_lookup_key") ?? false,
          price,
          origin,
        );
      }
      price.lookup_key = lookupKey;
    }
    price.metadata = applyMetadata(price.metadata, input);
    const previous = changed(before, price);
    if (Object.keys(previous).length > 0) events.emit("price.updated", price, origin, previous);
    return reply(ctx, request, price);
  });
  router.on("GET", "/v1/prices", (request) => {
    const input = request.input;
    checkParams(
      input,
      {
        implemented: [
          "active",
          "product",
          "lookup_keys",
          "currency",
          "type",
          "recurring",
          "created",
          ...LIST_PARAMS,
        ],
      },
      "GET /v1/prices",
      ctx.log,
    );
    // Without `active`, both active and inactive prices are listed (pass active=true to filter):
    // code that relies on an implicit filter is caught here rather than in production.
    const active = optBool(input, "active");
    const product = optString(input, "product");
    const lookupKeys = input.lookup_keys === undefined ? null : stringArray(input, "lookup_keys");
    const currency = optString(input, "currency")?.toLowerCase();
    const type = optEnum(input, "type", ["one_time", "recurring"] as const);
    const interval = optEnum(input, "recurring[interval]", INTERVALS);
    const created = createdFilter(input);
    const matches = [...store.prices.values()].filter(
      (price) =>
        (active === undefined || price.active === active) &&
        (product === undefined || price.product === product) &&
        (lookupKeys === null ||
          (price.lookup_key !== null && lookupKeys.includes(price.lookup_key))) &&
        (currency === undefined || price.currency === currency) &&
        (type === undefined || price.type === type) &&
        (interval === undefined || price.recurring?.interval === interval) &&
        created(price.created),
    );
    return replyList(ctx, request, matches, "/v1/prices");
  });
}

export function registerCatalogApi(router: Router, ctx: Context): void {
  registerCustomers(router, ctx);
  registerProducts(router, ctx);
  registerPrices(router, ctx);
}
