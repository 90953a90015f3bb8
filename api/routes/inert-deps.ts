/**
 * Deps for building route modules without touching the outside world: the OpenAPI document and the
 * route manifest are built from the route modules with these, so any call into a dependency (a store
 * query, a deployer, a clock read) fails loudly instead of reaching DynamoDB or AWS.
 */
import type { AppDeps } from "../deps.js";
import { silentLogger } from "../http/logger.js";

export class InertDependencyError extends Error {
  constructor(readonly dependency: string) {
    super(
      `deps.${dependency} was called while building the OpenAPI document: route modules must not do I/O when the app is built, only inside handlers`,
    );
    this.name = "InertDependencyError";
  }
}

/** A stand-in for any dependency: property reads nest (same path, same object), calls throw. */
function inert(path: string): unknown {
  const children = new Map<string, unknown>();
  // A plain function target so both calls and `new` reach the traps.
  const target = function inertDependency() {};
  return new Proxy(target, {
    get: (_t, key) => {
      // Not a thenable (so `await deps.x` does not call it) and no coercion hooks.
      if (typeof key === "symbol" || key === "then") return undefined;
      if (!children.has(key)) children.set(key, inert(`${path}.${key}`));
      return children.get(key);
    },
    apply: () => {
      throw new InertDependencyError(path);
    },
    construct: () => {
      throw new InertDependencyError(path);
    },
  });
}

/**
 * Deps for a build that must not touch the outside world. A Proxy rather than a literal so it keeps
 * fitting `AppDeps` as colleagues add ports (deployer, bus operations, ...).
 */
export function inertDeps(): AppDeps {
  const known: Record<string, unknown> = {
    log: silentLogger,
    now: () => {
      throw new InertDependencyError("now");
    },
  };
  return new Proxy(known, {
    get: (target, key) => {
      if (typeof key === "symbol" || key === "then") return undefined;
      target[key] ??= inert(key);
      return target[key];
    },
  }) as unknown as AppDeps;
}
