import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { rejection, sdkFor, seedCatalog, startHarness, type Harness } from "./helpers";

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness();
});

afterAll(async () => {
  await harness?.close();
});

beforeEach(() => {
  harness.standin.reset();
  harness.receiver.clear();
});

describe("stripe stand-in: auth and errors", () => {
  it("answers /health without a key", async () => {
    const response = await fetch(`${harness.standin.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("ok");
  });

  it("rejects a missing or non-test key with a Stripe-shaped 401", async () => {
    const bare = await fetch(`${harness.standin.url}/v1/customers`);
    expect(bare.status).toBe(401);
    const body = (await bare.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.message).toMatch(/^You did not provide an API key/);

    const live = sdkFor(harness.standin.port, "sk_live_abcd1234");
    const error = await rejection(live.customers.list());
    expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect((error as Stripe.errors.StripeError).statusCode).toBe(401);
    expect((error as Stripe.errors.StripeError).message).toBe(
      "Invalid API Key provided: sk_live_****1234",
    );
  });

  it("throws StripeInvalidRequestError with resource_missing for unknown ids", async () => {
    const error = await rejection(harness.stripe.customers.retrieve("cus_doesnotexist"));
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    const stripeError = error as Stripe.errors.StripeError;
    expect(stripeError.statusCode).toBe(404);
    expect(stripeError.code).toBe("resource_missing");
    expect(stripeError.param).toBe("id");
    expect(stripeError.message).toBe("No such customer: 'cus_doesnotexist'");
  });

  it("rejects unknown params like Stripe and unknown URLs with 404", async () => {
    const error = await rejection(
      harness.stripe.customers.create({ emial: "typo@example.com" } as Stripe.CustomerCreateParams),
    );
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect((error as Stripe.errors.StripeError).message).toBe("Received unknown parameter: emial");

    const response = await fetch(`${harness.standin.url}/v1/charges`, {
      headers: { Authorization: "Bearer sk_test_x" },
    });
    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(/^Unrecognized request URL \(GET: \/v1\/charges\)/);
  });

  it("reports a missing required param", async () => {
    const error = await rejection(harness.stripe.products.create({} as Stripe.ProductCreateParams));
    expect((error as Stripe.errors.StripeError).message).toBe("Missing required param: name.");
    expect((error as Stripe.errors.StripeError).code).toBe("parameter_missing");
  });
});

describe("stripe stand-in: customers", () => {
  it("creates, retrieves, updates and lists customers by email", async () => {
    const { stripe } = harness;
    const before = harness.standin.clock.now();
    const created = await stripe.customers.create({
      email: "reader@example.com",
      name: "Ada Reader",
      metadata: { folioUserId: "user_1", plan: "none" },
    });
    expect(created.id).toMatch(/^cus_[A-Za-z0-9]{14}$/);
    expect(created.object).toBe("customer");
    expect(created.livemode).toBe(false);
    expect(created.email).toBe("reader@example.com");
    expect(created.metadata).toEqual({ folioUserId: "user_1", plan: "none" });
    expect(created.created).toBeGreaterThanOrEqual(before);
    expect(created.created).toBeLessThanOrEqual(harness.standin.clock.now());
    expect(created.invoice_settings.default_payment_method).toBeNull();

    const updated = await stripe.customers.update(created.id, {
      name: "Ada L. Reader",
      metadata: { plan: "", extra: "1" },
    });
    expect(updated.name).toBe("Ada L. Reader");
    expect(updated.metadata).toEqual({ folioUserId: "user_1", extra: "1" });

    const fetched = await stripe.customers.retrieve(created.id);
    expect(fetched).toEqual(updated);

    await stripe.customers.create({ email: "other@example.com" });
    const byEmail = await stripe.customers.list({ email: "reader@example.com" });
    expect(byEmail.data.map((customer) => customer.id)).toEqual([created.id]);
    expect(byEmail.has_more).toBe(false);
    expect(byEmail.url).toBe("/v1/customers");

    const events = await stripe.events.list({ type: "customer.*" });
    expect(events.data.map((event) => event.type)).toEqual([
      "customer.created",
      "customer.updated",
      "customer.created",
    ]);
    const update = events.data[1] as Stripe.CustomerUpdatedEvent;
    expect(update.data.previous_attributes).toEqual({
      metadata: { folioUserId: "user_1", plan: "none" },
      name: "Ada Reader",
    });
  });

  it("paginates newest first with has_more and starting_after", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await harness.stripe.customers.create({ email: `p${i}@example.com` })).id);
    }
    const first = await harness.stripe.customers.list({ limit: 2 });
    expect(first.data.map((customer) => customer.id)).toEqual([ids[4], ids[3]]);
    expect(first.has_more).toBe(true);
    const second = await harness.stripe.customers.list({ limit: 2, starting_after: ids[3] });
    expect(second.data.map((customer) => customer.id)).toEqual([ids[2], ids[1]]);
    const all: string[] = [];
    for await (const customer of harness.stripe.customers.list({ limit: 2 })) all.push(customer.id);
    expect(all).toEqual([...ids].reverse());
  });

  it("replays an idempotent create and rejects the key with a different body", async () => {
    const { stripe } = harness;
    const key = "folio-create-customer-user_1";
    const first = await stripe.customers.create(
      { email: "idem@example.com" },
      { idempotencyKey: key },
    );
    const second = await stripe.customers.create(
      { email: "idem@example.com" },
      { idempotencyKey: key },
    );
    expect(second.id).toBe(first.id);
    expect(second.lastResponse.headers["idempotent-replayed"]).toBe("true");
    expect((await stripe.customers.list({ email: "idem@example.com" })).data).toHaveLength(1);

    const error = await rejection(
      stripe.customers.create({ email: "someone-else@example.com" }, { idempotencyKey: key }),
    );
    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect((error as Stripe.errors.StripeError).statusCode).toBe(400);
    expect((error as Stripe.errors.StripeError).message).toMatch(
      /^Keys for idempotent requests can only be used with the same parameters/,
    );
  });
});

describe("stripe stand-in: products and prices", () => {
  it("creates products with a chosen id and refuses a duplicate", async () => {
    const { stripe } = harness;
    const product = await stripe.products.create({ id: "folio_reader", name: "Folio Reader" });
    expect(product).toMatchObject({
      id: "folio_reader",
      object: "product",
      active: true,
      name: "Folio Reader",
      description: null,
      livemode: false,
      type: "service",
    });
    const again = await rejection(stripe.products.create({ id: "folio_reader", name: "Again" }));
    expect((again as Stripe.errors.StripeError).code).toBe("resource_already_exists");

    const updated = await stripe.products.update("folio_reader", {
      description: "All documents",
      active: false,
    });
    expect(updated.description).toBe("All documents");
    expect(updated.active).toBe(false);
    const generated = await stripe.products.create({ name: "Other" });
    expect(generated.id).toMatch(/^prod_[A-Za-z0-9]{14}$/);
    const inactive = await stripe.products.list({ active: false });
    expect(inactive.data.map((item) => item.id)).toEqual(["folio_reader"]);
  });

  it("creates recurring prices shaped like the pinned API version", async () => {
    const { monthly, yearly } = await seedCatalog(harness.stripe);
    expect(monthly.id).toMatch(/^price_[A-Za-z0-9]{24}$/);
    expect(monthly).toMatchObject({
      object: "price",
      active: true,
      billing_scheme: "per_unit",
      currency: "usd",
      unit_amount: 900,
      lookup_key: "folio_reader_monthly",
      product: "folio_reader",
      type: "recurring",
      recurring: {
        interval: "month",
        interval_count: 1,
        meter: null,
        trial_period_days: null,
        usage_type: "licensed",
      },
      tax_behavior: "unspecified",
    });
    expect(String(monthly.unit_amount_decimal)).toBe("900");
    expect(yearly.recurring?.interval).toBe("year");
  });

  it("lists prices by lookup_keys with data.product expanded and an active filter", async () => {
    const { stripe } = harness;
    const { monthly, yearly } = await seedCatalog(stripe);
    const listed = await stripe.prices.list({
      lookup_keys: ["folio_reader_monthly", "folio_reader_yearly"],
      active: true,
      expand: ["data.product"],
    });
    expect(listed.data.map((price) => price.id)).toEqual([yearly.id, monthly.id]);
    const product = listed.data[0]?.product as Stripe.Product;
    expect(product.object).toBe("product");
    expect(product.name).toBe("Folio Reader");

    await stripe.prices.update(yearly.id, { active: false });
    const active = await stripe.prices.list({
      lookup_keys: ["folio_reader_monthly", "folio_reader_yearly"],
      active: true,
    });
    expect(active.data.map((price) => price.id)).toEqual([monthly.id]);
    const bad = await rejection(stripe.prices.list({ expand: ["data.nonsense"] }));
    expect((bad as Stripe.errors.StripeError).message).toBe(
      "This property cannot be expanded (data.nonsense).",
    );
  });

  it("moves a lookup key with transfer_lookup_key and refuses a silent duplicate", async () => {
    const { stripe } = harness;
    const { monthly } = await seedCatalog(stripe);
    const duplicate = await rejection(
      stripe.prices.create({
        product: "folio_reader",
        currency: "usd",
        unit_amount: 1200,
        recurring: { interval: "month" },
        lookup_key: "folio_reader_monthly",
      }),
    );
    expect(duplicate).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect((duplicate as Stripe.errors.StripeError).param).toBe("lookup_key");

    const replacement = await stripe.prices.create({
      product: "folio_reader",
      currency: "usd",
      unit_amount: 1200,
      recurring: { interval: "month" },
      lookup_key: "folio_reader_monthly",
      transfer_lookup_key: true,
    });
    expect(replacement.lookup_key).toBe("folio_reader_monthly");
    expect((await stripe.prices.retrieve(monthly.id)).lookup_key).toBeNull();
    const listed = await stripe.prices.list({ lookup_keys: ["folio_reader_monthly"] });
    expect(listed.data.map((price) => price.id)).toEqual([replacement.id]);

    const back = await stripe.prices.update(monthly.id, {
      lookup_key: "folio_reader_monthly",
      transfer_lookup_key: true,
      metadata: { restored: "yes" },
    });
    expect(back.lookup_key).toBe("folio_reader_monthly");
    expect(back.metadata).toEqual({ restored: "yes" });
    expect((await stripe.prices.retrieve(replacement.id)).lookup_key).toBeNull();
  });
});
