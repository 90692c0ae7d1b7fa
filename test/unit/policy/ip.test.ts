// Addresses and CIDRs for nets, notNets, ipBlock and network sets, IPv4 and IPv6.
import { describe, expect, it } from 'vitest';
import { cidrContains, parseCidr, parseIp } from '../../../src/policy/net/ip.js';

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
    expect(cidrContains(parseCidr(cidr)!, parseIp(ip)!)).toBe(expected);
  });

  it.each(['10.0.0.0/33', '10.0.0/8', '256.0.0.1', '1::2::3', 'web', '10.0.0.0/8/1'])(
    '%s is rejected',
    (text) => {
      expect(parseCidr(text)).toBeUndefined();
    },
  );
});
