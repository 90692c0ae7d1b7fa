// Addresses: Kubernetes ipBlock (cidr, except strictly inside it), Calico nets/notNets and network
// set nets. The API server and Calico reject malformed CIDRs; an except outside its cidr is rejected
// by Kubernetes' validation and would be meaningless anyway.
import { cidrWithin, parseCidr } from '../../../net/ip.js';
import type { PathSegment } from '../../../yaml/source-map.js';
import { RULES } from '../catalog.js';
import { asArray, describe, isCalicoKind, isObject, type Resource } from '../resource.js';
import type { LintContext } from '../rule.js';
import { calicoEntities, kubernetesPeers } from '../walk.js';

function invalid(
  ctx: LintContext,
  r: Resource,
  path: PathSegment[],
  value: unknown,
  bareIpOk: boolean,
): void {
  ctx.report(
    RULES.invalidCidr,
    r,
    path,
    `${describe(r)}: ${JSON.stringify(value)} is not a valid ${bareIpOk ? 'IP address or CIDR' : 'CIDR'}`,
    'write an address and prefix length, e.g. 10.0.0.0/8 or fd00::/8 (no leading zeros, prefix at most 32 for IPv4, 128 for IPv6)',
  );
}

function checkList(ctx: LintContext, r: Resource, path: PathSegment[], list: unknown): void {
  asArray(list).forEach((net, i) => {
    if (typeof net !== 'string' || !parseCidr(net, { bareIp: true }))
      invalid(ctx, r, [...path, i], net, true);
  });
}

export function checkAddresses(ctx: LintContext): void {
  for (const r of ctx.resources) {
    for (const peer of kubernetesPeers(r)) {
      const block = peer.value['ipBlock'];
      if (!isObject(block)) continue;
      const at = [...peer.path, 'ipBlock'];
      const cidrText = block['cidr'];
      const cidr = typeof cidrText === 'string' ? parseCidr(cidrText) : undefined;
      if (cidrText !== undefined && !cidr) invalid(ctx, r, [...at, 'cidr'], cidrText, false);
      asArray(block['except']).forEach((ex, i) => {
        const exPath = [...at, 'except', i];
        const parsed = typeof ex === 'string' ? parseCidr(ex) : undefined;
        if (!parsed) return invalid(ctx, r, exPath, ex, false);
        if (cidr && !(cidrWithin(parsed, cidr) && parsed.prefix > cidr.prefix)) {
          ctx.report(
            RULES.exceptOutsideCidr,
            r,
            exPath,
            `${describe(r)}: except ${String(ex)} is not strictly inside cidr ${String(cidrText)}; the API server rejects it`,
            'list only ranges inside the cidr (and smaller than it); drop this entry or widen the cidr',
          );
        }
      });
    }
    for (const e of calicoEntities(r)) {
      for (const field of ['nets', 'notNets']) {
        if (e.value[field] !== undefined) checkList(ctx, r, [...e.path, field], e.value[field]);
      }
    }
    if (isCalicoKind(r, 'NetworkSet', 'GlobalNetworkSet') && isObject(r.value['spec'])) {
      checkList(ctx, r, ['spec', 'nets'], r.value['spec']['nets']);
    }
  }
}
