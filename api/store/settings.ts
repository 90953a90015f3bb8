import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { isConditionFailure } from "./conditions.js";
import type { Table } from "./table.js";

/** Where batch jobs and workloads of stacks in one region run: chosen by the platform, not by teams. */
export interface RegionNetwork {
  subnetIds: string[];
  securityGroupIds: string[];
  /** The VPC of the subnets; needed only by workloads reached from an HTTP API (Cloud Map). */
  vpcId?: string;
}

export interface NetworkSettings {
  /** Per AWS region, e.g. `{ "eu-west-1": {...} }`. */
  regions: Record<string, RegionNetwork>;
  /** Increases by one with every write; the ETag is derived from it. */
  revision: number;
  updatedAt: string;
  updatedBy: string;
}

/** The write lost its precondition: the settings changed (or appeared) since the caller read them. */
export class SettingsChangedError extends Error {
  constructor(readonly current: NetworkSettings | undefined) {
    super("network settings changed since they were read");
    this.name = "SettingsChangedError";
  }
}

export interface NetworkSettingsRepository {
  get(): Promise<NetworkSettings | undefined>;
  /**
   * Replaces the settings. `expectRevision`: only if the stored revision is this one (0: only if none
   * are stored yet); otherwise throws SettingsChangedError. Undefined: unconditional.
   */
  put(
    input: Pick<NetworkSettings, "regions" | "updatedAt" | "updatedBy">,
    expectRevision?: number,
  ): Promise<NetworkSettings>;
}

/** One item for the whole platform; read by every deployment that needs a network. */
const KEY = { PK: "SETTINGS", SK: "NETWORK" } as const;

export function networkSettingsRepository(table: Table): NetworkSettingsRepository {
  const { doc, name: TableName } = table;
  const read = async () => {
    const out = await doc.send(new GetCommand({ TableName, Key: KEY, ConsistentRead: true }));
    return out.Item ? toSettings(out.Item) : undefined;
  };
  return {
    get: read,

    async put(input, expectRevision) {
      // Revisions make the write itself the check: two admins who read the same revision cannot both
      // win. Without a precondition a lost race is retried against the newer revision.
      for (let attempt = 0; ; attempt++) {
        const current = expectRevision ?? (await read())?.revision ?? 0;
        const settings: NetworkSettings = { ...input, revision: current + 1 };
        try {
          await doc.send(
            new PutCommand({
              TableName,
              Item: { ...KEY, type: "network-settings", ...settings },
              ...(current === 0
                ? { ConditionExpression: "attribute_not_exists(PK)" }
                : {
                    ConditionExpression: "revision = :revision",
                    ExpressionAttributeValues: { ":revision": current },
                  }),
            }),
          );
          return settings;
        } catch (err) {
          if (!isConditionFailure(err)) throw err;
          if (expectRevision !== undefined || attempt >= 3) throw new SettingsChangedError(await read());
        }
      }
    },
  };
}

function toSettings(item: Record<string, unknown>): NetworkSettings {
  return {
    regions: item.regions as NetworkSettings["regions"],
    revision: item.revision as number,
    updatedAt: item.updatedAt as string,
    updatedBy: item.updatedBy as string,
  };
}
