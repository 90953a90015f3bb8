/**
 * The host-name part of the tenant check: a team's stacks may create DNS records (and certificate
 * validation records) only for names under a domain registered to the team, in that domain's hosted
 * zone; and may not attach a name under another team's domain to an API or a distribution. Records
 * are what would take a name over: anything that writes into a hosted zone is held to the rule.
 */
import { hasOwn, own } from "../../prototype-safe.js";
import { isUnder, normalizeHost, registrationOf, sameHostedZone } from "./domains.js";
import type { TenantScope } from "./scope.js";
import { display, type EvaluationContext, evaluate, OWN, UNKNOWN } from "./symbolic.js";

type Report = (property: (string | number)[], message: string) => void;

/** Where types name the host names they serve: attaching one is refused for other teams' domains. */
const ATTACHED_HOSTS: Readonly<Record<string, readonly (readonly (string | "*")[])[]>> = {
  "AWS::ApiGatewayV2::DomainName": [["DomainName"]],
  "AWS::ApiGateway::DomainName": [["DomainName"]],
  "AWS::CloudFront::Distribution": [["DistributionConfig", "Aliases", "*"]],
  "AWS::CertificateManager::Certificate": [["DomainName"], ["SubjectAlternativeNames", "*"]],
  "AWS::Route53::HostedZone": [["Name"]],
};

/** Records written into a hosted zone: `names` in the zone given by `zone` (or `zoneName`). */
const RECORDS: Readonly<
  Record<
    string,
    readonly { each?: readonly string[]; names: readonly string[]; zone: string; zoneName?: string }[]
  >
> = {
  "AWS::Route53::RecordSet": [{ names: ["Name"], zone: "HostedZoneId", zoneName: "HostedZoneName" }],
  "AWS::Route53::RecordSetGroup": [
    { each: ["RecordSets"], names: ["Name"], zone: "HostedZoneId", zoneName: "HostedZoneName" },
  ],
  "AWS::CertificateManager::Certificate": [
    { each: ["DomainValidationOptions"], names: ["DomainName"], zone: "HostedZoneId" },
  ],
};

export function checkHosts(
  type: string,
  props: Record<string, unknown>,
  scope: TenantScope,
  evaluation: EvaluationContext,
  report: Report,
): void {
  const team = `team ${scope.team}`;
  const texts = (value: unknown) => evaluate(value, evaluation) ?? [UNKNOWN];

  for (const path of own(ATTACHED_HOSTS, type) ?? []) {
    for (const [value, at] of valuesAt(props, path)) {
      for (const host of texts(value)) {
        if (host.includes(UNKNOWN)) {
          report(
            at,
            `${at.join(".")} cannot be resolved before deployment, so it could be another team's host name; name it literally.`,
          );
        } else if (!host.includes(OWN) && !registrationOf(scope.domains, host)) {
          const foreign = scope.foreignDomains?.find((d) => isUnder(host, d));
          if (foreign)
            report(
              at,
              `${at.join(".")} is "${display(host)}", which is under a domain registered to another team, not to ${team}.`,
            );
        }
      }
    }
  }

  for (const record of own(RECORDS, type) ?? []) {
    for (const [value, at] of record.each ? valuesAt(props, [...record.each, "*"]) : []) {
      if (typeof value === "object" && value !== null && hasOwn(value, UNLISTED))
        report(
          at,
          `${at.join(".")} cannot be resolved before deployment, so its records could take any host name; list them literally.`,
        );
    }
    const holders: [Record<string, unknown>, (string | number)[]][] = record.each
      ? valuesAt(props, [...record.each, "*"]).flatMap(([v, at]) =>
          typeof v === "object" && v !== null
            ? [[v as Record<string, unknown>, at] as [Record<string, unknown>, (string | number)[]]]
            : [],
        )
      : [[props, []]];
    for (const [holder, base] of holders) {
      // A RecordSetGroup names its zone once, for every record in it.
      const zoneHolder = record.each && type === "AWS::Route53::RecordSetGroup" ? props : holder;
      const zoneBase = zoneHolder === props ? [] : base;
      for (const nameKey of record.names) {
        if (!hasOwn(holder, nameKey)) continue;
        for (const host of texts(holder[nameKey])) {
          const at = [...base, nameKey];
          if (host.includes(UNKNOWN) || host.includes(OWN)) {
            report(
              at,
              `${at.join(".")} cannot be resolved before deployment, so the record could take any host name; name it literally.`,
            );
            continue;
          }
          const registration = registrationOf(scope.domains, host);
          if (!registration) {
            report(
              at,
              `${at.join(".")} is "${display(normalizeHost(host))}", which is not under a domain registered to ${team}; a platform admin registers the team's domains (PUT /v1/teams/${scope.team}/domains/<domain>).`,
            );
            continue;
          }
          const zoneAt = [...zoneBase, record.zone];
          if (!hasOwn(zoneHolder, record.zone)) {
            report(
              record.zoneName && hasOwn(zoneHolder, record.zoneName)
                ? [...zoneBase, record.zoneName]
                : zoneAt,
              `the record for "${display(host)}" must name its hosted zone by ${record.zone}: ${registration.hostedZoneId}, the zone registered for ${registration.name}.`,
            );
            continue;
          }
          for (const zone of texts(zoneHolder[record.zone])) {
            if (
              zone.includes(UNKNOWN) ||
              zone.includes(OWN) ||
              !sameHostedZone(zone, registration.hostedZoneId)
            )
              report(
                zoneAt,
                `${zoneAt.join(".")} is "${display(zone)}", and the record for "${display(host)}" may only go in ${registration.hostedZoneId}, the hosted zone registered for ${registration.name} to ${team}.`,
              );
          }
        }
      }
    }
  }
}

/** Marks a value that stood where a list belongs: it cannot be told apart item by item. */
const UNLISTED = "Switchyard::Unlisted";

/** The values at a path of property names, `*` standing for every item of a list. */
function valuesAt(value: unknown, path: readonly (string | "*")[]): [unknown, (string | number)[]][] {
  let found: [unknown, (string | number)[]][] = [[value, []]];
  for (const key of path) {
    const next: [unknown, (string | number)[]][] = [];
    for (const [v, p] of found) {
      if (key === "*") {
        if (Array.isArray(v)) v.forEach((item, i) => void next.push([item, [...p, i]]));
        // A list given by an intrinsic (Fn::Split, Fn::If, ...): checked as one value, unresolved.
        else if (v !== undefined) next.push([{ [UNLISTED]: v }, p]);
      } else if (typeof v === "object" && v !== null && !Array.isArray(v) && hasOwn(v, key)) {
        const item = (v as Record<string, unknown>)[key];
        if (item !== undefined) next.push([item, [...p, key]]);
      }
    }
    found = next;
  }
  return found;
}
