/**
 * The domains platform admins registered to teams (Switchyard's `stacktape domain-add`): a domain,
 * with every name under it, belongs to one team, whose stacks may attach it to their APIs and CDNs
 * and create its DNS records in the registered hosted zone (api/compiler/tenancy/hosts.ts). All
 * registrations share one partition, sorted by the domain's labels from the top (`com.example.`),
 * because every deployment reads them all: its team's to compile, the others' to refuse.
 *
 *   item     PK        SK                        name, team, hostedZoneId, certificateArn?, cdnCertificateArn?,
 *   domain   DOMAINS   <labels reversed>.        registeredAt, registeredBy
 */
import { DeleteCommand, PutCommand, paginateQuery } from "@aws-sdk/lib-dynamodb";
import type { TeamDomain } from "../compiler/tenancy/scope.js";
import { isConditionFailure } from "./conditions.js";
import type { Table } from "./table.js";

/** Most domains the platform holds: every deployment reads them all. */
export const MAX_DOMAINS = 1000;

export interface TeamDomainRecord extends TeamDomain {
  team: string;
  registeredAt: string;
  /** Key id of the platform admin who registered it. */
  registeredBy: string;
}

/** The domain is registered to another team (the caller checked overlaps against a stale read). */
export class DomainTakenError extends Error {
  constructor(readonly domain: string) {
    super(`domain ${domain} is registered to another team`);
    this.name = "DomainTakenError";
  }
}

export interface TeamDomainRepository {
  /** Every registration, of every team, sorted by domain from the top label down. */
  all(): Promise<TeamDomainRecord[]>;
  /** Registers (or re-registers) a domain to `record.team`; DomainTakenError if another team has it. */
  put(record: TeamDomainRecord): Promise<{ created: boolean }>;
  /** Removes a domain of `team`; false if the team has no such domain. */
  remove(team: string, name: string): Promise<boolean>;
}

const PK = "DOMAINS";
/** `api.example.com` → `com.example.api.`: a domain's names sort right after it. */
export const domainSortKey = (name: string) => `${name.split(".").reverse().join(".")}.`;

export function teamDomainRepository(table: Table): TeamDomainRepository {
  const { doc, name: TableName } = table;
  return {
    async all() {
      const out: TeamDomainRecord[] = [];
      const pages = paginateQuery(
        { client: doc },
        {
          TableName,
          KeyConditionExpression: "PK = :pk",
          ExpressionAttributeValues: { ":pk": PK },
          ConsistentRead: true,
        },
      );
      for await (const page of pages) {
        for (const item of page.Items ?? []) {
          out.push({
            name: item.name as string,
            team: item.team as string,
            hostedZoneId: item.hostedZoneId as string,
            ...(item.certificateArn ? { certificateArn: item.certificateArn as string } : {}),
            ...(item.cdnCertificateArn ? { cdnCertificateArn: item.cdnCertificateArn as string } : {}),
            registeredAt: item.registeredAt as string,
            registeredBy: item.registeredBy as string,
          });
        }
      }
      return out;
    },
    async put(record) {
      try {
        const out = await doc.send(
          new PutCommand({
            TableName,
            Item: { PK, SK: domainSortKey(record.name), type: "team-domain", ...record },
            ConditionExpression: "attribute_not_exists(PK) OR team = :team",
            ExpressionAttributeValues: { ":team": record.team },
            ReturnValues: "ALL_OLD",
          }),
        );
        return { created: !out.Attributes };
      } catch (err) {
        if (isConditionFailure(err)) throw new DomainTakenError(record.name);
        throw err;
      }
    },
    async remove(team, name) {
      try {
        await doc.send(
          new DeleteCommand({
            TableName,
            Key: { PK, SK: domainSortKey(name) },
            ConditionExpression: "team = :team",
            ExpressionAttributeValues: { ":team": team },
          }),
        );
        return true;
      } catch (err) {
        if (isConditionFailure(err)) return false;
        throw err;
      }
    },
  };
}
