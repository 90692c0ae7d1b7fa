// LAB ONLY: the process that runs the Kubernetes API stand-in and the Calico operator stand-in for one
// virtual PicoCluster: `node server-main.js --dir <lab dir>`. It listens where lab.json's apiServer
// says, keeps its objects in <lab dir>/kube-state.json, follows lab.json (node power state) and carries
// out the boards' reboots (board-reboot.ts).
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BoardRebooter } from '../board-reboot.js';
import { readLabState } from '../lab-state.js';
import { startOperator } from '../operator/operator.js';
import { KubeApi } from './kube-api.js';
import { ensureDefaultNamespaces, syncNodes } from './lab-nodes.js';
import { syncPods } from './lab-pods.js';
import { ObjectStore } from './object-store.js';
import { ApiServer } from './server.js';
import { FlowLog } from '../flows-api/flow-log.js';
import { probeCall, recordProbe } from '../flows-api/probe-flows.js';

export const KUBE_STATE_FILE = 'kube-state.json';

const { values } = parseArgs({ options: { dir: { type: 'string' } } });
const dir = values.dir;
if (!dir) throw new Error('usage: server-main --dir <lab dir>');
const initial = readLabState(dir);
if (!initial) throw new Error(`no lab state in ${dir}`);

const store = new ObjectStore(join(dir, KUBE_STATE_FILE));
const api = new KubeApi(store);
ensureDefaultNamespaces(api);
syncNodes(api, initial);
// The flows stand-in: fed by the probes kubectl exec runs, served behind the whisker Service's proxy.
const flows = new FlowLog();
const onExit = (run: { namespace: string; pod: string; argv: string[] }, code: number | null): void => {
  const call = probeCall(run.argv);
  if (!call) return;
  try {
    recordProbe(api, flows, { namespace: run.namespace, pod: run.pod }, call, code);
  } catch (e) {
    console.error(`flows stand-in: could not record a probe: ${(e as Error).message}`);
  }
};
const server = new ApiServer(
  api,
  `${initial.apiServer.host}:${initial.apiServer.port}`,
  { labDir: dir, onExit },
  flows,
  () => initial.kubernetesVersion,
);
const operator = startOperator(api, dir);

let latest = initial;
const rebooter = new BoardRebooter(dir);
const follow = setInterval(() => {
  try {
    const s = readLabState(dir);
    if (s) {
      latest = s;
      syncNodes(api, s);
      syncPods(api, s);
      rebooter.check(s);
    }
  } catch {
    // lab.json is replaced atomically; a failed read is retried on the next tick
  }
}, 1000);
// A new pod gets its status at once, as a kubelet reports soon after binding (not on the next tick).
let podsSoon: NodeJS.Timeout | undefined;
const unsubscribePods = store.subscribe((e) => {
  if (e.resource !== '/pods' || e.type !== 'ADDED' || podsSoon) return;
  podsSoon = setTimeout(() => {
    podsSoon = undefined;
    syncPods(api, latest);
  }, 20);
});

const shutdown = async (): Promise<void> => {
  clearInterval(follow);
  unsubscribePods();
  await operator.stop();
  store.flush();
  server.http.close();
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());

server.http.listen(initial.apiServer.port, initial.apiServer.host, () => {
  console.log(`picocal lab API stand-in listening on ${initial.apiServer.url}`);
});
