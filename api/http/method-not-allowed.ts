/** Hono answers 404 for a known path with an unknown method; we want 405 with `Allow`. */
export function allowedMethods(
  app: { routes: readonly { method: string; path: string }[] },
  path: string,
): string[] {
  const methods = new Set<string>();
  for (const route of app.routes) {
    if (route.method === "ALL") continue;
    if (routePattern(route.path).test(path)) methods.add(route.method);
  }
  return [...methods].sort();
}

const cache = new Map<string, RegExp>();

/** A Hono path pattern as a RegExp over request paths (`:param` is one segment, `*` anything). */
export function routePattern(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (!re) {
    const body = pattern
      .split("/")
      .map((seg) =>
        seg.startsWith(":") ? "[^/]+" : seg === "*" ? ".*" : seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"),
      )
      .join("/");
    re = new RegExp(`^${body}/?$`);
    cache.set(pattern, re);
  }
  return re;
}
