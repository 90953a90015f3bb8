export type Env = Record<string, string | undefined>;

/** A variable the function cannot run without: missing, it fails at init, where it is noticed. */
export function required(env: Env, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`environment variable ${name} is required`);
  return value;
}
