/** Reading what commands are given: files, JSON arguments (inline or `@file`), durations. */
import { readFile } from "node:fs/promises";
import { CliError } from "./context.js";

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** A file's text (`/dev/stdin` reads standard input). */
export async function readTextFile(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(`Cannot read ${file}: ${code === "ENOENT" ? "no such file" : (code ?? String(err))}.`);
  }
}

/**
 * A JSON argument as text: inline (`'{"a":1}'`), from a file (`@event.json`) or stdin (`-`). The
 * text is checked to be JSON and sent as written, so big numbers keep their digits.
 */
export async function jsonArgument(value: string, name: string): Promise<string> {
  const text =
    value === "-" ? await readStdin() : value.startsWith("@") ? await readTextFile(value.slice(1)) : value;
  try {
    JSON.parse(text);
  } catch (err) {
    throw new CliError(`--${name} is not JSON: ${(err as Error).message}.`, 2);
  }
  return text.trim();
}

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90s`, `10m`, `2h`, `1d` (or plain seconds) in milliseconds. */
export function duration(value: string, name: string): number {
  const m = /^(\d+(?:\.\d+)?)(s|m|h|d)?$/.exec(value.trim());
  if (!m) throw new CliError(`--${name} takes a duration such as 90s, 10m, 2h or 1d, not ${value}.`, 2);
  return Number(m[1]) * UNITS[m[2] ?? "s"]!;
}

/** An ISO 8601 time, or a duration ago (`10m` = ten minutes ago). */
export function pointInTime(value: string, name: string, now = Date.now()): Date {
  if (/^\d+(\.\d+)?[smhd]$/.test(value)) return new Date(now - duration(value, name));
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new CliError(`--${name} takes an ISO 8601 time (2026-01-01T10:00:00Z) or a duration ago (10m).`, 2);
  }
  return date;
}
