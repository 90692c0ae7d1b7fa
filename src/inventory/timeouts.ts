// How long picocal and its Ansible roles wait, in seconds: `picocal.timeouts` in the inventory. The
// defaults are sized for Raspberry Pis on SD cards and a home link, where everything slow is slower:
//   image_pull   600  one image on one board (crictl pull). A Calico image pull alone took about 300 s on
//                     x86 CI runners (kubean-io/kubean#658, a 300 s deadline failed there); calico-node's
//                     pull was still running after 5 minutes on GitHub's runners and the deadline was
//                     raised to 600 s (jupyterhub/action-k3s-helm#71). An SD card unpacks more slowly
//                     still (write latencies of ~800 ms seen on Pi SD cards: k3s-io/k3s#2132).
//   operator     900  after the manifests are applied, for the operator to start and report TigeraStatus
//                     calico and apiserver Available: its pods start on boards that already hold the
//                     images (pulled first), but typha, the API server, Goldmane and Whisker start on a
//                     1-4 GB Pi whose k3s datastore writes are slow (k3s-io/k3s#2644, #2132).
//   calico_node  600  after an upgrade's apply, for one board's calico-node to run the new version and be
//                     Ready (the upgrade's per-board gate; `upgrade --node-timeout` overrides it). Images
//                     are already on the board, so this is Felix's start on a Pi, not a download.
//   verify       180  bootstrap's and reprovision's last step: every board healthy (calico-node Ready,
//                     Felix's /readiness, pod addresses from Calico's pools). It starts after the operator
//                     reported Calico Available, so calico-node already runs; what is left is Felix's
//                     first dataplane sync (`bootstrap --verify-timeout` overrides it).
//   reboot       600  a board rebooted for the cgroup flags to answer SSH with k3s (or the kubelet)
//                     running again; k3s on a Pi may restart several times after a boot (k3s-io/k3s#2625).
import { int, object, withDefault } from '../schema/schema.js';

export const TIMEOUT_DEFAULTS = {
  image_pull: 600,
  operator: 900,
  calico_node: 600,
  verify: 180,
  reboot: 600,
} as const;

const seconds = (fallback: number, what: string) =>
  withDefault(
    int({
      min: 10,
      max: 86_400,
      hint: `seconds ${what}, from 10 to 86400 (default ${fallback})`,
    }),
    fallback,
  );

export const timeoutsSchema = withDefault(
  object(
    {
      image_pull: seconds(TIMEOUT_DEFAULTS.image_pull, 'for one image pull on one board'),
      operator: seconds(TIMEOUT_DEFAULTS.operator, 'for the operator to report Calico Available'),
      calico_node: seconds(TIMEOUT_DEFAULTS.calico_node, "for one board's calico-node to be Ready"),
      verify: seconds(TIMEOUT_DEFAULTS.verify, 'for every board to be healthy at the end of a bootstrap'),
      reboot: seconds(TIMEOUT_DEFAULTS.reboot, 'for a rebooted board to come back'),
    },
    { describeUnknown: 'timeouts' },
  ),
  { ...TIMEOUT_DEFAULTS },
);
