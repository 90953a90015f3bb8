/**
 * Event pattern matching throughput: one event set against 1, 100 and 1,000 rules in a RuleIndex.
 * The 1-rule rate is the baseline, so the ratio shows how cost grows with the rule count (budget:
 * 1,000 rules keep at least half the 1-rule rate). A last row shows what the index saves over
 * checking 1,000 patterns one by one.
 */
import {
  type CompiledPattern,
  matchesEventPattern,
  RuleIndex,
  validateEventPattern,
} from "../../api/eventbridge/pattern/index.js";
import { type BenchRow, measure } from "./lib.js";

const SOURCES = Array.from({ length: 50 }, (_, i) => `com.example.svc${i}`);
const TYPES = ["Order Placed", "Order Shipped", "Payment Failed", "Invoice Created", "User Signed Up"];
const REGIONS = ["eu-west-1", "eu-central-1", "us-east-1", "ap-south-1"];
const STATUSES = ["pending", "processing", "shipped", "cancelled"];

/** Deterministic PRNG so every run measures the same rules and events. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A realistic rule: source and detail-type, plus content filters using most operators. */
function rule(i: number): CompiledPattern {
  const detail: Record<string, unknown> = {
    status: i % 3 === 0 ? [{ "anything-but": "cancelled" }] : [STATUSES[i % STATUSES.length]],
    amount: [{ numeric: [">", i % 500, "<=", 10_000] }],
  };
  if (i % 2 === 0) detail.region = [{ prefix: "eu-" }];
  if (i % 5 === 0) detail.customer = { email: [{ suffix: "@example.com" }] };
  if (i % 7 === 0) detail.items = { sku: [{ wildcard: "SKU-*-XL" }] };
  const pattern = {
    source: [SOURCES[i % SOURCES.length]],
    "detail-type": [TYPES[Math.floor(i / SOURCES.length) % TYPES.length]],
    detail,
  };
  const compiled = validateEventPattern(pattern);
  if (!compiled.ok) throw new Error(compiled.message);
  return compiled.pattern;
}

/** A PutEvents-shaped event of roughly 700 bytes, as the JSON text the bus receives. */
function event(r: () => number, n: number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  return JSON.stringify({
    version: "0",
    id: `6a7e8feb-b491-4cf7-a9f1-bf3703467${String(n).padStart(3, "0")}`,
    "detail-type": pick(TYPES),
    source: pick(SOURCES),
    account: "123456789012",
    time: "2026-11-26T10:00:00Z",
    region: "us-east-1",
    resources: [`arn:aws:events:us-east-1:123456789012:event-bus/orders-${n % 7}`],
    detail: {
      orderId: `o-${n}`,
      status: pick(STATUSES),
      amount: Math.round(r() * 2000 * 100) / 100,
      currency: "EUR",
      region: pick(REGIONS),
      customer: {
        id: `c-${n % 97}`,
        email: `user${n}@${r() < 0.5 ? "example.com" : "example.org"}`,
        tier: "gold",
      },
      items: Array.from({ length: 1 + Math.floor(r() * 3) }, (_, k) => ({
        sku: `SKU-${n}-${pick(["S", "M", "XL"])}`,
        qty: 1 + k,
        price: 19.99,
      })),
    },
  });
}

export default async function (): Promise<BenchRow[]> {
  const r = prng(42);
  const events = Array.from({ length: 500 }, (_, n) => event(r, n));
  const rules = Array.from({ length: 1000 }, (_, i) => rule(i));

  const indexOf = (count: number) => {
    const index = new RuleIndex<number>();
    for (let i = 0; i < count; i++) index.add(i, rules[i]!);
    index.match(events[0]!); // builds the index outside the measurement
    return index;
  };
  const rate = async (fn: (e: string) => unknown, iterations = 30_000) => {
    let i = 0;
    const run = await measure(() => fn(events[i++ % events.length]!), iterations, iterations / 10);
    return run.opsPerSec;
  };

  const counts = [1, 100, 1000] as const;
  const indexes = new Map(counts.map((count) => [count, indexOf(count)] as const));
  const rates = new Map<number, number>();
  let matched = 0;
  // Interleaved rounds, best of each: JIT warm-up and noise from other processes hit every count alike.
  for (let round = 0; round < 4; round++) {
    for (const count of counts) {
      const index = indexes.get(count)!;
      const value = await rate((e) => {
        matched += index.match(e).length;
      }, 10_000);
      rates.set(count, Math.max(rates.get(count) ?? 0, value));
    }
  }
  // Parses the event once, then walks it once per pattern.
  const naive = await rate((e) => {
    const parsed = JSON.parse(e) as object;
    return rules.filter((p) => matchesEventPattern(p, parsed)).length;
  }, 300);
  if (matched === 0) throw new Error("the benchmark rules never match: it would measure nothing");

  const one = rates.get(1)!;
  const baseline = { name: "RuleIndex, 1 rule", value: one };
  return [
    ...counts.map(
      (count): BenchRow => ({
        name: `RuleIndex.match, ${count.toLocaleString("en-US")} rule${count === 1 ? "" : "s"} (event as JSON text)`,
        unit: "events/s",
        value: rates.get(count)!,
        baseline,
        better: "higher",
        ...(count === 1000 ? { target: ">= 0.5x" } : {}),
      }),
    ),
    {
      name: "1,000 patterns checked one by one (no index)",
      unit: "events/s",
      value: naive,
      baseline: { name: "RuleIndex, 1,000 rules", value: rates.get(1000)! },
      better: "higher",
    },
  ];
}
