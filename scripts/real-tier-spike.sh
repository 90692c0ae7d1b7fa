#!/usr/bin/env bash
# Phase 0 spike of the real dataplane tier (issue 16). LAB ONLY: boots, on this machine, the REAL
# etcd + kube-apiserver (TLS, self-made certificates, a kubeconfig that the real kubectl uses), applies
# Calico's real CRDs, starts one board (a network namespace with its own mount namespace) running the
# real `calico-node -startup` then `calico-node -felix` against the Kubernetes datastore, makes two "pods"
# by invoking the real Calico CNI plugin binary as a kubelet would (CNI_COMMAND=ADD, netconf on stdin,
# see https://github.com/containernetworking/cni/blob/main/SPEC.md), applies a default-deny plus one
# allow NetworkPolicy, and probes with nc from inside the pod namespaces.
#
# What a real kubelet does beyond this: it runs containers (here a pod is a bare network namespace with
# a listener), it reports pod status (here the pod stays Pending; Calico takes the pod IP from the
# cni.projectcalico.org/podIP annotation that its CNI plugin writes), node heartbeats and volumes.
#
# DATASTORE=etcdv3 is a reduced variant without kube-apiserver: calico-node, Felix, the CNI plugin and
# calicoctl use etcd directly (Calico's etcd datastore), pods are CNI-orchestrated (no Pod objects) and the
# policies are Calico GlobalNetworkPolicies on the pods' addresses, applied with the real calicoctl.
#
# Usage: scripts/real-tier-spike.sh up|probe|down   (root; binaries from scripts/build-real-tier.sh in
# ${PICOCAL_REAL_TIER_DIR:-/var/cache/picocal/real-tier}; CALICO_VERSION picks calico-<version>/)
# Addresses: the board link is 10.78.0.0/24 (host 10.78.0.1, board 10.78.0.11), pods 10.247.0.0/16;
# etcd listens on 127.0.0.1:23790 only. The board has no default route: pod traffic cannot leave it.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${PICOCAL_REAL_TIER_DIR:-/var/cache/picocal/real-tier}"
calico_version="${CALICO_VERSION:-v3.32.1}"
lab="${PICOCAL_REAL_LAB:-/tmp/picocal-real-spike}"
etcd_bin="$cache/etcd-v3.6.5/etcd"
kas_bin="$cache/kube-apiserver-v1.35.4/kube-apiserver"
calico_dir="$cache/calico-$calico_version"
crds="${CALICO_CRDS:-$here/../shared/calico/${calico_version}/manifests/v1_crd_projectcalico_org.yaml}"
node=rt-node1
host_ip=10.78.0.1
node_ip=10.78.0.11
pool=10.247.0.0/16
datastore="${DATASTORE:-kubernetes}"
# namespace, pod name, label: the pods the differential test (test/lab/real-tier.test.ts) probes.
pods=("default pod-a app=a" "default pod-b app=b" "other pod-c app=c" "other pod-d app=b")
export KUBECONFIG="$lab/admin.kubeconfig"

log() { printf '[real-spike %(%H:%M:%S)T] %s\n' -1 "$*"; }
die() { echo "real-spike: $*" >&2; exit 1; }
k() { kubectl --request-timeout=20s "$@"; }

pki() {
  local d="$lab/pki"
  mkdir -p "$d"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=picocal-real-spike-ca \
    -keyout "$d/ca.key" -out "$d/ca.crt" 2>/dev/null
  cert() { # name subject sans
    openssl req -newkey rsa:2048 -nodes -subj "$2" -keyout "$d/$1.key" -out "$d/$1.csr" 2>/dev/null
    printf '%s\n' "$3" >"$d/$1.ext"
    openssl x509 -req -in "$d/$1.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial -days 2 \
      -extfile "$d/$1.ext" -out "$d/$1.crt" 2>/dev/null
  }
  cert apiserver /CN=kube-apiserver \
    "subjectAltName=IP:$host_ip,IP:127.0.0.1,IP:10.96.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:localhost"
  cert admin "/O=system:masters/CN=picocal-admin" "extendedKeyUsage=clientAuth"
  openssl genrsa -out "$d/sa.key" 2048 2>/dev/null
  openssl rsa -in "$d/sa.key" -pubout -out "$d/sa.pub" 2>/dev/null
  kubeconfig "$lab/admin.kubeconfig" "https://$host_ip:6443"
}

kubeconfig() { # file server
  local d="$lab/pki"
  cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: spike
  cluster: {server: "$2", certificate-authority: "$d/ca.crt"}
users:
- name: admin
  user: {client-certificate: "$d/admin.crt", client-key: "$d/admin.key"}
contexts:
- name: spike
  context: {cluster: spike, user: admin}
current-context: spike
EOF
}

port_free() { ! ss -Hltn "src $1 and sport = :$2" | grep -q .; } # address port

wait_for() { # seconds description command...
  local n="$1" what="$2"
  shift 2
  for ((i = 0; i < n * 2; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  echo "real-spike: timed out after ${n}s waiting for $what" >&2
  return 1
}

up() {
  [[ $(id -u) -eq 0 ]] || die "run as root (network namespaces)"
  local need=("$etcd_bin" "$calico_dir/calico-node" "$calico_dir/calico" "$calico_dir/calicoctl")
  [[ $datastore == kubernetes ]] && need+=("$kas_bin")
  for b in "${need[@]}"; do
    [[ -x "$b" ]] || die "missing $b: run scripts/build-real-tier.sh"
  done
  [[ -f "$crds" ]] || die "missing Calico CRDs $crds"
  [[ -e "$lab" ]] && die "$lab exists: run '$0 down' first"
  # A previous lab's etcd or kube-apiserver may still be shutting down: wait until their ports are free
  # (a new etcd that cannot bind would leave the new kube-apiserver talking to a dying one).
  local port
  for port in 127.0.0.1:23790 127.0.0.1:23800 "$host_ip:6443"; do
    wait_for 30 "$port to be free (a previous lab still running? $0 down)" port_free "${port%:*}" "${port##*:}" ||
      exit 1
  done
  local t0
  t0=$(date +%s.%N)
  mkdir -p "$lab"/{etcd,logs,cni-bin,node1/var-lib-calico,node1/var-run-calico,node1/log}
  pki
  log "pki and kubeconfig ready"

  # The board: a network namespace on a veth to the host.
  ip link add rt-h1 type veth peer name rt-n1
  ip netns add "$node"
  ip link set rt-n1 netns "$node"
  ip addr add "$host_ip/24" dev rt-h1 && ip link set rt-h1 up
  ip -n "$node" link set lo up
  ip -n "$node" link set rt-n1 name eth0
  ip -n "$node" addr add "$node_ip/24" dev eth0 && ip -n "$node" link set eth0 up
  # A board forwards between its pods' veths (on a Pi the kubelet/containerd setup does this).
  ip netns exec "$node" sysctl -qw net.ipv4.ip_forward=1
  # Pods use 169.254.1.1 as their gateway, answered by proxy ARP on the cali veth; the kernel answers
  # only for an address it has a route to through another interface. A Pi has its default route for
  # that; the board has none (pod traffic must not leave it), so a /32 route stands in.
  ip -n "$node" route add 169.254.1.1/32 dev eth0

  setsid "$etcd_bin" --name spike --data-dir "$lab/etcd" \
    --listen-client-urls "http://127.0.0.1:23790$([[ $datastore == etcdv3 ]] && echo ",http://$host_ip:23790")" \
    --advertise-client-urls http://127.0.0.1:23790 \
    --listen-peer-urls http://127.0.0.1:23800 --initial-advertise-peer-urls http://127.0.0.1:23800 \
    --initial-cluster spike=http://127.0.0.1:23800 >"$lab/logs/etcd.log" 2>&1 &
  echo $! >"$lab/etcd.pid"
  local d="$lab/pki" t_api
  if [[ $datastore == kubernetes ]]; then
  setsid "$kas_bin" --etcd-servers=http://127.0.0.1:23790 --bind-address="$host_ip" \
    --advertise-address="$host_ip" --secure-port=6443 \
    --tls-cert-file="$d/apiserver.crt" --tls-private-key-file="$d/apiserver.key" \
    --client-ca-file="$d/ca.crt" --authorization-mode=RBAC,Node \
    --service-account-issuer=https://kubernetes.default.svc --service-account-key-file="$d/sa.pub" \
    --service-account-signing-key-file="$d/sa.key" --service-cluster-ip-range=10.96.0.0/16 \
    --enable-priority-and-fairness=false --allow-privileged=true \
    >"$lab/logs/kube-apiserver.log" 2>&1 &
  echo $! >"$lab/kube-apiserver.pid"
  wait_for 120 "kube-apiserver /readyz" k get --raw /readyz ||
    die "kube-apiserver not ready; last lines of its log and etcd's:
$(tail -n 15 "$lab/logs/kube-apiserver.log"; tail -n 5 "$lab/logs/etcd.log")"
  log "kube-apiserver ready: $(k version -o json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["serverVersion"]["gitVersion"])')"
  t_api=$(date +%s.%N)

  k apply --server-side -f "$crds" >"$lab/logs/crds.log"
  k wait --for=condition=Established crd --all --timeout=60s >>"$lab/logs/crds.log"
  log "Calico CRDs established ($(grep -c created "$lab/logs/crds.log" || true) created)"
  # No kube-controller-manager: make what it would (the default ServiceAccount) by hand.
  k create serviceaccount default -n default >/dev/null 2>&1 || true
  k apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Node
metadata:
  name: $node
  labels: {kubernetes.io/hostname: $node, kubernetes.io/os: linux}
spec: {}
EOF

  else
    wait_for 60 "etcd" curl -fsS http://127.0.0.1:23790/health || exit 1
    t_api=$(date +%s.%N)
    log "etcd ready (etcdv3 datastore: no kube-apiserver)"
  fi

  # calico-node -startup, then -felix, inside the board's own network + mount namespaces so that
  # /var/lib/calico and /var/run/calico are the board's own folders.
  cp "$lab/admin.kubeconfig" "$lab/node1/kubeconfig"
  cat >"$lab/node1/run.sh" <<EOF
#!/usr/bin/env bash
set -e
mkdir -p /var/lib/calico /var/run/calico
mount --bind "$lab/node1/var-lib-calico" /var/lib/calico
mount --bind "$lab/node1/var-run-calico" /var/run/calico
export DATASTORE_TYPE=$datastore KUBECONFIG="$lab/node1/kubeconfig" NODENAME=$node
export ETCD_ENDPOINTS=http://$host_ip:23790 FELIX_ETCDENDPOINTS=http://$host_ip:23790
export CALICO_NETWORKING_BACKEND=none CLUSTER_TYPE=k8s CALICO_MANAGE_CNI=false IP=$node_ip
export CALICO_IPV4POOL_CIDR=$pool CALICO_IPV4POOL_IPIP=Never CALICO_IPV4POOL_VXLAN=Never
export CALICO_IPV4POOL_BLOCK_SIZE=26 WAIT_FOR_DATASTORE=true CALICO_DISABLE_FILE_LOGGING=true
"$calico_dir/calico-node" -startup >"$lab/logs/calico-node-startup.log" 2>&1
export FELIX_DATASTORETYPE=$datastore FELIX_FELIXHOSTNAME=$node FELIX_HEALTHENABLED=true
export FELIX_USAGEREPORTINGENABLED=false FELIX_IPV6SUPPORT=false FELIX_LOGFILEPATH=none
export FELIX_LOGSEVERITYSCREEN=info FELIX_IPTABLESBACKEND=NFT FELIX_DEFAULTENDPOINTTOHOSTACTION=ACCEPT
# Deny stays Felix's default DROP: with FELIX_IPTABLESFILTERDENYACTION=REJECT, v3.32.1 writes its
# reverse-path check into the raw table with -j REJECT, which iptables refuses there ("RULE_APPEND failed").
# Felix built with CGO_ENABLED=0 (no libbpf) panics "LIBBPF syscall stub" in its start-up clean-up of
# BPF connect-time load balancing (felix/bpf/nat/connecttime.go, called even with BPF off); Calico's FV
# switch below skips that clean-up. There is no BPF state to clean in a lab board.
export FELIX_DebugSkipCTLBCleanup=true
exec "$calico_dir/calico-node" -felix
EOF
  chmod +x "$lab/node1/run.sh"
  setsid ip netns exec "$node" unshare -m --propagation slave "$lab/node1/run.sh" \
    >"$lab/logs/calico-node-felix.log" 2>&1 &
  echo $! >"$lab/node1.pid"
  wait_for 120 "calico-node -startup (/var/lib/calico/nodename)" test -s "$lab/node1/var-lib-calico/nodename" || exit 1
  log "calico-node -startup done: nodename=$(cat "$lab/node1/var-lib-calico/nodename")"
  wait_for 120 "Felix readiness on $node:9099" ip netns exec "$node" curl -fsS http://127.0.0.1:9099/readiness || exit 1
  local t_felix
  t_felix=$(date +%s.%N)
  log "Felix ready"

  # Pods: Pod objects, a network namespace each, and the real CNI plugin run inside the board.
  ln -sf "$calico_dir/calico" "$lab/cni-bin/calico"
  ln -sf "$calico_dir/calico" "$lab/cni-bin/calico-ipam"
  if [[ $datastore == kubernetes ]]; then
    cat >"$lab/node1/netconf.json" <<EOF
{"cniVersion": "0.3.1", "name": "k8s-pod-network", "type": "calico", "log_level": "info",
 "log_file_path": "$lab/logs/cni.log", "datastore_type": "kubernetes", "nodename": "$node", "mtu": 1450,
 "ipam": {"type": "calico-ipam"}, "policy": {"type": "k8s"},
 "kubernetes": {"kubeconfig": "$lab/node1/kubeconfig"}}
EOF
  else
    cat >"$lab/node1/netconf.json" <<EOF
{"cniVersion": "0.3.1", "name": "k8s-pod-network", "type": "calico", "log_level": "info",
 "log_file_path": "$lab/logs/cni.log", "datastore_type": "etcdv3", "etcd_endpoints": "http://$host_ip:23790",
 "nodename": "$node", "mtu": 1450, "ipam": {"type": "calico-ipam"}}
EOF
  fi
  local pid
  pid=$(pgrep -f -n "calico-node -felix" || true)
  [[ -n "$pid" ]] || die "no calico-node -felix process"
  echo "$pid" >"$lab/felix.pid"
  # The pods: two namespaces (labelled as a namespaceSelector sees them), a label each, and two named
  # container ports, so the differential test can exercise namespace selectors and named ports.
  if [[ $datastore == kubernetes ]]; then
    k label namespace default team=red --overwrite >/dev/null
    k apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Namespace
metadata: {name: other, labels: {team: blue}}
EOF
    k create serviceaccount default -n other >/dev/null 2>&1 || true
  fi
  local spec ns name label
  for spec in "${pods[@]}"; do
    read -r ns name label <<<"$spec"
    [[ $datastore == kubernetes ]] && k apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Pod
metadata: {name: $name, namespace: $ns, labels: {app: ${label#app=}}}
spec:
  nodeName: $node
  containers:
  - name: main
    image: ignore
    ports: [{name: http, containerPort: 8080}, {name: metrics, containerPort: 9090}]
EOF
    ip netns add "rt-$name"
    local id="spike-$name-0000000000000000" args
    args="IgnoreUnknown=1;K8S_POD_NAMESPACE=$ns;K8S_POD_NAME=$name;K8S_POD_INFRA_CONTAINER_ID=$id"
    [[ $datastore == kubernetes ]] || args=""
    nsenter -t "$pid" -m -n env CNI_COMMAND=ADD CNI_CONTAINERID="$id" CNI_NETNS="/run/netns/rt-$name" \
      CNI_IFNAME=eth0 CNI_PATH="$lab/cni-bin" \
      CNI_ARGS="$args" \
      "$lab/cni-bin/calico" <"$lab/node1/netconf.json" >"$lab/node1/cni-add-$name.json" 2>>"$lab/logs/cni-stderr.log" ||
      die "CNI ADD for $ns/$name failed: $(cat "$lab/node1/cni-add-$name.json") (see $lab/logs/cni.log)"
    log "$ns/$name: $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["ips"][0]["address"])' "$lab/node1/cni-add-$name.json")"
    # The pod's "container": TCP listeners on 8080 and 9090.
    for port in 8080 9090; do
      setsid ip netns exec "rt-$name" nc -lk -p "$port" >/dev/null 2>&1 </dev/null &
      echo $! >>"$lab/listeners.pid"
    done
  done
  local t_pods
  t_pods=$(date +%s.%N)
  python3 -c 'import sys; t=[float(x) for x in sys.argv[1:]]; print("boot: apiserver ready %.1fs, felix ready %.1fs, pods wired %.1fs" % (t[1]-t[0], t[2]-t[0], t[3]-t[0]))' \
    "$t0" "$t_api" "$t_felix" "$t_pods" | tee "$lab/boot-times.txt"
}

pod_ip() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["ips"][0]["address"].split("/")[0])' "$lab/node1/cni-add-pod-$1.json"; }

probe1() { # src dst port -> prints allow/deny
  if ip netns exec "rt-pod-$1" nc -z -w 2 "$(pod_ip "$2")" "$3" >/dev/null 2>&1; then echo allow; else echo deny; fi
}

# Waits until a flow's probe answers as expected (Felix programs asynchronously), at most 30 s.
converge() { # src dst port expected
  for ((i = 0; i < 60; i++)); do
    [[ "$(probe1 "$1" "$2" "$3")" == "$4" ]] && return 0
    sleep 0.5
  done
  return 1
}

probe() {
  local flows=("a b 8080" "a b 9090" "b a 8080" "b a 9090")
  echo "== no policy (Calico's default for a pod with no policy: allow)"
  converge a b 8080 allow || true
  for f in "${flows[@]}"; do set -- $f; echo "pod-$1 -> pod-$2:$3 $(probe1 "$1" "$2" "$3")"; done
  if [[ $datastore == etcdv3 ]]; then
    DATASTORE_TYPE=etcdv3 ETCD_ENDPOINTS=http://127.0.0.1:23790 "$calico_dir/calicoctl" apply -f - <<EOF
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: default-deny}
spec: {order: 1000, selector: all(), types: [Ingress]}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: allow-a-to-b-8080}
spec:
  order: 100
  selector: all()
  types: [Ingress]
  ingress:
    - action: Allow
      protocol: TCP
      source: {nets: [$(pod_ip a)/32]}
      destination: {nets: [$(pod_ip b)/32], ports: [8080]}
EOF
  else
  k apply -f - >/dev/null <<EOF
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: default}
spec: {podSelector: {}, policyTypes: [Ingress]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-a-to-b-8080, namespace: default}
spec:
  podSelector: {matchLabels: {app: b}}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {matchLabels: {app: a}}}], ports: [{protocol: TCP, port: 8080}]}]
EOF
  fi
  echo "== default-deny + allow app=a -> app=b TCP 8080"
  converge a b 9090 deny || echo "(did not converge within 30 s)"
  for f in "${flows[@]}"; do set -- $f; echo "pod-$1 -> pod-$2:$3 $(probe1 "$1" "$2" "$3")"; done
}

# Stops the process group of a pid file: TERM, up to `grace` seconds to exit, then KILL.
stop() { # pidfile grace
  [[ -f "$1" ]] || return 0
  local p i
  while read -r p; do
    kill -- "-$p" 2>/dev/null || kill "$p" 2>/dev/null || true
    for ((i = 0; i < $2 * 2; i++)); do kill -0 "$p" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$p" 2>/dev/null; then kill -KILL -- "-$p" 2>/dev/null || kill -KILL "$p" 2>/dev/null || true; fi
  done <"$1"
}

down() {
  stop "$lab/listeners.pid" 2
  stop "$lab/node1.pid" 10
  stop "$lab/felix.pid" 10
  # kube-apiserver before etcd: with etcd gone first, its graceful shutdown waited for etcd for ever and it
  # kept 6443 bound, so the next `up` timed out on /readyz (seen 2026-12-07; `up` now also checks the ports).
  stop "$lab/kube-apiserver.pid" 20
  stop "$lab/etcd.pid" 10
  local spec name
  for spec in "${pods[@]}"; do
    read -r _ name _ <<<"$spec"
    ip netns del "rt-$name" 2>/dev/null || true
  done
  ip netns del "$node" 2>/dev/null || true
  ip link del rt-h1 2>/dev/null || true
  rm -rf "$lab"
  log "down"
}

case "${1:-}" in
  up) up ;;
  probe) probe ;;
  down) down ;;
  *) echo "usage: $0 up|probe|down" >&2; exit 2 ;;
esac
