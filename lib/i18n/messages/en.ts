import type { Messages } from "./zh-CN";

export const en: Messages = {
  siteName: "Folio",
  tagline: "Long reads, with a free preview",
  nav: { library: "Library", signIn: "Sign in", language: "Language" },
  library: {
    title: "Library",
    empty: "No documents yet. Import some with npm run import.",
    newer: "← Newer",
    older: "Older →",
    free: "Free",
    paid: "Members",
  },
  document: {
    length: "{count} words",
    readingTime: "{minutes} min read",
    by: "By {author}",
    published: "Published {date}",
    version: "Version {version}",
    paidShare: "{percent}% for members",
    allFree: "Free to read",
  },
  paywall: {
    heading: "The rest is for members",
    body: "Subscribe to read the remaining {count} words, {percent}% of the document.",
    lockedSection: "A members-only section of {count} words",
    subscribe: "Subscribe",
    signIn: "Already a member? Sign in",
    unavailable: "The full text is temporarily unavailable. Please try again in a minute.",
  },
  comingSoon: {
    signInTitle: "Sign in",
    pricingTitle: "Subscribe",
    body: "Accounts and subscriptions are opening soon. Until then, every document's free preview is open to all.",
    back: "Back to the document",
  },
  notFound: {
    title: "Page not found",
    body: "This page does not exist or has moved.",
    home: "Go to the library",
  },
  error: {
    title: "Something went wrong",
    body: "Please try again.",
    retry: "Try again",
    reference: "Reference",
  },
  words: "{count} words",
};
