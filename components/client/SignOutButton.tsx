"use client";

import { signOut } from "next-auth/react";

/** Signs out through next-auth's endpoint, which requires its CSRF token. */
export function SignOutButton({ label }: { label: string }) {
  return (
    <button
      type="button"
      className="button button-secondary"
      onClick={() => signOut({ callbackUrl: "/" })}
    >
      {label}
    </button>
  );
}
