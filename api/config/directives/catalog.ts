/**
 * Every directive the language knows, and when it resolves:
 * - "load": at parse time, from the config alone ($Var, $This);
 * - "stage": locally but needing the stage or region, so at compile time ($Stage, $Region, $Format);
 * - "runtime": compiled to CloudFormation intrinsics or dynamic references;
 * - "rejected": needs the caller's machine, which a control plane does not have.
 */
export type DirectiveKind = "load" | "stage" | "runtime" | "rejected";

interface DirectiveSpec {
  kind: DirectiveKind;
  /** Allowed argument counts [min, max]. */
  arity: [number, number];
  /** Whether a `.path` may follow the call. */
  path?: boolean;
}

export const DIRECTIVES: Record<string, DirectiveSpec> = {
  Var: { kind: "load", arity: [0, 0], path: true },
  This: { kind: "load", arity: [0, 0], path: true },
  Stage: { kind: "stage", arity: [0, 0] },
  Region: { kind: "stage", arity: [0, 0] },
  Format: { kind: "stage", arity: [1, 50] },
  ResourceParam: { kind: "runtime", arity: [2, 2] },
  CfResourceParam: { kind: "runtime", arity: [2, 2] },
  CfFormat: { kind: "runtime", arity: [1, 50] },
  Secret: { kind: "runtime", arity: [1, 1] },
  SsmParam: { kind: "runtime", arity: [1, 1] },
  CfStackOutput: { kind: "runtime", arity: [2, 3] },
  Param: { kind: "runtime", arity: [2, 2] },
  File: { kind: "rejected", arity: [0, 50] },
  FileRaw: { kind: "rejected", arity: [0, 50] },
  GitInfo: { kind: "rejected", arity: [0, 50] },
  CliArgs: { kind: "rejected", arity: [0, 50] },
};

export const DIRECTIVE_NAMES = Object.keys(DIRECTIVES).filter((n) => DIRECTIVES[n]!.kind !== "rejected");
