import { notFound } from "next/navigation";
import { ComingSoon } from "@/components/reading/ComingSoon";
import { isLocale, messagesFor } from "@/lib/i18n";

export default async function PricingPage({
  params,
  searchParams,
}: PageProps<"/[locale]/pricing">) {
  const { locale } = await params;
  if (!isLocale(locale)) notFound();
  const messages = messagesFor(locale);
  return (
    <ComingSoon
      title={messages.comingSoon.pricingTitle}
      callbackUrl={(await searchParams).callbackUrl}
      messages={messages}
    />
  );
}
