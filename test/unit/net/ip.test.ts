// Addresses and CIDRs for the inventory, health and CNI checks, nets, notNets, ipBlock and network sets,
// IPv4 and IPv6: one parser, Go's net.ParseIP / net.ParseCIDR grammar, with the looser syntaxes callers
// have always read stated by name.
import { describe, expect, it } from 'vitest';
import {
  cidrContains,
  cidrSize,
  cidrsOverlap,
  cidrText,
  cidrWithin,
  formatIp,
  GO_SYNTAX,
  hasHostBits,
  hostNetwork,
  INVENTORY_SYNTAX,
  parseCidr,
  parseIp,
  POLICY_SYNTAX,
  type IpSyntax,
} from '../../../src/net/ip.js';

describe('CIDR containment', () => {
  it.each([
    ['10.0.0.0/8', '10.255.1.2', true],
    ['10.0.0.0/8', '11.0.0.1', false],
    ['0.0.0.0/0', '203.0.113.9', true],
    ['192.168.1.7', '192.168.1.7', true],
    ['192.168.1.7/32', '192.168.1.8', false],
    ['2001:db8::/32', '2001:db8:1::5', true],
    ['2001:db8::/32', '2001:db9::1', false],
    ['::ffff:10.0.0.0/104', '::ffff:10.1.2.3', true],
    ['10.0.0.0/8', '2001:db8::1', false],
  ])('%s contains %s: %s', (cidr, ip, expected) => {
    expect(cidrContains(parseCidr(cidr, POLICY_SYNTAX)!, parseIp(ip, POLICY_SYNTAX)!)).toBe(expected);
  });

  it.each(['10.0.0.0/33', '10.0.0/8', '256.0.0.1', '1::2::3', 'web', '10.0.0.0/8/1'])(
    '%s is rejected',
    (text) => {
      expect(parseCidr(text, POLICY_SYNTAX)).toBeUndefined();
    },
  );
});

describe('addresses as Go reads them', () => {
  it.each([
    ['0.0.0.0', 4, 0n],
    ['255.255.255.255', 4, 0xffffffffn],
    ['192.168.1.101', 4, 0xc0a80165n],
    ['::', 6, 0n],
    ['::1', 6, 1n],
    ['::ffff:1.2.3.4', 6, 0xffff01020304n],
    ['2001:db8::', 6, 0x20010db8n << 96n],
    ['FE80::A', 6, (0xfe80n << 112n) | 0xan],
    ['1:2:3:4:5:6:7:8', 6, 0x00010002000300040005000600070008n],
    ['1:2:3:4:5:6:7::', 6, 0x00010002000300040005000600070000n],
    ['1:2:3:4:5:6:1.2.3.4', 6, 0x00010002000300040005000601020304n],
    ['::1.2.3.4', 6, 0x01020304n],
  ])('%s is IPv%i %s', (text, version, value) => {
    expect(parseIp(text)).toEqual({ version, value, text });
  });

  it.each([
    ['', 'empty'],
    ['1.2.3', 'three parts'],
    ['1.2.3.4.5', 'five parts'],
    ['256.1.1.1', 'octet over 255'],
    ['01.2.3.4', 'leading zero (Go refuses it since 1.17)'],
    ['1.2.3.4 ', 'trailing blank'],
    ['1.2.3.-4', 'sign'],
    [':::', 'three colons'],
    ['1::2::3', 'two ::'],
    ['1:2:3:4:5:6:7:8:9', 'nine groups'],
    ['1:2:3:4:5:6:7', 'seven groups without ::'],
    ['1:2:3:4:5:6:7:8::', ':: standing for no group'],
    ['12345::', 'group of five digits'],
    ['g::1', 'not hex'],
    [':1', 'leading single colon'],
    ['1:', 'trailing single colon'],
    ['fe80::1%eth0', 'zone'],
    ['::ffff:1.2.3', 'short IPv4 tail'],
    ['::ffff:01.2.3.4', 'IPv4 tail with a leading zero'],
    ['1.2.3.4::', 'IPv4 part before ::'],
    ['1.2.3.4::1', 'IPv4 part not at the end'],
  ])('%j is refused (%s)', (text) => {
    expect(parseIp(text)).toBeUndefined();
  });
});

describe('CIDRs as Go reads them', () => {
  it.each([
    ['0.0.0.0/0', 4, 0, '0.0.0.0/0'],
    ['10.42.0.0/16', 4, 16, '10.42.0.0/16'],
    ['10.0.0.1/32', 4, 32, '10.0.0.1/32'],
    ['::/0', 6, 0, '::/0'],
    ['2001:db8::1/128', 6, 128, '2001:db8::1/128'],
    ['2001:db8:1:2::/32', 6, 32, '2001:db8::/32'],
    ['::ffff:1.2.3.4/96', 6, 96, '::ffff:0:0/96'],
  ])('%s is IPv%i /%i, canonically %s', (text, version, prefix, canonical) => {
    const c = parseCidr(text);
    expect(c).toMatchObject({ version, prefix, text });
    expect(cidrText(c!)).toBe(canonical);
  });

  it.each([
    ['10.0.0.1/8', true],
    ['10.0.0.0/8', false],
    ['::1/0', true],
    ['::/0', false],
    ['2001:db8::1/128', false],
    ['0.0.0.0/0', false],
  ])('%s has host bits set: %s', (text, expected) => {
    expect(hasHostBits(parseCidr(text)!)).toBe(expected);
  });

  it.each([
    ['10.0.0.0/33', 'IPv4 prefix over 32'],
    ['::/129', 'IPv6 prefix over 128'],
    ['10.0.0.0/08', 'prefix with a leading zero'],
    ['10.0.0.0/-1', 'negative prefix'],
    ['10.0.0.0/', 'empty prefix'],
    ['/8', 'no address'],
    ['10.0.0.0', 'no prefix'],
    ['::1', 'no prefix (IPv6)'],
    ['10.0.0.0/8/1', 'two slashes'],
    ['10.0.0.0/ 8', 'blank in the prefix'],
    [' 10.0.0.0/8', 'leading blank'],
    ['fe80::1%eth0/64', 'zone'],
  ])('%j is refused (%s)', (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });
});

describe('the looser syntaxes callers state', () => {
  const cases: [string, IpSyntax, string, string | undefined][] = [
    ['a bare IPv4 address is a /32 for policies', POLICY_SYNTAX, '192.168.1.7', '192.168.1.7/32'],
    ['a bare IPv6 address is a /128 for policies', POLICY_SYNTAX, '2001:db8::1', '2001:db8::1/128'],
    ['with bareIp alone, Go syntax otherwise', { bareIp: true }, '::', '::/128'],
    ['policies trim blanks', POLICY_SYNTAX, ' 10.0.0.0/8 ', '10.0.0.0/8'],
    ['policies trim blanks before the slash', POLICY_SYNTAX, '10.0.0.0 /8', '10.0.0.0/8'],
    ['the inventory trims blanks before the slash', INVENTORY_SYNTAX, '10.0.0.0 /8', '10.0.0.0/8'],
    ['policies read leading zeros as decimal', POLICY_SYNTAX, '010.0.0.0/08', '10.0.0.0/8'],
    ['the inventory reads /08 as /8', INVENTORY_SYNTAX, '10.0.0.0/08', '10.0.0.0/8'],
    ['the inventory refuses a leading zero in an octet', INVENTORY_SYNTAX, '010.0.0.0/8', undefined],
    ['the inventory refuses IPv6', INVENTORY_SYNTAX, '2001:db8::/32', undefined],
    ['the inventory refuses a bare address', INVENTORY_SYNTAX, '10.0.0.1', undefined],
    ['the inventory trims blanks', INVENTORY_SYNTAX, ' 10.42.0.0/16', '10.42.0.0/16'],
    ['Go syntax is the default', GO_SYNTAX, '10.0.0.0/08', undefined],
  ];
  it.each(cases)('%s: %j', (_title, syntax, text, canonical) => {
    const c = parseCidr(text, syntax);
    expect(c === undefined ? undefined : cidrText(c)).toBe(canonical);
  });

  it('an address trimmed by the syntax keeps the trimmed text', () => {
    expect(parseIp(' 10.1.2.3\n', POLICY_SYNTAX)).toEqual({
      version: 4,
      value: 0x0a010203n,
      text: '10.1.2.3',
    });
    expect(parseIp('10.1.2.3 ')).toBeUndefined();
  });
});

describe('comparing CIDRs', () => {
  const c = (text: string) => parseCidr(text, POLICY_SYNTAX)!;
  it.each([
    ['10.1.0.0/16', '10.0.0.0/8', true],
    ['10.0.0.0/8', '10.1.0.0/16', false],
    ['10.0.0.0/8', '10.0.0.0/8', true],
    ['10.0.0.0/8', '0.0.0.0/0', true],
    ['2001:db8::/48', '::/0', true],
    ['10.0.0.0/8', '::/0', false],
    ['::ffff:10.0.0.0/104', '10.0.0.0/8', false],
    ['11.0.0.0/8', '10.0.0.0/7', true],
    ['12.0.0.0/8', '10.0.0.0/7', false],
  ])('%s within %s: %s', (inner, outer, expected) => {
    expect(cidrWithin(c(inner), c(outer))).toBe(expected);
  });

  it.each([
    ['10.42.0.0/16', '10.43.0.0/16', false],
    ['10.42.0.0/15', '10.43.0.0/16', true],
    ['10.43.0.0/16', '10.42.0.0/15', true],
    ['10.42.0.0/16', '10.42.0.0/16', true],
    ['0.0.0.0/0', '::/0', false],
  ])('%s overlaps %s: %s', (a, b, expected) => {
    expect(cidrsOverlap(c(a), c(b))).toBe(expected);
  });

  it.each([
    ['10.0.0.0/8', 1n << 24n],
    ['10.0.0.1', 1n],
    ['::/0', 1n << 128n],
    ['2001:db8::/64', 1n << 64n],
  ])('%s holds %s addresses', (text, size) => {
    expect(cidrSize(c(text))).toBe(size);
  });

  it('a host network is the /24 around the address', () => {
    expect(hostNetwork(parseIp('192.168.1.77')!).text).toBe('192.168.1.0/24');
    expect(cidrText(hostNetwork(parseIp('192.168.1.77')!, 16))).toBe('192.168.0.0/16');
  });
});

describe('printing addresses (RFC 5952)', () => {
  it.each([
    ['::', '::'],
    ['::1', '::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ['1:0:2:3:4:5:6:7', '1:0:2:3:4:5:6:7'],
    ['2001:DB8::', '2001:db8::'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
    ['10.0.0.255', '10.0.0.255'],
  ])('%s prints as %s', (text, printed) => {
    const ip = parseIp(text)!;
    expect(formatIp(ip.version, ip.value)).toBe(printed);
  });
});
