/**
 * IP addresses as event-ruler sees them: a string that looks like an IPv4/IPv6 literal becomes the
 * upper-case hex of its bytes (8 digits for IPv4, 32 for IPv6), so equal addresses in different
 * spellings compare equal and CIDR blocks become ranges of same-length hex strings.
 */

const IPV4_SHAPE = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const IPV6_SHAPE = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;

export function looksLikeIp(text: string): boolean {
  return IPV4_SHAPE.test(text) || IPV6_SHAPE.test(text);
}

/** The address bytes, or undefined when the text is not a valid literal of either family. */
export function ipBytes(text: string): number[] | undefined {
  if (IPV4_SHAPE.test(text)) return ipv4Bytes(text);
  if (IPV6_SHAPE.test(text)) return ipv6Bytes(text);
  return undefined;
}

function ipv4Bytes(text: string): number[] | undefined {
  const parts = text.split(".");
  const bytes: number[] = [];
  for (const part of parts) {
    // Leading zeros are ambiguous (octal?) and rejected, as current JDKs do.
    if (part.length > 3 || (part.length > 1 && part.startsWith("0"))) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    bytes.push(n);
  }
  return bytes;
}

function ipv6Bytes(text: string): number[] | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groupsOf = (s: string) => (s === "" ? [] : s.split(":"));
  const head = groupsOf(halves[0] ?? "");
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? "") : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  const bytes: number[] = [];
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    const n = Number.parseInt(g, 16);
    bytes.push(n >> 8, n & 0xff);
  }
  // Java's InetAddress turns an IPv4-mapped IPv6 address into the IPv4 address.
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff)
    return bytes.slice(12);
  return bytes;
}

export function toHex(bytes: readonly number[]): string {
  let out = "";
  for (const b of bytes) out += (b < 16 ? "0" : "") + b.toString(16).toUpperCase();
  return out;
}

/** Hex form of an IP literal, or undefined for anything else. */
export function ipHex(text: string): string | undefined {
  const bytes = ipBytes(text);
  return bytes ? toHex(bytes) : undefined;
}

export interface HexRange {
  lo: string;
  hi: string;
}

/** event-ruler's `CIDR.cidr`: validates and returns the inclusive hex range, or an error message. */
export function parseCidr(text: string): HexRange | string {
  // Java's String.split drops trailing empty parts: "10.0.0.0/" has one part.
  const parts = text.split("/");
  while (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
  if (parts.length !== 2) return "Malformed CIDR, one '/' required";
  const [address = "", maskText = ""] = parts;
  if (!/^[+-]?\d+$/.test(maskText) || Math.abs(Number(maskText)) > 2147483647) {
    return "Malformed CIDR, mask bits must be an integer";
  }
  const maskBits = Number(maskText);
  if (maskBits < 0) return "Malformed CIDR, mask bits must not be negative";
  const bytes = ipBytes(address);
  if (!bytes)
    return looksLikeIp(address) ? `Invalid IP address: ${address}` : `Nonstandard IP address: ${address}`;
  if (bytes.length === 4 && maskBits > 31) return "IPv4 mask bits must be < 32";
  if (bytes.length === 16 && maskBits > 127) return "IPv6 mask bits must be < 128";
  let hostBits = bytes.length * 8 - maskBits;
  const top = bytes.slice();
  for (let i = top.length - 1; i >= 0 && hostBits > 0; i--, hostBits -= 8) {
    top[i] = hostBits >= 8 ? 0xff : (top[i] ?? 0) | ((1 << hostBits) - 1);
  }
  return { lo: toHex(bytes), hi: toHex(top) };
}
