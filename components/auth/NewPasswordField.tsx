import { passwordLength } from "@/lib/auth/password";

/** The new-password input of the sign-up and reset forms, with the limits the server enforces. */
export function NewPasswordField({ label }: { label: string }) {
  return (
    <label>
      {label}
      <input
        type="password"
        name="password"
        autoComplete="new-password"
        minLength={passwordLength.min}
        maxLength={passwordLength.max}
        required
      />
    </label>
  );
}
