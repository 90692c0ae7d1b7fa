// LAB ONLY: the calico-node stand-in that the lab's operator stand-in starts inside each lab node
// (its network namespace). It is not Calico: it serves Felix's health endpoints on
// 127.0.0.1:9099 (/liveness, /readiness, plus /version), Felix's Prometheus metric names on the
// metrics port when metrics are enabled, creates the node's tunnel link, and honours the node's lab
// faults (read on every request). It writes its health to a status file the operator stand-in reads
// to set the pod's Ready condition, as a kubelet readiness probe would.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { parseArgs } from 'node:util';
import { readNodeFaults } from '../lab-state.js';
import { computeHealth, healthTable } from './felix-health.js';
import { felixMetrics } from './felix-metrics.js';
import { encapsulationOf, ensureTunnelLink } from './tunnel-link.js';
import type { NodeConfig, NodeStatus } from './status-file.js';

const { values } = parseArgs({
  options: {
    node: { type: 'string' },
    pod: { type: 'string' },
    version: { type: 'string' },
    'faults-dir': { type: 'string' },
    'status-file': { type: 'string' },
    'config-file': { type: 'string' },
    'health-host': { type: 'string', default: '127.0.0.1' },
    'health-port': { type: 'string', default: '9099' },
  },
});
const node = values.node ?? '';
const version = values.version ?? 'unknown';
const faultsDir = values['faults-dir'] ?? '';
const startedAt = Date.now();
let applies = 0;

function config(): NodeConfig {
  try {
    return JSON.parse(readFileSync(values['config-file'] ?? '', 'utf8')) as NodeConfig;
  } catch {
    return { metricsPort: null, encapsulation: 'None', clusterNumHosts: 1 };
  }
}

function health() {
  return computeHealth(readNodeFaults({ faultsDir }, node), version, (Date.now() - startedAt) / 1000);
}

const healthServer = createServer((req, res) => {
  const h = health();
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/version') {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    return void res.end(`${version}\n`);
  }
  const ok = path === '/liveness' ? h.live : path === '/readiness' ? h.ready : undefined;
  if (ok === undefined) {
    res.writeHead(404);
    return void res.end();
  }
  res.writeHead(ok ? 200 : 503, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(healthTable(h, version));
});
healthServer.listen(Number(values['health-port']), values['health-host']);

let metricsServer: Server | undefined;
let metricsPort: number | null = null;
function syncMetrics(port: number | null): void {
  if (port === metricsPort) return;
  metricsServer?.close();
  metricsServer = undefined;
  metricsPort = port;
  if (port === null) return;
  metricsServer = createServer((req, res) => {
    if ((req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404);
      return void res.end();
    }
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
    res.end(
      felixMetrics({ version, ready: health().ready, clusterNumHosts: config().clusterNumHosts, applies }),
    );
  });
  metricsServer.on('error', () => (metricsPort = null));
  metricsServer.listen(port, '127.0.0.1');
}

let linkDone = '';
function report(): void {
  const cfg = config();
  syncMetrics(cfg.metricsPort);
  if (linkDone !== cfg.encapsulation) {
    linkDone = cfg.encapsulation;
    void ensureTunnelLink(encapsulationOf(cfg.encapsulation));
  }
  applies++;
  const h = health();
  const status: NodeStatus = {
    node,
    pod: values.pod ?? '',
    version,
    pid: process.pid,
    live: h.live,
    ready: h.ready,
    detail: h.detail,
    at: Date.now(),
  };
  const file = values['status-file'];
  if (!file) return;
  try {
    writeFileSync(`${file}.tmp`, JSON.stringify(status));
    renameSync(`${file}.tmp`, file);
  } catch {
    // the lab directory is going away (lab down); the next tick or SIGTERM ends this process
  }
}
report();
const timer = setInterval(report, 500);
const stop = (): void => {
  clearInterval(timer);
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
