import { lazy } from "../lazy.js";

/**
 * A port whose adapter is built on its first call instead of at cold start: the adapter's module
 * (and the AWS SDK client it wraps) is imported then, once. Every member not given in `fixed` must
 * be an async method, which is what the Deployer and BusOps ports are.
 */
export function onFirstCall<Port extends object>(load: () => Promise<Port>, fixed: Partial<Port> = {}): Port {
  // A failed load (say, a client that could not be configured) is retried by the next call.
  const adapter = lazy(load);
  return new Proxy(fixed as Port, {
    get(target, member) {
      if (member in target) return target[member as keyof Port];
      // Not a thenable: `await port` must not look for an adapter.
      if (member === "then" || typeof member === "symbol") return undefined;
      return async (...args: unknown[]) => {
        const built = await adapter();
        const method = built[member as keyof Port];
        if (typeof method !== "function")
          throw new TypeError(`${String(member)} is not a method of the port`);
        return method.apply(built, args);
      };
    },
  });
}
