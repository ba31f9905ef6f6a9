// How Folio's production server (server.ts) is started: `npm start` runs the same command. The
// react-server condition lets server.ts import the server-only session and entitlement checks.
export const productionServerCommand = {
  command: "npx",
  args: ["tsx", "--conditions=react-server", "server.ts"],
} as const;
