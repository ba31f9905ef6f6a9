// npm run stripe:setup: creates or updates Folio's product and its monthly and yearly prices in the
// connected Stripe account (or the local stand-in), idempotently by lookup key, and prints what it did.
import { ensurePlans } from "@/lib/billing/stripe";
import { env } from "@/lib/config/env";

async function main(): Promise<number> {
  const settings = env();
  if (!settings.stripe) {
    console.error("STRIPE_SECRET_KEY is not set: nothing to set up");
    return 1;
  }
  console.log(
    `Stripe ${settings.stripe.apiBase ? `stand-in at ${settings.stripe.apiBase}` : "account"}:`,
  );
  for (const action of await ensurePlans(settings.plans)) console.log(`  ${action}`);
  return 0;
}

main()
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    return 1;
  })
  .then((code) => {
    process.exitCode = code;
  });
