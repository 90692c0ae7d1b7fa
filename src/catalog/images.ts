// The container images the Tigera operator deploys for a Calico release with picocal's custom resources,
// so that every board can pull them before the operator (or an upgrade) needs them: on an SD card a pull
// can take minutes, and a pull that happens under a deadline (TigeraStatus, the upgrade's per-board gate)
// turns a slow card into a failure or a rollback.
//
// Source: tigera/operator at the release's operator tag (the operator version each CATALOG entry names):
//   pkg/components/images.go   CalicoRegistry, read at each pinned operator tag (REGISTRY below): the switch
//                              from docker.io to quay.io (commit b46fb8091, "replace docker.io with quay.io")
//                              is in v1.39.0 and was backported within v1.38.x, so it is pinned per tag, not
//                              guessed from the minor. The operator's own image is quay.io/tigera/operator
//                              (also the `image:` of tigera-operator.yaml at each Calico tag).
//   pkg/components/calico.go   ComponentCalicoNode "calico/node", ComponentCalicoCNI "calico/cni",
//                              ComponentCalicoFlexVolume "calico/pod2daemon-flexvol", ComponentCalicoCSI
//                              "calico/csi", ComponentCalicoCSIRegistrar "calico/node-driver-registrar",
//                              ComponentCalicoTypha, ComponentCalicoKubeControllers, ComponentCalicoAPIServer,
//                              and from v1.38 (Calico 3.30) ComponentCalicoGoldmane, ComponentCalicoWhisker,
//                              ComponentCalicoWhiskerBackend; every one at the Calico tag (CalicoRelease).
//   pkg/render/node.go, csi.go which DaemonSet runs which image (calico-node: node + cni + flexvol;
//                              csi-node-driver: csi + node-driver-registrar).
// https://github.com/tigera/operator/tree/v1.42.3/pkg/components (and the v1.40.15, v1.38.13, v1.36.16 tags).
// FIPS, Windows, Envoy, Istio and Guardian images are left out: picocal's custom resources never ask for them.
import type { CalicoRelease } from './versions.js';

export interface CalicoImage {
  /** The full reference the operator puts in its pods, e.g. quay.io/calico/node:v3.32.1. */
  ref: string;
  /** What runs it (for messages). */
  component: string;
  /**
   * 'every-board': a DaemonSet pod on each board, needed there before the board is healthy.
   * 'any-board': a Deployment pod the scheduler may put on any board.
   */
  placement: 'every-board' | 'any-board';
}

/** CalicoRegistry in pkg/components/images.go at each operator tag of the catalog. */
const REGISTRY: Record<string, 'quay.io' | 'docker.io'> = {
  'v1.42.3': 'quay.io',
  'v1.40.15': 'quay.io',
  'v1.38.13': 'quay.io',
  'v1.36.16': 'docker.io',
};

/** The registry the release's operator pulls Calico's images from. */
export function calicoRegistry(release: CalicoRelease): 'quay.io' | 'docker.io' {
  const reg = REGISTRY[release.operatorVersion];
  // A catalog entry without a pinned registry is a programming error, caught by the unit test.
  if (!reg) throw new Error(`no image registry pinned for tigera/operator ${release.operatorVersion}`);
  return reg;
}

/**
 * Images of a release in the order they are needed: the operator first (it deploys the others), then
 * calico-node's (no board is healthy without them), then the rest.
 */
export function releaseImages(release: CalicoRelease): CalicoImage[] {
  const reg = calicoRegistry(release);
  const calico = (name: string, component: string, placement: CalicoImage['placement']): CalicoImage => ({
    ref: `${reg}/calico/${name}:${release.tag}`,
    component,
    placement,
  });
  return [
    {
      ref: `quay.io/tigera/operator:${release.operatorVersion}`,
      component: 'tigera-operator',
      placement: 'any-board',
    },
    calico('node', 'calico-node', 'every-board'),
    calico('cni', 'calico-node (install-cni)', 'every-board'),
    calico('pod2daemon-flexvol', 'calico-node (flexvol-driver)', 'every-board'),
    calico('csi', 'csi-node-driver', 'every-board'),
    calico('node-driver-registrar', 'csi-node-driver', 'every-board'),
    calico('typha', 'calico-typha', 'any-board'),
    calico('kube-controllers', 'calico-kube-controllers', 'any-board'),
    calico('apiserver', 'calico-apiserver', 'any-board'),
    ...(release.goldmaneAndWhisker
      ? [
          calico('goldmane', 'goldmane', 'any-board'),
          calico('whisker', 'whisker', 'any-board'),
          calico('whisker-backend', 'whisker', 'any-board'),
        ]
      : []),
  ];
}
