/** A submitted form field as a string ("" when missing or a file). */
export function formField(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

/** A query parameter as given once (a repeated or missing parameter counts as absent). */
export function queryValue(value: string | string[] | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}
