import { notFound } from "next/navigation";

// Every unknown path is rewritten under a locale by the proxy; this sends it to the localized 404.
export default function MissingPage(): never {
  notFound();
}
