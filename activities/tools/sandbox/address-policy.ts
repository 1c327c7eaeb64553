/**
 * Which IP addresses a tool may connect to without the operator's say-so.
 *
 * Judged on the *address*, after parsing, never on how the host name was spelled:
 * the WHATWG URL parser has already turned `2130706433`, `0177.0.0.1` and `0x7f.1`
 * into `127.0.0.1`, and DNS answers are judged the same way, so a public name that
 * resolves to an internal address (DNS rebinding) is refused too.
 *
 * IPv6 forms that embed an IPv4 address (mapped `::ffff:a.b.c.d`, NAT64
 * `64:ff9b::/96`, 6to4 `2002::/16`) are judged by the embedded IPv4 address;
 * the deprecated IPv4-compatible `::a.b.c.d` and Teredo are refused outright.
 */
import { BlockList, isIP } from 'node:net';

const NON_PUBLIC_V4: readonly [string, number][] = [
  ['0.0.0.0', 8], // "this network", includes 0.0.0.0
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, includes the cloud metadata address 169.254.169.254
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking, used inside some networks
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, includes broadcast
];

const NON_PUBLIC_V6: readonly [string, number][] = [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['::', 96], // IPv4-compatible (deprecated)
  ['100::', 64], // discard
  ['2001::', 32], // Teredo (tunnels to an arbitrary IPv4 address)
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
];

const blocked = new BlockList();
for (const [network, prefix] of NON_PUBLIC_V4) blocked.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of NON_PUBLIC_V6) blocked.addSubnet(network, prefix, 'ipv6');

/** True only for a syntactically valid address that is routable on the public internet. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !blocked.check(address, 'ipv4');
  if (family !== 6) return false;
  const embedded = embeddedIPv4(address);
  if (embedded !== undefined) return isPublicAddress(embedded);
  return !blocked.check(address, 'ipv6');
}

/** The IPv4 address carried inside a mapped, NAT64 or 6to4 IPv6 address, if any. */
function embeddedIPv4(address: string): string | undefined {
  const words = expandIPv6(address);
  if (words === undefined) return undefined;
  const word = (index: number): number => words[index] ?? 0;
  const asIPv4 = (high: number, low: number): string => `${word(high) >> 8}.${word(high) & 0xff}.${word(low) >> 8}.${word(low) & 0xff}`;
  const zero = (from: number, to: number): boolean => words.slice(from, to).every((value) => value === 0);
  if (zero(0, 5) && word(5) === 0xffff) return asIPv4(6, 7); // ::ffff:a.b.c.d
  if (word(0) === 0x64 && word(1) === 0xff9b && zero(2, 6)) return asIPv4(6, 7); // 64:ff9b::a.b.c.d
  if (word(0) === 0x2002) return asIPv4(1, 2); // 2002:AABB:CCDD::
  return undefined;
}

/** Eight 16-bit words, or undefined if `address` is not IPv6 text we understand. */
function expandIPv6(address: string): number[] | undefined {
  let text = address.toLowerCase();
  const zoneAt = text.indexOf('%');
  if (zoneAt !== -1) text = text.slice(0, zoneAt);
  // A dotted IPv4 tail becomes two hex words so the rest is uniform.
  const tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (tail !== null) {
    const [a = 0, b = 0, c = 0, d = 0] = tail.slice(1).map(Number);
    text = `${text.slice(0, tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string | undefined): number[] => (part === undefined || part === '' ? [] : part.split(':').map((word) => parseInt(word, 16)));
  const head = parse(halves[0]);
  const rest = halves.length === 2 ? parse(halves[1]) : [];
  const missing = 8 - head.length - rest.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return undefined;
  const words = [...head, ...new Array<number>(missing).fill(0), ...rest];
  return words.every((word) => Number.isInteger(word) && word >= 0 && word <= 0xffff) ? words : undefined;
}
