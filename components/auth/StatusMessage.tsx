import type { Messages } from "@/lib/i18n";

/** The outcome of an account form, from the `status` query parameter its action redirected with. */
export function StatusMessage({
  status,
  success,
  messages,
}: {
  status: string | undefined;
  success?: { status: string; text: string };
  messages: Messages;
}) {
  if (!status) return null;
  if (success && status === success.status) {
    return (
      <p role="status" className="form-status">
        {success.text}
      </p>
    );
  }
  const errors = messages.auth.errors as Record<string, string>;
  return (
    <p role="alert" className="form-error">
      {errors[status] ?? errors.Default}
    </p>
  );
}
