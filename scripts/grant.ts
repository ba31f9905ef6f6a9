// npm run grant -- reader@example.com --until 2027-06-30   (access until the end of that day, UTC)
// npm run grant -- reader@example.com --forever
// npm run grant -- reader@example.com --revoke
import { parseArgs } from "node:util";
import { GrantError, grantAccess, revokeAccess } from "@/lib/auth/grants";
import { disconnectDb } from "@/lib/db/client";

const usage =
  "usage: npm run grant -- <email> (--until YYYY-MM-DD | --forever | --revoke) [--note text]";

/** "2027-06-30" means through that whole day (UTC); a full ISO timestamp is taken as given. */
export function parseUntil(value: string): Date {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value)
    ? new Date(`${value}T23:59:59.999Z`)
    : new Date(value);
  if (Number.isNaN(date.getTime()))
    throw new GrantError(`"${value}" is not a date (use YYYY-MM-DD)`);
  return date;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      until: { type: "string" },
      forever: { type: "boolean" },
      revoke: { type: "boolean" },
      note: { type: "string" },
    },
  });
  const [email] = positionals;
  const modes = [
    values.until !== undefined,
    values.forever === true,
    values.revoke === true,
  ].filter(Boolean);
  if (!email || positionals.length !== 1 || modes.length !== 1) {
    console.error(usage);
    return 2;
  }
  if (values.revoke) {
    const count = await revokeAccess(email);
    console.log(
      count > 0 ? `revoked ${count} grant(s) of ${email}` : `${email} had no active grant`,
    );
    return 0;
  }
  const until = values.until !== undefined ? parseUntil(values.until) : null;
  await grantAccess(email, until, values.note);
  console.log(
    `granted ${email} full access ${until ? `until ${until.toISOString()}` : "without an end date"}`,
  );
  return 0;
}

main()
  .catch((error: unknown) => {
    console.error(error instanceof GrantError ? error.message : error);
    return 1;
  })
  .then(async (code) => {
    await disconnectDb();
    process.exitCode = code;
  });
