/**
 * Workaround for an iterator leak in dynalite 4.0.0 (every Query and Scan left a LevelDB iterator
 * open for the life of the process).
 *
 * dynalite turns abstract-level's iterators into Node streams (`createValueStream` in
 * dynalite/db/index.js) and, when a stream ends or is destroyed, releases the iterator with
 * `iterator.return()`: the method of a JavaScript async iterator. abstract-level 3's iterators have
 * no `return()` (they are closed with `close()`), so dynalite's check `if (iterator.return)` is
 * false and nothing is closed. Each open iterator stays attached to the database (held in its set
 * of resources, never collected: about 800 bytes of heap plus a native LevelDB iterator), and with
 * classic-level it pins the LevelDB version it was opened on, so compaction cannot delete the
 * tables it has replaced: under steady writes the data folder grows without end (a restart frees
 * them). memory-level (tests) keeps the tree each iterator was opened on.
 *
 * The fix, until dynalite calls `close()` itself: give abstract-level's iterators the `return()`
 * dynalite expects, which closes them. It is added to each copy of abstract-level that dynalite's
 * `level` (classic-level) and `memory-level` load, and only where no `return` exists, so an
 * upstream fix takes over unchanged. test/unit/store/level-iterators.test.ts fails without it.
 */
import { createRequire } from "node:module";

interface Closable {
  close(): Promise<void>;
}

/** Resolves `name` the way `fromModule` (a resolved file path) would require it. */
function resolveFrom(fromModule: string, name: string): string {
  return createRequire(fromModule).resolve(name);
}

/** The files of abstract-level that dynalite's backends load (one, when npm hoisted it). */
export function abstractLevelCopies(): string[] {
  const dynalite = createRequire(import.meta.url).resolve("dynalite");
  const classicLevel = resolveFrom(resolveFrom(dynalite, "level"), "classic-level");
  const memoryLevel = resolveFrom(dynalite, "memory-level");
  return [...new Set([classicLevel, memoryLevel].map((backend) => resolveFrom(backend, "abstract-level")))];
}

let installed = false;

/** Makes dynalite close the LevelDB iterators of its Queries and Scans. Idempotent. */
export function closeLevelIteratorsOnReturn(): void {
  if (installed) return;
  installed = true;
  const load = createRequire(import.meta.url);
  for (const file of abstractLevelCopies()) {
    const { AbstractIterator } = load(file) as { AbstractIterator: { prototype: object } };
    // AbstractIterator, AbstractKeyIterator and AbstractValueIterator share this prototype.
    const common = Object.getPrototypeOf(AbstractIterator.prototype) as Record<string, unknown>;
    if (typeof common.return === "function") continue;
    Object.defineProperty(common, "return", {
      configurable: true,
      writable: true,
      value: async function (this: Closable, value?: unknown) {
        await this.close();
        return { done: true, value };
      },
    });
  }
}
