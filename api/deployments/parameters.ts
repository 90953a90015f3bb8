/**
 * Filling a template's Parameters for one deployment: code artifacts per resource and network
 * settings. One compiled template serves every build; the values come with each deployment.
 */

// The compiler declares the kinds; a type-only import keeps the compiler out of the cold start.
import type { ParameterKind } from "../compiler/context.js";
import { own } from "../prototype-safe.js";

export type { ParameterKind };

export interface DeclaredParameter {
  name: string;
  kind: ParameterKind;
  /** The config resource it is for; "platform" for stack-wide network settings. */
  resource: string;
}

/**
 * What a deployment supplies per config resource; under "platform" the network values, which the
 * deploy use case takes from the platform's settings only (api/deployments/network.ts).
 */
export interface ResourceArtifacts {
  codeBucket?: string;
  codeKey?: string;
  imageUri?: string;
  subnetIds?: string[];
  securityGroupIds?: string[];
  vpcId?: string;
}

export type Artifacts = Record<string, ResourceArtifacts>;

export class MissingArtifactsError extends Error {
  constructor(readonly missing: { parameter: string; resource: string; field: keyof ResourceArtifacts }[]) {
    super(
      `The deployment needs ${missing.map((m) => `artifacts.${m.resource}.${m.field}`).join(", ")} (template parameters ${missing
        .map((m) => m.parameter)
        .join(", ")}).`,
    );
    this.name = "MissingArtifactsError";
  }
}

const FIELD: Record<ParameterKind, keyof ResourceArtifacts> = {
  "code-bucket": "codeBucket",
  "code-key": "codeKey",
  "image-uri": "imageUri",
  "subnet-ids": "subnetIds",
  "security-group-ids": "securityGroupIds",
  "vpc-id": "vpcId",
};

/**
 * Values for every declared parameter: from `artifacts[resource]`, then `artifacts.platform` for
 * network settings, then the deployer's `fallback` (the local engine records code, it never runs
 * it, so placeholders do). List values are comma-joined, as CloudFormation takes list parameters.
 */
export function fillParameters(
  declared: readonly DeclaredParameter[],
  artifacts: Artifacts = {},
  fallback?: (p: DeclaredParameter) => string | undefined,
): Record<string, string> {
  // Keyed by template parameter names, which the compiler makes alphanumeric.
  const values: Record<string, string> = {};
  const missing: MissingArtifactsError["missing"] = [];
  for (const p of declared) {
    const field = FIELD[p.kind];
    const raw = own(own(artifacts, p.resource), field) ?? own(own(artifacts, "platform"), field);
    const value = Array.isArray(raw) ? raw.join(",") : (raw ?? fallback?.(p));
    if (value === undefined) missing.push({ parameter: p.name, resource: p.resource, field });
    else values[p.name] = value;
  }
  if (missing.length > 0) throw new MissingArtifactsError(missing);
  return values;
}

/** Placeholders for the local engine, which records functions and jobs but never runs their code. */
export function localPlaceholder(p: DeclaredParameter): string {
  switch (p.kind) {
    case "code-bucket":
      return "switchyard-local-artifacts";
    case "code-key":
      return `${p.resource}/local.zip`;
    case "image-uri":
      return `000000000000.dkr.ecr.us-east-1.amazonaws.com/${p.resource.toLowerCase()}:local`;
    default:
      return "";
  }
}
