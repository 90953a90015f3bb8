/** CloudFormation template shapes and intrinsic-function helpers. */

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  /** Only `CodeDeployLambdaAliasUpdate` on a function's alias (gradual deployments). */
  UpdatePolicy?: Record<string, unknown>;
  Condition?: string;
  Metadata?: Record<string, unknown>;
}

export type CfnParameter = {
  Type: string;
  Description?: string;
};

export interface CfnOutput {
  Value: unknown;
  Description?: string;
  Export?: { Name: unknown };
}

export type CfnTemplate = {
  AWSTemplateFormatVersion: "2010-09-09";
  Description: string;
  Parameters?: Record<string, CfnParameter>;
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, CfnOutput>;
};

export type Intrinsic = Record<string, unknown>;

// Intrinsics built here are marked so stringification can tell them from user objects that look alike.
const intrinsics = new WeakSet<object>();
const mark = <T extends object>(value: T): T => {
  intrinsics.add(value);
  return value;
};
export const isIntrinsic = (value: unknown): value is Intrinsic =>
  typeof value === "object" && value !== null && intrinsics.has(value);

export const ref = (logicalId: string): Intrinsic => mark({ Ref: logicalId });
export const getAtt = (logicalId: string, attribute: string): Intrinsic =>
  mark({ "Fn::GetAtt": [logicalId, attribute] });
export const sub = (template: string, variables?: Record<string, unknown>): Intrinsic =>
  mark({ "Fn::Sub": variables && Object.keys(variables).length > 0 ? [template, variables] : template });
export const join = (separator: string, parts: unknown[]): Intrinsic =>
  mark({ "Fn::Join": [separator, parts] });
export const importValue = (name: unknown): Intrinsic => mark({ "Fn::ImportValue": name });

/** `arn:<partition>:<service>:<region>:<account>:<rest>` for this stack's partition, region and account. */
export const arnOf = (service: string, rest: string, variables?: Record<string, unknown>): Intrinsic =>
  sub(`arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${rest}`, variables);

/**
 * A value as one string for CloudFormation: plain JSON when it holds no intrinsics, otherwise an
 * `Fn::Sub` whose variables are those intrinsics (literal `${` escaped as `${!`).
 */
export function stringifyForCfn(value: unknown): unknown {
  if (typeof value === "string") return value;
  if (isIntrinsic(value)) return value;
  const variables: Record<string, unknown> = {};
  let n = 0;
  const text = JSON.stringify(value, (_key, v) => {
    if (isIntrinsic(v)) {
      const name = `V${n++}`;
      variables[name] = v;
      return `\uE000${name}\uE000`;
    }
    return v;
  });
  if (n === 0) return text;
  // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub / Step Functions substitution syntax, not a JS template.
  const escaped = text.replaceAll("${", "${!").replace(/\uE000(V\d+)\uE000/g, "${$1}");
  return sub(escaped, variables);
}

export interface IamStatement {
  Effect: "Allow" | "Deny";
  Action: string[];
  Resource: unknown[];
  Condition?: Record<string, unknown>;
}

export const allow = (
  actions: string[],
  resources: unknown[],
  condition?: Record<string, unknown>,
): IamStatement => ({
  Effect: "Allow",
  Action: actions,
  Resource: resources,
  ...(condition ? { Condition: condition } : {}),
});

export const policyDocument = (statements: unknown[]) => ({ Version: "2012-10-17", Statement: statements });

export const trustPolicy = (service: string) =>
  policyDocument([{ Effect: "Allow", Principal: { Service: service }, Action: ["sts:AssumeRole"] }]);
