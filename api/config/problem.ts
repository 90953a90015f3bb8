/** One located problem in a config: the config path (dot notation) and, when known, its source position. */
export interface ConfigProblem {
  path: string;
  line?: number;
  column?: number;
  message: string;
}

/** Thrown by the compiler for problems only visible once a stage is known (e.g. unknown override IDs). */
export class ConfigValidationError extends Error {
  constructor(readonly errors: ConfigProblem[]) {
    super(errors.map((e) => `${e.path}: ${e.message}`).join("; "));
    this.name = "ConfigValidationError";
  }
}

export type ConfigPath = readonly (string | number)[];

export const formatPath = (path: ConfigPath): string =>
  path.length === 0 ? "(root)" : path.map(String).join(".");
