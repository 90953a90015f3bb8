/**
 * Event pattern matching (#22): the two workloads of matcher-workloads.ts at 1, 100 and 1,000
 * rules, events per CPU-second of RuleIndex.match (CPU time, so other processes on a shared
 * machine do not skew it) against the previous implementation kept as the baseline
 * (test/bench/matcher-baseline/), plus the rules' build time and the index's memory per rule.
 * Every point first checks that both give the same rules for every event.
 *
 * `MATCHER_EXPORT=dir` writes each workload's rules and events (and the expected matches) as JSON
 * for a harness running another matcher on the same input; `MATCHER_COMPARE=file` reads that
 * harness's events per CPU-second ({"mixed":{"1":n,...},...}) and prints them beside Switchyard's.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { getHeapStatistics, setFlagsFromString } from "node:v8";
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
  patterns.forEach((p, i) => {
    index.add(i, p);
  });
  index.match(first); // an index builds on its first match
  return index;
}

/** This process's CPU time in ms: unlike wall time, not inflated by other processes on the machine. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * Events matched per CPU-second over at least `ms` of CPU time, in batches of several passes over
 * the events timed as a whole (reading the CPU clock is a system call: not once per few events).
 */
function rate(index: Matcher, events: readonly string[], ms: number): number {
  let done = 0;
  let sink = 0;
  let passes = 1;
  const start = cpuMs();
  let elapsed = 0;
  while (elapsed < ms) {
    const batchStart = cpuMs();
    for (let p = 0; p < passes; p++) for (const e of events) sink += index.match(e).length;
    done += events.length * passes;
    const now = cpuMs();
    elapsed = now - start;
    if (now - batchStart < 5) passes *= 2;
  }
  if (sink < 0) throw new Error("unreachable");
  return (done / elapsed) * 1000;
}

function gcFunction(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

/**
 * Heap bytes per rule that an index of `count` rules holds beyond the compiled patterns: twenty
 * such indexes held at once (one alone is close to the heap's own noise), after two built and
 * dropped (so code and feedback the first builds allocate are not counted), between full GCs.
 */
function indexBytesPerRule(make: MatcherClass, w: Workload, count: number): number {
  const gc = gcFunction();
  const used = () => {
    for (let i = 0; i < 4; i++) gc();
    return getHeapStatistics().used_heap_size;
  };
  const patterns = compileAll(w.rules.slice(0, count));
  const index = () => {
    const built = new make();
    patterns.forEach((p, i) => {
      built.add(i, p);
    });
    built.match(w.events[0]!);
    return built;
  };
  index();
  index();
  const before = used();
  const indexes = Array.from({ length: 20 }, index);
  const after = used();
  if (indexes.some((built) => built.match(w.events[0]!).length < 0)) throw new Error("unreachable");
  return (after - before) / (count * indexes.length);
}

/** CPU milliseconds to build the index of `count` compiled rules (compiling them is shared code). */
function buildTime(make: MatcherClass, patterns: readonly CompiledPattern[], first: string): number {
  gcFunction()();
  const start = cpuMs();
  const index = new make();
  patterns.forEach((p, i) => {
    index.add(i, p);
  });
  index.match(first); // an index builds on its first match
  return cpuMs() - start;
}

/** The median of `rounds` measurements of each implementation, taken alternately. */
function alternating(rounds: number, measure: (make: MatcherClass) => number): number[] {
  const samples: number[][] = IMPLEMENTATIONS.map(() => []);
  for (let r = 0; r < rounds; r++) {
    IMPLEMENTATIONS.forEach(([, make], i) => {
      samples[i]!.push(measure(make));
    });
  }
  return samples.map((xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!);
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
  const memory: (() => void)[] = [];
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
        unit: "events/cpu-s",
        value: ours,
        baseline: { name: "previous RuleIndex", value: rates.get(`${IMPLEMENTATIONS[1]![0]}@${count}`)! },
        better: "higher",
      });
      const theirs = compare?.[w.name]?.[String(count)];
      if (theirs !== undefined) {
        rows.push({
          name: `${w.name}: RuleIndex.match, ${rules}, vs event-ruler (harness, same input, measured here)`,
          unit: "events/cpu-s",
          value: ours,
          baseline: { name: "event-ruler", value: theirs },
          better: "higher",
          target: count === 1000 && w.name === "mixed" ? ">= 3x" : ">= 1x",
        });
      }
    }
    // Build and heap measurements start from a full GC (a V8 flag set at run time): after every rate.
    memory.push(() => {
      // Milliseconds for 1,000 rules are microseconds per rule.
      const patterns = compileAll(w.rules);
      const [oursBuild, previousBuild] = alternating(15, (make) => buildTime(make, patterns, w.events[0]!));
      rows.push({
        name: `${w.name}: build the index of 1,000 compiled rules, per rule`,
        unit: "µs (CPU)",
        value: oursBuild!,
        baseline: { name: "previous RuleIndex", value: previousBuild! },
        better: "lower",
        target: "<= 1x",
      });
      const [oursBytes, previousBytes] = alternating(1, (make) => indexBytesPerRule(make, w, 1000));
      rows.push({
        name: `${w.name}: heap the index holds per rule at 1,000 rules (beyond the compiled patterns)`,
        unit: "bytes",
        value: oursBytes!,
        baseline: { name: "previous RuleIndex", value: previousBytes! },
        better: "lower",
        target: "<= 1x",
      });
    });
    if (exportDir) {
      mkdirSync(exportDir, { recursive: true });
      writeFileSync(
        path.join(exportDir, `${w.name}.json`),
        JSON.stringify({ rules: w.rules, events: w.events, expected: expectedByCount }),
      );
    }
  }
  for (const measureMemory of memory) measureMemory();
  return rows;
}
