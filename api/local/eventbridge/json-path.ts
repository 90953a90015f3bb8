/**
 * The JSONPath subset EventBridge accepts in InputPath and InputPathsMap: `$`, `.key` (keys may
 * contain `-`, as in `$.detail-type`), `['key']` / `["key"]` and `[index]`.
 */
type Step = string | number;

export function parseJsonPath(path: string): Step[] | undefined {
  if (!path.startsWith("$")) return undefined;
  const steps: Step[] = [];
  let i = 1;
  while (i < path.length) {
    if (path[i] === ".") {
      const match = /^[^.[\]]+/.exec(path.slice(i + 1));
      if (!match) return undefined;
      steps.push(match[0]);
      i += 1 + match[0].length;
    } else if (path[i] === "[") {
      const match = /^\[(?:(\d+)|'([^']*)'|"([^"]*)")\]/.exec(path.slice(i));
      if (!match) return undefined;
      steps.push(match[1] !== undefined ? Number(match[1]) : (match[2] ?? match[3])!);
      i += match[0].length;
    } else {
      return undefined;
    }
  }
  return steps;
}

/** The value at `path`, or undefined when the path is invalid or leads nowhere. */
export function readJsonPath(root: unknown, path: string): unknown {
  const steps = parseJsonPath(path);
  if (!steps) return undefined;
  let node = root;
  for (const step of steps) {
    if (typeof step === "number") {
      if (!Array.isArray(node)) return undefined;
      node = node[step];
    } else {
      if (typeof node !== "object" || node === null || Array.isArray(node)) return undefined;
      node = (node as Record<string, unknown>)[step];
    }
    if (node === undefined) return undefined;
  }
  return node;
}
