import { RuleIndex } from "../pattern/index.js";
import { type ArnScope, busArn, DEFAULT_BUS } from "./arns.js";
import { compilePattern } from "./patterns.js";
import type { ArchiveRecord, BusRecord, RuleRecord } from "./records.js";
import type { EngineStore } from "./store.js";

/** Everything PutEvents needs about one bus, loaded once and kept until a rule or archive changes. */
export interface BusView {
  bus: BusRecord;
  rules: Map<string, RuleRecord>;
  archives: Map<string, ArchiveRecord>;
  /** Rules and archives with a pattern, compiled together: one match call finds both. */
  index: RuleIndex<IndexEntry>;
  /** Archives without a pattern keep every event that is not a replay. */
  archivesOfAll: ArchiveRecord[];
}

export type IndexEntry = { kind: "rule"; rule: RuleRecord } | { kind: "archive"; archive: ArchiveRecord };

/** The default bus exists in every account, whether or not anything was ever stored for it. */
export function defaultBus(scope: ArnScope): BusRecord {
  const epoch = new Date(0).toISOString();
  return { name: DEFAULT_BUS, arn: busArn(scope, DEFAULT_BUS), createdAt: epoch, updatedAt: epoch };
}

/**
 * Compiled buses in memory. A write to a bus's rules or archives calls `invalidate`; loads that
 * started before an invalidation are not kept (the generation check), so a reader never caches a
 * view older than the last write.
 */
export class BusCache {
  private readonly views = new Map<string, Promise<BusView | undefined>>();
  private readonly generations = new Map<string, number>();

  constructor(
    private readonly store: EngineStore,
    private readonly scope: ArnScope,
  ) {}

  /** The bus's view, or undefined when the bus does not exist. */
  get(bus: string): Promise<BusView | undefined> {
    const cached = this.views.get(bus);
    if (cached) return cached;
    const generation = this.generations.get(bus) ?? 0;
    const loading = this.load(bus).catch((err) => {
      this.views.delete(bus);
      throw err;
    });
    this.views.set(bus, loading);
    void loading.then(() => {
      const stale = (this.generations.get(bus) ?? 0) !== generation;
      if (stale && this.views.get(bus) === loading) this.views.delete(bus);
    });
    return loading;
  }

  invalidate(bus: string): void {
    this.generations.set(bus, (this.generations.get(bus) ?? 0) + 1);
    this.views.delete(bus);
  }

  private async load(name: string): Promise<BusView | undefined> {
    const [stored, rules, archiveNames] = await Promise.all([
      this.store.getBus(name),
      this.store.allRules(name),
      this.store.archiveNamesOfBus(name),
    ]);
    const bus = stored ?? (name === DEFAULT_BUS ? defaultBus(this.scope) : undefined);
    if (!bus) return undefined;
    const archives = (await Promise.all(archiveNames.map((a) => this.store.getArchive(a)))).filter(
      (a): a is ArchiveRecord => a !== undefined,
    );
    const index = new RuleIndex<IndexEntry>();
    for (const rule of rules) {
      if (rule.eventPattern) index.add({ kind: "rule", rule }, compilePattern(rule.eventPattern));
    }
    for (const archive of archives) {
      if (archive.eventPattern) index.add({ kind: "archive", archive }, compilePattern(archive.eventPattern));
    }
    return {
      bus,
      rules: new Map(rules.map((r) => [r.name, r])),
      archives: new Map(archives.map((a) => [a.name, a])),
      index,
      archivesOfAll: archives.filter((a) => !a.eventPattern && a.state === "ENABLED"),
    };
  }
}
