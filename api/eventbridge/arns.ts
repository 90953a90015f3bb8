/**
 * EventBridge ARNs and names as AWS spells them. Rule ARNs differ by bus: `rule/<name>` on the
 * default bus, `rule/<bus>/<name>` on a custom one (FilterArns of replays use this form).
 */
export interface ArnScope {
  region: string;
  account: string;
}

export const DEFAULT_BUS = "default";

const prefix = ({ region, account }: ArnScope) => `arn:aws:events:${region}:${account}`;

export const busArn = (scope: ArnScope, bus: string) => `${prefix(scope)}:event-bus/${bus}`;

export const ruleArn = (scope: ArnScope, bus: string, rule: string) =>
  bus === DEFAULT_BUS ? `${prefix(scope)}:rule/${rule}` : `${prefix(scope)}:rule/${bus}/${rule}`;

export const archiveArn = (scope: ArnScope, archive: string) => `${prefix(scope)}:archive/${archive}`;

export const replayArn = (scope: ArnScope, replay: string) => `${prefix(scope)}:replay/${replay}`;

/** `EventBusName` parameters accept a name or an ARN; everything inside the engine uses names. */
export function busNameOf(nameOrArn: string | undefined): string {
  if (!nameOrArn) return DEFAULT_BUS;
  const match = /^arn:[^:]+:events:[^:]*:[^:]*:event-bus\/(.+)$/.exec(nameOrArn);
  return match ? match[1]! : nameOrArn;
}

/** The resource name at the end of an archive or replay ARN, or undefined when it is not one. */
export function resourceNameOf(arn: string, kind: "archive" | "replay" | "event-bus"): string | undefined {
  const match = new RegExp(`^arn:[^:]+:events:[^:]*:[^:]*:${kind}/(.+)$`).exec(arn);
  return match?.[1];
}

/** The bus and rule a rule ARN names (`rule/<name>` means the default bus). */
export function ruleOfArn(arn: string): { bus: string; rule: string } | undefined {
  const match = /^arn:[^:]+:events:[^:]*:[^:]*:rule\/(.+)$/.exec(arn);
  if (!match) return undefined;
  const parts = match[1]!.split("/");
  return parts.length === 1
    ? { bus: DEFAULT_BUS, rule: parts[0]! }
    : { bus: parts[0]!, rule: parts.slice(1).join("/") };
}
