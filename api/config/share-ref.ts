/**
 * How a config names a bus another team shared with it, in place of the bus's ARN:
 * `<owner team>:<project>/<stage>/<bus>` (the owner's team, project and stage, and the bus's
 * resource name in the owner's config). Accepted where Stacktape takes an external bus's ARN
 * (`eventBusArn` of an event-bus trigger) and resolved to the ARN the share records.
 */
export const SHARE_REF = /^([a-z0-9-]{1,40}):([a-z0-9-]{1,40})\/([a-z0-9-]{2,12})\/([A-Za-z0-9]{1,128})$/;

export interface ShareRef {
  owner: string;
  project: string;
  stage: string;
  bus: string;
}

export function parseShareRef(text: string): ShareRef | undefined {
  const m = SHARE_REF.exec(text);
  return m ? { owner: m[1]!, project: m[2]!, stage: m[3]!, bus: m[4]! } : undefined;
}

export const formatShareRef = (ref: ShareRef): string =>
  `${ref.owner}:${ref.project}/${ref.stage}/${ref.bus}`;
