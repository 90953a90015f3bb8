/**
 * Event pattern matching (#22): the two workloads of matcher-workloads.ts at 1, 100 and 1,000
 * rules, events/s of RuleIndex.match against the previous implementation kept as the baseline
 * (test/bench/matcher-baseline/), plus the rules' build time and memory per rule. Every point
 * first checks that both give the same rules for every event.
 *
 * `MATCHER_EXPORT=dir` writes each workload's rules and events (and the expected matches) as JSON
 * for a harness running another matcher on the same input; `MATCHER_COMPARE=file` reads that
 * harness's events/s ({"mixed":{"1":n,...},...}) and prints them beside Switchyard's.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import {
  type CompiledPattern,
  RuleIndex,
  validateEventPattern,
} from "../../api/eventbridge/pattern/index.js";
import type { BenchRow } from "./lib.js";
import { RuleIndex as BaselineIndex } from "./matcher-baseline/rule-index.js";
import { mixedWorkload, simpleWorkload, type Workload } from "./matcher-workloads.js";

const COUNTS = [1, 100, 1000] as const;

interface Matcher {
  add(key: number, pattern: CompiledPattern): void;
  match(event: string): number[];
}
type MatcherClass = new () => Matcher;

const IMPLEMENTATIONS: [name: string, make: MatcherClass][] = [
  ["Switchyard", RuleIndex as unknown as MatcherClass],
  ["baseline (previous RuleIndex)", BaselineIndex as unknown as MatcherClass],
];

function compileAll(texts: readonly string[]): CompiledPattern[] {
  return texts.map((text) => {
    const v = validateEventPattern(text);
    if (!v.ok) throw new Error(`${v.message}: ${text}`);
    return v.pattern;
  });
}

function build(make: MatcherClass, texts: readonly string[], count: number, first: string): Matcher {
  const index = new make();
  const patterns = compileAll(texts.slice(0, count));
  patterns.forEach((p, i) => index.add(i, p));
  index.match(first); // an index builds on its first match
  return index;
}

/** Events matched per second over at least `ms`, in batches timed as a whole. */
function rate(index: Matcher, events: readonly string[], ms: number): number {
  let done = 0;
  let sink = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (const e of events) sink += index.match(e).length;
    done += events.length;
    elapsed = performance.now() - start;
  }
  if (sink < 0) throw new Error("unreachable");
  return (done / elapsed) * 1000;
}

function gcFunction(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

/** Heap bytes per rule held by an index of `count` rules (patterns included), after full GCs. */
function memoryPerRule(make: MatcherClass, w: Workload, count: number): number {
  const gc = gcFunction();
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  const index = build(make, w.rules, count, w.events[0]!);
  gc();
  gc();
  const after = process.memoryUsage().heapUsed;
  if (index.match(w.events[0]!).length < 0) throw new Error("unreachable");
  return (after - before) / count;
}

/** Milliseconds to compile `count` rules from their text and build the index, best of `rounds`. */
function buildTime(make: MatcherClass, w: Workload, count: number, rounds = 5): number {
  let best = Infinity;
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    build(make, w.rules, count, w.events[0]!);
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

function checkAgreement(w: Workload, count: number, indexes: readonly Matcher[]): number[][] {
  const expected = w.events.map((e) => indexes[0]!.match(e));
  for (const other of indexes.slice(1)) {
    w.events.forEach((e, i) => {
      const got = other.match(e);
      if (JSON.stringify(got) !== JSON.stringify(expected[i])) {
        throw new Error(
          `${w.name}, ${count} rules, event ${i}: ${JSON.stringify(got)} vs ${JSON.stringify(expected[i])}`,
        );
      }
    });
  }
  return expected;
}

export default async function (): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const exportDir = process.env.MATCHER_EXPORT;
  const compare = process.env.MATCHER_COMPARE
    ? (JSON.parse(readFileSync(process.env.MATCHER_COMPARE, "utf8")) as Record<
        string,
        Record<string, number>
      >)
    : undefined;
  for (const w of [mixedWorkload(), simpleWorkload()]) {
    const expectedByCount: Record<number, number[][]> = {};
    const rates = new Map<string, number>();
    for (const count of COUNTS) {
      const indexes = IMPLEMENTATIONS.map(([, make]) => build(make, w.rules, count, w.events[0]!));
      expectedByCount[count] = checkAgreement(w, count, indexes);
      // Interleaved rounds, best of each: JIT warm-up and noise from other processes hit both alike.
      for (let round = 0; round < 5; round++) {
        indexes.forEach((index, i) => {
          const key = `${IMPLEMENTATIONS[i]![0]}@${count}`;
          rates.set(key, Math.max(rates.get(key) ?? 0, rate(index, w.events, 250)));
        });
      }
      const ours = rates.get(`Switchyard@${count}`)!;
      const rules = `${count.toLocaleString("en-US")} rule${count === 1 ? "" : "s"}`;
      rows.push({
        name: `${w.name}: RuleIndex.match, ${rules}`,
        unit: "events/s",
        value: ours,
        baseline: { name: "previous RuleIndex", value: rates.get(`${IMPLEMENTATIONS[1]![0]}@${count}`)! },
        better: "higher",
      });
      const theirs = compare?.[w.name]?.[String(count)];
      if (theirs !== undefined) {
        rows.push({
          name: `${w.name}: RuleIndex.match, ${rules}, vs event-ruler (harness, same input, measured here)`,
          unit: "events/s",
          value: ours,
          baseline: { name: "event-ruler", value: theirs },
          better: "higher",
          target: count === 1000 && w.name === "mixed" ? ">= 3x" : ">= 1x",
        });
      }
    }
    const [ours, previous] = IMPLEMENTATIONS.map(([, make]) => make);
    // Milliseconds for 1,000 rules are microseconds per rule.
    const perRule = (ms: number) => ms;
    rows.push({
      name: `${w.name}: compile 1,000 rules and build the index, per rule`,
      unit: "µs",
      value: perRule(buildTime(ours!, w, 1000)),
      baseline: { name: "previous RuleIndex", value: perRule(buildTime(previous!, w, 1000)) },
      better: "lower",
      target: "<= 1x",
    });
    rows.push({
      name: `${w.name}: heap per rule at 1,000 rules (patterns and index)`,
      unit: "bytes",
      value: memoryPerRule(ours!, w, 1000),
      baseline: { name: "previous RuleIndex", value: memoryPerRule(previous!, w, 1000) },
      better: "lower",
      target: "<= 1x",
    });
    if (exportDir) {
      mkdirSync(exportDir, { recursive: true });
      writeFileSync(
        path.join(exportDir, `${w.name}.json`),
        JSON.stringify({ rules: w.rules, events: w.events, expected: expectedByCount }),
      );
    }
  }
  return rows;
}
