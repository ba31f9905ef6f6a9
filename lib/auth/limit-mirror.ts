/**
 * A process-local copy of which rate-limit counters are over their limit right now, and until
 * when. lib/auth/rate-limit.ts writes it whenever the authoritative counters (database or Redis)
 * deny an attempt; server.ts reads it before Next.js runs (lib/http/sign-in-gate.ts), so a client
 * the counters have already refused gets its 429 without any database query, argon2 hash or
 * page render. It is only a shortcut: counting stays with the counters, and an entry missing
 * here (another process denied it, or this process restarted) just means the request goes on to
 * them. Kept on globalThis: server.ts and Next's bundle load separate copies of this module.
 */

/** Entries kept at most; a flood of denied addresses cannot grow it without bound. */
export const LIMIT_MIRROR_MAX_ENTRIES = 10_000;

interface MirrorState {
  deniedUntil: Map<string, number>;
}

const state = ((globalThis as { __folioLimitMirror?: MirrorState }).__folioLimitMirror ??= {
  deniedUntil: new Map(),
});

/** Notes that the counter `key` denies attempts until `untilMs` (epoch milliseconds). */
export function rememberDenied(key: string, untilMs: number, nowMs = Date.now()): void {
  const entries = state.deniedUntil;
  entries.delete(key); // re-inserted last: the Map's order is then oldest first
  entries.set(key, untilMs);
  if (entries.size <= LIMIT_MIRROR_MAX_ENTRIES) return;
  for (const [stored, until] of entries) if (until <= nowMs) entries.delete(stored);
  for (const stored of entries.keys()) {
    if (entries.size <= LIMIT_MIRROR_MAX_ENTRIES) break;
    entries.delete(stored);
  }
}

/** The latest end of a denial among `keys`, or null when none of them is denied at `nowMs`. */
export function deniedUntil(keys: readonly string[], nowMs = Date.now()): number | null {
  let latest: number | null = null;
  for (const key of keys) {
    const until = state.deniedUntil.get(key);
    if (until === undefined) continue;
    if (until <= nowMs) state.deniedUntil.delete(key);
    else if (latest === null || until > latest) latest = until;
  }
  return latest;
}

/** Forgets every entry (tests). */
export function clearLimitMirror(): void {
  state.deniedUntil.clear();
}
