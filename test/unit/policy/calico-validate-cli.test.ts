// calico-validate run in-process through the real CLI core: the guide's quick start written as files
// gives the verdict real Calico gives, with the policy that denies; exit codes follow --expect.
import { describe, expect, it } from 'vitest';
import { runValidate } from '../../helpers/run-calico-validate.js';

const QS = [
  '--cluster',
  'test/fixtures/policy/quickstart/cluster.yaml',
  '--policies',
  'test/fixtures/policy/quickstart/policies.yaml',
];

const run = runValidate;

describe('calico-validate on the guide quick start', () => {
  it('denies frontend → backend: frontend egress is denied by default-deny at the end of tier default', async () => {
    const r = await run(
      'frontend-pod',
      'backend-pod',
      'default',
      '--port',
      '8080',
      ...QS,
      '--output',
      'json',
    );
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(['verdict', 'egress', 'ingress', 'explanation']);
    expect(doc.verdict).toBe('deny');
    expect(doc.egress).toMatchObject({ verdict: 'deny', reason: 'end-of-tier', tier: 'default' });
    expect(doc.egress.selectingPolicies[0]).toMatchObject({
      name: 'default-deny',
      location: 'test/fixtures/policy/quickstart/policies.yaml:2',
    });
    expect(doc.ingress).toMatchObject({
      verdict: 'allow',
      reason: 'rule',
      policy: { name: 'allow-frontend-to-backend' },
    });
    expect(doc.ingress.rule).toEqual({
      index: 0,
      action: 'Allow',
      location: 'test/fixtures/policy/quickstart/policies.yaml:25',
    });
    expect(doc.explanation.join('\n')).toMatch(
      /egress from default\/frontend-pod: denied by end of tier 'default': Kubernetes NetworkPolicy default\/default-deny \(test\/fixtures\/policy\/quickstart\/policies.yaml:2\)/,
    );
  });

  it('exits 0 when the verdict is the expected deny', async () => {
    const r = await run('frontend-pod', 'backend-pod', 'default', ...QS, '--expect', 'deny');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^DENY {2}default\/frontend-pod → default\/backend-pod/);
  });

  it('accepts namespace/pod and an outside IP address', async () => {
    const r = await run('default/backend-pod', '203.0.113.1', ...QS, '--port', '443', '--output', 'json');
    const doc = JSON.parse(r.stdout);
    expect(doc.verdict).toBe('deny');
    expect(doc.ingress.reason).toBe('outside-cluster');
  });

  it('reports the staged verdict separately without changing the enforced one', async () => {
    const r = await run(
      'frontend-pod',
      'backend-pod',
      ...QS,
      '--policies',
      'test/fixtures/policy/staged',
      '--port',
      '8080',
      '--output',
      'json',
    );
    const doc = JSON.parse(r.stdout);
    expect(doc.verdict).toBe('deny');
    expect(doc.staged.verdict).toBe('allow');
    expect(doc.staged.egress.policy.kind).toBe('StagedKubernetesNetworkPolicy');
    expect(r.code).toBe(1);
  });

  it.each([
    [['frontend-pod'], 'expected SRC DST'],
    [['frontend-pod', 'nobody', ...QS], "no pod 'nobody' in namespace 'default'"],
    [['frontend-pod', 'backend-pod', ...QS, '--port', '70000'], 'is not a port'],
    [['frontend-pod', 'backend-pod', ...QS, '--protocol', 'GRE'], 'is not TCP, UDP, SCTP or ICMP'],
    [['frontend-pod', 'backend-pod', ...QS, '--expect', 'maybe'], '--expect must be allow or deny'],
    [['a', 'b', '--policies', 'test/fixtures/policy/bad/bad.yaml'], 'test/fixtures/policy/bad/bad.yaml:7'],
    [['a', 'b', '--policies', 'does/not/exist'], 'no such file or folder'],
  ])('bad input %j exits 2 and says %s', async (argv, message) => {
    const r = await run(...argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
  });
});

describe('calico-validate names pods as a person would: a unique start of the name, -l labels, named ports', () => {
  const W = [
    '--cluster',
    'test/fixtures/policy/workloads/cluster.yaml',
    '--policies',
    'test/fixtures/policy/workloads/policies.yaml',
  ];
  it.each<[string[], number, RegExp, RegExp | undefined]>([
    [
      ['web-6b7f9c8d5-2', 'api', 'shop', '--port', '8080'],
      0,
      /^ALLOW\s+shop\/web-6b7f9c8d5-2lx9p → shop\/api-7d4b8f6c9-k2v8n/,
      /SRC 'web-6b7f9c8d5-2' is shop\/web-6b7f9c8d5-2lx9p/,
    ],
    [
      ['web', 'api', 'shop', '--port', '8080'],
      2,
      /^$/,
      /SRC 'web' is the start of 2 pod names in namespace 'shop': shop\/web-6b7f9c8d5-2lx9p, shop\/web-6b7f9c8d5-q7m4z\nhint: give more of the name, or select the pods by label: app=web/,
    ],
    [
      ['app=web', 'app=api', 'shop', '--port', '8080'],
      0,
      /^ALLOW /,
      /SRC app=web: 2 alike pods \(same labels and service account\), evaluated as shop\/web-6b7f9c8d5-2lx9p/,
    ],
    [
      ['-l', 'app=web', '-l', 'app=api', 'shop', '--port', 'http'],
      0,
      /^ALLOW .*\(TCP port 8080\)/,
      undefined,
    ],
    [
      ['-l', 'app=web', 'shop/api', 'shop', '--port', 'metrics', '--expect', 'deny'],
      0,
      /^DENY .*\(TCP port 9090\)/,
      undefined,
    ],
    [['-l', 'app in (web,other)', 'api', 'shop', '--port', 'http'], 0, /^ALLOW /, undefined],
    [
      ['-l', 'app=web', 'api', 'shop', '--port', 'grpc'],
      2,
      /^$/,
      /has no container port named 'grpc'\nhint: its named ports: http \(TCP\/8080\), metrics \(TCP\/9090\)/,
    ],
    [['-l', 'app=web', 'api', 'shop', '--port', 'htp'], 2, /^$/, /did you mean 'http'\?/],
    [
      ['-l', 'app=web', 'api', 'shop', '--port', 'http', '--protocol', 'UDP'],
      2,
      /^$/,
      /port 'http' of shop\/api-7d4b8f6c9-k2v8n is TCP, not UDP/,
    ],
    [['-l', 'app=web', '203.0.113.9', 'shop', '--port', 'http'], 2, /^$/, /DST is not a pod/],
    [
      ['api', 'app=db', 'shop'],
      2,
      /^$/,
      /DST selector 'app=db' matches 2 pods with different labels: shop\/db-0, shop\/db-1/,
    ],
    [['api', 'app=nope', 'shop'], 2, /^$/, /DST selector 'app=nope' matches no pod in namespace 'shop'/],
    [['-l', 'app in (web', 'api', 'shop'], 2, /^$/, /bad label selector 'app in \(web'/],
    [['-l', 'a=b', '-l', 'c=d', '-l', 'e=f'], 2, /^$/, /at most two -l selectors/],
  ])('%j → exit %i', async (argv, code, stdout, stderr) => {
    const r = await run(...argv, ...W);
    expect(r.code, r.stderr).toBe(code);
    expect(r.stdout).toMatch(stdout);
    if (stderr) expect(r.stderr).toMatch(stderr);
  });
});
