// @ts-check

/** Security headers sent with every response. */
const securityHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "X-Frame-Options", value: "DENY" },
  {
    key: "Content-Security-Policy",
    // Next's inline bootstrap scripts need 'unsafe-inline'; documents never carry executable HTML
    // (Markdown is rendered with raw HTML disabled and then sanitised), so this is defence in depth.
    value:
      "default-src 'self'; script-src 'self' 'unsafe-inline'" +
      (process.env.NODE_ENV === "production" ? "" : " 'unsafe-eval'") +
      "; style-src 'self' 'unsafe-inline'; img-src 'self' https: data:; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
  },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Native and engine-less Prisma packages stay out of the server bundle and load from node_modules.
  serverExternalPackages: [
    "better-sqlite3",
    "@prisma/adapter-better-sqlite3",
    "@prisma/adapter-pg",
    "pg",
  ],
  experimental: {
    // Folio's server actions post small forms. server.ts refuses larger bodies before reading them
    // (lib/http/edge-policy.ts, bodyLimits.action); these hold under `next start` and `next dev`.
    serverActions: { bodySizeLimit: "16kb" },
    proxyClientMaxBodySize: "16kb",
  },
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};

module.exports = nextConfig;
