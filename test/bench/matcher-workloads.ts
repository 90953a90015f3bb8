/**
 * The two matcher workloads of issue #22, generated from a fixed seed so every run (and the
 * event-ruler harness fed from `MATCHER_EXPORT`) measures the same rules and events:
 * - mixed: ~1.2 KB events (envelope + nested detail with objects, arrays of objects, numbers,
 *   booleans, nulls) and rules mixing exact, prefix, suffix, equals-ignore-case, numeric ranges,
 *   anything-but, exists, `$or` and wildcard;
 * - simple: events of 2-4 fields and rules of exact and prefix values.
 */

/** mulberry32: a tiny deterministic PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

export interface Workload {
  name: string;
  /** Rule patterns as JSON text, in the order they are added (rule i is named `r<i>`). */
  rules: string[];
  /** Events as JSON text. */
  events: string[];
}

const SOURCES = Array.from(
  { length: 40 },
  (_, i) => `com.example.${["orders", "billing", "shipping", "users"][i % 4]}${i}`,
);
const TYPES = [
  "Order Placed",
  "Order Shipped",
  "Order Cancelled",
  "Payment Failed",
  "Invoice Created",
  "User Signed Up",
];
const REGIONS = ["eu-west-1", "eu-central-1", "us-east-1", "us-west-2", "ap-south-1"];
const STATUSES = ["pending", "processing", "shipped", "cancelled", "refunded"];
const TIERS = ["gold", "silver", "bronze", "Platinum"];
const COUNTRIES = ["DE", "FR", "US", "IN", "BR", "JP"];
const METHODS = ["standard", "express-air", "express-ground", "pickup"];
const CURRENCIES = ["EUR", "USD", "INR"];

function mixedEvent(r: Rand, n: number): string {
  const items = Array.from({ length: int(r, 2, 4) }, (_, k) => ({
    sku: `SKU-${int(r, 100, 999)}-${pick(r, ["S", "M", "L", "XL"])}`,
    qty: int(r, 1, 5),
    price: Math.round(r() * 20000) / 100,
    gift: r() < 0.2,
    tags: [pick(r, ["new", "sale", "bulk"]), `k${k}`],
  }));
  return JSON.stringify({
    version: "0",
    id: `6a7e8feb-b491-4cf7-a9f1-${String(100000000000 + n).slice(-12)}`,
    "detail-type": pick(r, TYPES),
    source: pick(r, SOURCES),
    account: "123456789012",
    time: `2026-11-${String(int(r, 10, 28))}T10:${String(int(r, 10, 59))}:00Z`,
    region: pick(r, REGIONS),
    resources: [
      `arn:aws:events:us-east-1:123456789012:event-bus/orders-${n % 7}`,
      `arn:aws:dynamodb:us-east-1:123456789012:table/orders-${n % 3}`,
    ],
    detail: {
      orderId: `o-${n}`,
      status: pick(r, STATUSES),
      amount: Math.round(r() * 200000) / 100,
      currency: pick(r, CURRENCIES),
      priority: r() < 0.3,
      coupon: r() < 0.5 ? null : `SAVE${int(r, 5, 30)}`,
      customer: {
        id: `c-${int(r, 1, 500)}`,
        name: pick(r, ["Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra"]),
        email: `user${int(r, 1, 999)}@${pick(r, ["example.com", "example.org", "mail.test"])}`,
        tier: pick(r, TIERS),
        address: {
          street: `${int(r, 1, 200)} ${pick(r, ["Main Street", "Rue de Rivoli", "Hauptstrasse"])}`,
          country: pick(r, COUNTRIES),
          city: pick(r, ["Berlin", "Paris", "Austin", "Pune"]),
          zip: String(int(r, 10000, 99999)),
        },
        phone: `+49 30 ${int(r, 1000000, 9999999)}`,
        marketingOptIn: r() < 0.5,
      },
      items,
      shipping: { method: pick(r, METHODS), express: r() < 0.4, cost: Math.round(r() * 3000) / 100 },
      notes: pick(r, [
        "Leave at the back door, ring twice.",
        "Gift wrap every item separately, no invoice inside.",
        "",
      ]),
      metadata: {
        traceId: `Root=1-${(n * 2654435761).toString(16)}-${(n * 40503).toString(16)}`,
        retries: int(r, 0, 3),
        replayed: false,
        client: {
          userAgent: "Mozilla/5.0 (X11; Linux x86_64) Shop/4.2",
          ip: `10.0.${int(r, 0, 255)}.${int(r, 1, 254)}`,
        },
      },
    },
  });
}

/** One detail condition of a mixed rule, by kind. */
function mixedCondition(r: Rand, kind: number): [path: string[], values: unknown[]] {
  switch (kind) {
    case 0:
      return [["status"], [pick(r, STATUSES), pick(r, STATUSES)]];
    case 1:
      return [["status"], [{ "anything-but": [pick(r, STATUSES), pick(r, STATUSES)] }]];
    case 2: {
      const lo = int(r, 0, 1500);
      return [["amount"], [{ numeric: [">=", lo, "<", lo + int(r, 100, 1000)] }]];
    }
    case 3:
      return [["customer", "tier"], [{ "equals-ignore-case": pick(r, TIERS).toUpperCase() }]];
    case 4:
      return [
        ["customer", "email"],
        [{ suffix: `@${pick(r, ["example.com", "example.org", "mail.test"])}` }],
      ];
    case 5:
      return [
        ["customer", "address", "country"],
        [pick(r, COUNTRIES), pick(r, COUNTRIES)],
      ];
    case 6:
      return [["items", "sku"], [{ wildcard: `SKU-${int(r, 1, 9)}*-${pick(r, ["S", "M", "L", "XL"])}` }]];
    case 7:
      return [["items", "qty"], [{ numeric: [">", int(r, 1, 4)] }]];
    case 8:
      return [["priority"], [r() < 0.5]];
    case 9:
      return [["coupon"], [{ exists: r() < 0.5 }]];
    case 10:
      return [["shipping", "method"], [{ "anything-but": { prefix: "express" } }]];
    case 11:
      return [["currency"], [{ prefix: pick(r, ["E", "US", "I"]) }]];
    default:
      return [["items", "gift"], [true]];
  }
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const k of path.slice(0, -1)) {
    node[k] ??= {};
    node = node[k] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

function mixedRule(r: Rand): string {
  const pattern: Record<string, unknown> = {};
  const roll = r();
  pattern.source =
    roll < 0.8 ? [pick(r, SOURCES)] : [{ prefix: `com.example.${pick(r, ["orders", "billing"])}` }];
  if (r() < 0.85) {
    pattern["detail-type"] =
      r() < 0.8 ? [pick(r, TYPES)] : [{ "equals-ignore-case": pick(r, TYPES).toLowerCase() }];
  }
  if (r() < 0.2) pattern.region = [{ prefix: pick(r, ["eu-", "us-", "ap-"]) }];
  const detail: Record<string, unknown> = {};
  const conditions = int(r, 1, 4);
  for (let i = 0; i < conditions; i++) {
    const [path, values] = mixedCondition(r, int(r, 0, 12));
    setPath(detail, path, values);
  }
  if (r() < 0.15) {
    detail.$or = [{ shipping: { express: [true] } }, { amount: [{ numeric: [">", int(r, 500, 1800)] }] }];
  }
  pattern.detail = detail;
  return JSON.stringify(pattern);
}

function simpleEvent(r: Rand): string {
  const e: Record<string, unknown> = { source: pick(r, SOURCES), "detail-type": pick(r, TYPES) };
  if (r() < 0.6) e.region = pick(r, REGIONS);
  if (r() < 0.4) e.account = pick(r, ["123456789012", "210987654321"]);
  return JSON.stringify(e);
}

function simpleRule(r: Rand): string {
  const p: Record<string, unknown> = {
    source: r() < 0.8 ? [pick(r, SOURCES)] : [{ prefix: `com.example.${pick(r, ["orders", "users"])}` }],
  };
  if (r() < 0.7) p["detail-type"] = [pick(r, TYPES)];
  if (r() < 0.3) p.region = [{ prefix: pick(r, ["eu-", "us-"]) }];
  return JSON.stringify(p);
}

export function mixedWorkload(rules = 1000, events = 500): Workload {
  const r = prng(22);
  return {
    name: "mixed",
    rules: Array.from({ length: rules }, () => mixedRule(r)),
    events: Array.from({ length: events }, (_, n) => mixedEvent(r, n)),
  };
}

export function simpleWorkload(rules = 1000, events = 500): Workload {
  const r = prng(2222);
  return {
    name: "simple",
    rules: Array.from({ length: rules }, () => simpleRule(r)),
    events: Array.from({ length: events }, () => simpleEvent(r)),
  };
}
