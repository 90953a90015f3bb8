/**
 * When an EventBridge schedule expression fires, for the embedded engine (pure). `rate(N unit)`
 * fires at every multiple of its period since the epoch (AWS counts from the rule's creation; the
 * local clock is driven, so alignment is what makes it predictable); `cron(...)` fires on every
 * minute (UTC) its six fields match. Cron's `L`, `W` and `#` are not evaluated locally: such a rule
 * never fires here (the compiler accepts them, as AWS does).
 */

const UNIT_MS: Readonly<Record<string, number>> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/** One cron field as the set of values it allows, or undefined when it cannot be evaluated here. */
function field(
  text: string,
  min: number,
  max: number,
  names: readonly string[] = [],
): Set<number> | undefined {
  const out = new Set<number>();
  const value = (v: string): number => {
    const byName = names.indexOf(v.toUpperCase());
    return byName >= 0 ? byName + 1 : Number(v);
  };
  for (const part of text.split(",")) {
    const [range = "", stepText] = part.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) return undefined;
    let from: number;
    let to: number;
    if (range === "*" || range === "?") [from, to] = [min, max];
    else if (range.includes("-")) [from, to] = range.split("-").map(value) as [number, number];
    else {
      from = value(range);
      to = stepText === undefined ? from : max;
    }
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < min || to > max) return undefined;
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return out;
}

type Matcher = (at: Date) => boolean;

/** A matcher for a six-field cron body, or undefined when it uses what is not evaluated here. */
function cronMatcher(body: string): Matcher | undefined {
  const [minutes, hours, dom, month, dow, year] = body.trim().split(/\s+/);
  if (year === undefined) return undefined;
  // Day-of-week is 1-7 (SUN-SAT) in EventBridge; names map to the same numbers.
  const sets = [
    field(minutes!, 0, 59),
    field(hours!, 0, 23),
    dom === "?" ? undefined : field(dom!, 1, 31),
    field(month!, 1, 12, MONTHS),
    dow === "?" ? undefined : field(dow!, 1, 7, DAYS),
    field(year, 1970, 2199),
  ];
  if (!sets[0] || !sets[1] || !sets[3] || !sets[5]) return undefined;
  if (dom !== "?" && !sets[2]) return undefined;
  if (dow !== "?" && !sets[4]) return undefined;
  const [m, h, d, mo, w, y] = sets;
  return (at) =>
    m!.has(at.getUTCMinutes()) &&
    h!.has(at.getUTCHours()) &&
    (d === undefined || d.has(at.getUTCDate())) &&
    mo!.has(at.getUTCMonth() + 1) &&
    (w === undefined || w.has(at.getUTCDay() + 1)) &&
    y!.has(at.getUTCFullYear());
}

/**
 * The times in `(after, until]` at which `expression` fires, oldest first, at most `limit` of them
 * (the newest are kept: a clock that jumps far ahead does not replay a backlog without end).
 */
export function dueTimes(expression: string, after: Date, until: Date, limit: number): Date[] {
  const times: Date[] = [];
  const rate = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(expression);
  if (rate) {
    const period = Number(rate[1]) * UNIT_MS[rate[2]!]!;
    if (period <= 0) return [];
    const last = Math.floor(until.getTime() / period) * period;
    for (let t = last; t > after.getTime() && times.length < limit; t -= period) times.push(new Date(t));
    return times.reverse();
  }
  const cron = /^cron\((.*)\)$/.exec(expression);
  const matches = cron ? cronMatcher(cron[1]!) : undefined;
  if (!matches) return [];
  // Minute by minute, newest first, within a bounded look-back (a week of minutes).
  const lastMinute = Math.floor(until.getTime() / 60_000) * 60_000;
  const stop = Math.max(after.getTime(), lastMinute - 7 * 86_400_000);
  for (let t = lastMinute; t > stop && times.length < limit; t -= 60_000) {
    const at = new Date(t);
    if (matches(at)) times.push(at);
  }
  return times.reverse();
}
