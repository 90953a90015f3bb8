import { type ArnScope, busArn, DEFAULT_BUS } from "../../eventbridge/arns.js";
import type { CompiledPattern } from "../../eventbridge/pattern/index.js";
import { RuleIndex } from "../../eventbridge/pattern/index.js";
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

/** Patterns compiled per record, so a view rebuilt after one rule write compiles only that rule. */
const compiledPatterns = new WeakMap<RuleRecord | ArchiveRecord, CompiledPattern>();
function compiled(record: RuleRecord | ArchiveRecord, pattern: string): CompiledPattern {
  let found = compiledPatterns.get(record);
  if (!found) {
    found = compilePattern(pattern);
    compiledPatterns.set(record, found);
  }
  return found;
}

/**
 * Compiled buses in memory. Views are immutable: a reader keeps the one it got.
 * - Rule writes go through `putRule` / `deleteRule`, which store the rule and then replace a cached
 *   view with one that has the written rule (no reload of the bus), unless another write to the bus
 *   overlapped it (their order at the store is unknown), in which case the view is dropped.
 * - Other writes (buses, archives) call `invalidate`.
 * Either way the bus's generation moves on: loads that started before a write are not kept (the
 * generation check), so a reader never caches a view older than the last write.
 */
export class BusCache {
  private readonly views = new Map<string, Promise<BusView | undefined>>();
  /** The settled view behind `views`, when there is one: what a rule write updates in place. */
  private readonly ready = new Map<string, BusView>();
  private readonly generations = new Map<string, number>();
  /** Rule writes in flight per bus, and whether any of them overlapped another. */
  private readonly writing = new Map<string, { active: number; overlapped: boolean }>();

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
      if (this.views.get(bus) === loading) this.views.delete(bus);
      throw err;
    });
    this.views.set(bus, loading);
    void loading.then(
      (view) => {
        if (this.views.get(bus) !== loading) return;
        const stale = (this.generations.get(bus) ?? 0) !== generation;
        if (stale) this.views.delete(bus);
        else if (view) this.ready.set(bus, view);
      },
      () => {},
    );
    return loading;
  }

  invalidate(bus: string): void {
    this.generations.set(bus, (this.generations.get(bus) ?? 0) + 1);
    this.views.delete(bus);
    this.ready.delete(bus);
  }

  /** Stores a rule (new or changed) and keeps its bus's view current. */
  putRule(rule: RuleRecord): Promise<void> {
    return this.write(
      rule.bus,
      () => this.store.putRule(rule),
      (rules) => rules.set(rule.name, rule),
    );
  }

  /** Deletes a rule and keeps its bus's view current. */
  deleteRule(bus: string, name: string): Promise<void> {
    return this.write(
      bus,
      () => this.store.deleteRule(bus, name),
      (rules) => rules.delete(name),
    );
  }

  private async write(
    bus: string,
    store: () => Promise<void>,
    change: (rules: Map<string, RuleRecord>) => void,
  ): Promise<void> {
    const state = this.writing.get(bus) ?? { active: 0, overlapped: false };
    state.active++;
    if (state.active > 1) state.overlapped = true;
    this.writing.set(bus, state);
    let stored = false;
    try {
      await store();
      stored = true;
    } finally {
      state.active--;
      const view = this.ready.get(bus);
      if (!stored || state.overlapped || !view) this.invalidate(bus);
      else {
        this.generations.set(bus, (this.generations.get(bus) ?? 0) + 1);
        const rules = new Map(view.rules);
        change(rules);
        const next = buildView(view.bus, rules, [...view.archives.values()]);
        this.ready.set(bus, next);
        this.views.set(bus, Promise.resolve(next));
      }
      if (state.active === 0) this.writing.delete(bus);
    }
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
    return buildView(bus, new Map(rules.map((r) => [r.name, r])), archives);
  }
}

/** Rules in the store's order (by name), as a load from the store would list them. */
function buildView(bus: BusRecord, rules: Map<string, RuleRecord>, archives: ArchiveRecord[]): BusView {
  const sorted = new Map([...rules].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const index = new RuleIndex<IndexEntry>();
  for (const rule of sorted.values()) {
    if (rule.eventPattern) index.add({ kind: "rule", rule }, compiled(rule, rule.eventPattern));
  }
  for (const archive of archives) {
    if (archive.eventPattern)
      index.add({ kind: "archive", archive }, compiled(archive, archive.eventPattern));
  }
  return {
    bus,
    rules: sorted,
    archives: new Map(archives.map((a) => [a.name, a])),
    index,
    archivesOfAll: archives.filter((a) => !a.eventPattern && a.state === "ENABLED"),
  };
}
