/**
 * Host names and the domains registered to teams (scope.ts): a registration covers its domain and
 * every name under it, the most specific registration wins. Pure string work on DNS names.
 */
import type { TeamDomain } from "./scope.js";

/** Lower case and without the trailing dot, as registrations are stored. */
export const normalizeHost = (host: string): string => host.trim().toLowerCase().replace(/\.$/, "");

/** Whether `host` is `domain` or a name under it (`a.b.example.com` under `example.com`). */
export function isUnder(host: string, domain: string): boolean {
  const h = normalizeHost(host);
  const d = normalizeHost(domain);
  return h === d || h.endsWith(`.${d}`);
}

/** The registration that covers `host`: the most specific of those it is under. */
export function registrationOf(
  domains: readonly TeamDomain[] | undefined,
  host: string,
): TeamDomain | undefined {
  let best: TeamDomain | undefined;
  for (const domain of domains ?? [])
    if (isUnder(host, domain.name) && (!best || domain.name.length > best.name.length)) best = domain;
  return best;
}

/** Hosted zone ids are written `Z123` or `/hostedzone/Z123`. */
export const sameHostedZone = (a: string, b: string): boolean =>
  a.replace(/^\/hostedzone\//, "") === b.replace(/^\/hostedzone\//, "");
