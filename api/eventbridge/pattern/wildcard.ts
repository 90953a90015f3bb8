/**
 * The `wildcard` operator: `*` matches any run of characters (including none, and across `/`);
 * `\*` is a literal star and `\\` a literal backslash; nothing else may be escaped.
 */

/** A parsed wildcard: the literal pieces between stars (`a*b*c` → ["a", "b", "c"]). */
export type Wildcard = readonly string[];

function utf8Length(codePoint: number): number {
  return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
}

/**
 * Parses a wildcard, or returns event-ruler's message. Positions count UTF-8 bytes of the value
 * as event-ruler stores it, inside double quotes (so the first character is at pos 1).
 */
export function parseWildcard(text: string): Wildcard | string {
  const pieces: string[] = [];
  let piece = "";
  let pos = 1;
  const chars = Array.from(text);
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === "*") {
      if (chars[i + 1] === "*") return `Consecutive wildcard characters at pos ${pos}`;
      pieces.push(piece);
      piece = "";
      pos++;
    } else if (ch === "\\") {
      const next = chars[i + 1];
      if (next !== "*" && next !== "\\") return `Invalid escape character at pos ${pos}`;
      piece += next;
      i++;
      pos += 2;
    } else {
      piece += ch;
      pos += utf8Length(ch.codePointAt(0)!);
    }
  }
  pieces.push(piece);
  return pieces;
}

/** Whether `value` matches: first piece is a prefix, last a suffix, the rest occur in order between. */
export function matchesWildcard(pieces: Wildcard, value: string): boolean {
  const first = pieces[0]!;
  if (pieces.length === 1) return value === first;
  const last = pieces[pieces.length - 1]!;
  if (value.length < first.length + last.length) return false;
  if (!value.startsWith(first) || !value.endsWith(last)) return false;
  let at = first.length;
  const end = value.length - last.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const piece = pieces[i]!;
    const found = value.indexOf(piece, at);
    if (found < 0 || found + piece.length > end) return false;
    at = found + piece.length;
  }
  return true;
}

/**
 * The most wildcard-rule states one input can keep alive at once: the measure behind AWS's
 * "Rule is too complex" (event-ruler's MachineComplexityEvaluator). Each pattern is a chain of
 * states over `"value"`; reaching the state before a star also starts that star's self-loop, and
 * both count. This reproduces event-ruler's published scores: `*.png` 2,
 * `/Users/*\/dir/dir/dir/dir/dir/doc.txt` 7, `*:*:*:*:event-bus/*` 9, `*:*:*:*:*:event-bus/*` 11.
 * Patterns of one field add up, as they share one value machine. Returns `cap` once reached.
 */
export function wildcardComplexity(patterns: readonly Wildcard[], cap: number): number {
  interface Chain {
    chars: string[];
    /** loops[k]: a star follows the k-th character. */
    loops: boolean[];
  }
  const chains: Chain[] = patterns.map((pieces) => {
    const chars: string[] = ['"'];
    const loops: boolean[] = [false, false];
    pieces.forEach((piece, i) => {
      for (const ch of piece) {
        chars.push(ch);
        loops.push(false);
      }
      if (i < pieces.length - 1) loops[chars.length] = true;
    });
    chars.push('"');
    loops.push(false);
    return { chars, loops };
  });
  // A state is (chain, k, loop?) packed into one number; a set of them is a sorted array.
  const STRIDE = 4096;
  const id = (chain: number, k: number, loop: boolean) => (chain * STRIDE + k) * 2 + (loop ? 1 : 0);
  /** Any character no state expects next (no chain holds "", a chain holds one character per state). */
  const OTHER = "";
  // Only the characters the states expect next lead anywhere new, so each set of states is
  // stepped by at most cap + 1 symbols, not by every character of every pattern.
  const symbols = (states: readonly number[]): string[] => {
    const out = new Set<string>([OTHER]);
    for (const s of states) {
      const k = Math.floor(s / 2) % STRIDE;
      const ch = chains[Math.floor(s / 2 / STRIDE)]!.chars[k];
      if (ch !== undefined) out.add(ch);
    }
    return [...out];
  };

  const step = (states: readonly number[], ch: string): number[] => {
    const out = new Set<number>();
    for (const s of states) {
      const loop = (s & 1) === 1;
      const k = Math.floor(s / 2) % STRIDE;
      const chainIndex = Math.floor(s / 2 / STRIDE);
      const chain = chains[chainIndex]!;
      if (loop) out.add(s);
      if (chain.chars[k] === ch) {
        out.add(id(chainIndex, k + 1, false));
        if (chain.loops[k + 1]) out.add(id(chainIndex, k + 1, true));
      }
    }
    return [...out].sort((a, b) => a - b);
  };

  const start = chains.map((_, i) => id(i, 0, false));
  const seen = new Set<string>([start.join(",")]);
  const queue: number[][] = [start];
  let max = start.length;
  const maxSubsets = 20_000;
  for (let head = 0; head < queue.length; head++) {
    const states = queue[head]!;
    for (const ch of symbols(states)) {
      const next = step(states, ch);
      if (next.length === 0) continue;
      if (next.length >= cap) return cap;
      max = Math.max(max, next.length);
      const key = next.join(",");
      if (seen.has(key)) continue;
      // Exploring this many distinct state sets already means heavy non-determinism.
      if (seen.size >= maxSubsets) return cap;
      seen.add(key);
      queue.push(next);
    }
  }
  return max;
}
