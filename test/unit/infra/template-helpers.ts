/** Reading a synthesized template the way AWS would see it, for assertions on ARNs and policies. */
import type { Template } from "aws-cdk-lib/assertions";

export const PSEUDO = { partition: "aws", region: "eu-west-1", account: "123456789012" } as const;

/**
 * Resolves the intrinsics CDK emits for ARNs: pseudo parameters, Fn::Join, and Ref/Fn::GetAtt of
 * the template's own resources (rendered as `<Ref X>` / `<X.Arn>` so assertions can name them).
 */
export function resolve(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(resolve);
  if (value === null || typeof value !== "object") return value;
  const obj = value as Record<string, unknown>;
  if ("Ref" in obj) {
    const ref = obj.Ref as string;
    if (ref === "AWS::Partition") return PSEUDO.partition;
    if (ref === "AWS::Region") return PSEUDO.region;
    if (ref === "AWS::AccountId") return PSEUDO.account;
    return `<Ref ${ref}>`;
  }
  if ("Fn::GetAtt" in obj) return `<${(obj["Fn::GetAtt"] as string[]).join(".")}>`;
  if ("Fn::Join" in obj) {
    const [sep, parts] = obj["Fn::Join"] as [string, unknown[]];
    return parts.map((p) => String(resolve(p))).join(sep);
  }
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, resolve(v)]));
}

export interface Statement {
  Sid?: string;
  Effect: string;
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, unknown>>;
}

const asList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Every statement a role may use: its inline policies, AWS::IAM::Policy resources and this stack's managed policies attached to it. */
export function roleStatements(template: Template, roleLogicalId: string): Statement[] {
  const role = template.toJSON().Resources[roleLogicalId];
  const docs: unknown[] = (role.Properties.Policies ?? []).map(
    (p: { PolicyDocument: unknown }) => p.PolicyDocument,
  );
  for (const policy of Object.values(template.findResources("AWS::IAM::Policy"))) {
    const roles = asList(policy.Properties.Roles) as { Ref: string }[];
    if (roles.some((r) => r.Ref === roleLogicalId)) docs.push(policy.Properties.PolicyDocument);
  }
  // Managed policies of this stack attached to it.
  const managed = template.findResources("AWS::IAM::ManagedPolicy");
  for (const arn of asList(role.Properties.ManagedPolicyArns) as { Ref?: string }[]) {
    if (arn.Ref && managed[arn.Ref]) docs.push(managed[arn.Ref]!.Properties.PolicyDocument);
  }
  return docs.flatMap((doc) =>
    asList((doc as { Statement: unknown[] }).Statement).map((s) => {
      const st = resolve(s) as Record<string, unknown>;
      return {
        ...(st as object),
        Action: asList(st.Action as string | string[]),
        Resource: asList(st.Resource as string | string[]),
      } as Statement;
    }),
  );
}

export function allRoleIds(template: Template): string[] {
  return Object.keys(template.findResources("AWS::IAM::Role"));
}

/** The logical ID of the one resource of `type` whose properties include `match`. */
export function logicalIdOf(template: Template, type: string, predicate: (props: any) => boolean): string {
  const ids = Object.entries(template.findResources(type))
    .filter(([, r]) => predicate(r.Properties))
    .map(([id]) => id);
  if (ids.length !== 1) throw new Error(`expected one ${type}, found ${ids.length}`);
  return ids[0]!;
}
