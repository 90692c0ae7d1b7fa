#!/bin/sh
# Calico preflight probe: one round trip per board. Prints one JSON object of facts; decides nothing
# (the role's assertions do). Arguments arrive quoted by Ansible and are only compared, never executed:
# $1 = cmdline.txt path, $2 = pod CIDR, $3 = service CIDR (both validated by picocal).
cmdline_path="${1:-/boot/firmware/cmdline.txt}"
pod_cidr="${2:-}"
service_cidr="${3:-}"

json_str() { printf '"%s"' "$(printf '%s' "$1" | tr -d '\n\r\t' | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')"; }

kver=$(uname -r)
feature() {
  # $1 module name, $2 kernel config symbol
  if [ -d "/sys/module/$1" ]; then echo loaded; return; fi
  for d in "/lib/modules/$kver" "/usr/lib/modules/$kver"; do
    if [ -f "$d/modules.builtin" ] && grep -q "/$1\.ko" "$d/modules.builtin"; then echo builtin; return; fi
    if [ -f "$d/modules.dep" ] && grep -q "/$1\.ko" "$d/modules.dep"; then echo module; return; fi
  done
  if [ -r /proc/config.gz ]; then
    v=$(zcat /proc/config.gz 2>/dev/null | grep "^CONFIG_$2=" | cut -d= -f2)
    [ "$v" = y ] && { echo builtin; return; }
    [ "$v" = m ] && { echo module; return; }
  fi
  echo missing
}

cgroup_memory=false
if [ -r /sys/fs/cgroup/cgroup.controllers ] && grep -qw memory /sys/fs/cgroup/cgroup.controllers; then
  cgroup_memory=true
elif [ -r /proc/cgroups ] && awk '$1=="memory" && $4=="1" {f=1} END {exit !f}' /proc/cgroups; then
  cgroup_memory=true
fi

iptables_backend=missing
if command -v iptables >/dev/null 2>&1; then
  case "$(iptables --version 2>/dev/null)" in
    *nf_tables*) iptables_backend=nft ;;
    *legacy*) iptables_backend=legacy ;;
    *) iptables_backend=legacy ;;
  esac
fi

addrs=$(ip -o -4 addr show 2>/dev/null | awk '{print $4}' | tr '\n' ' ')
addr_json=""
for a in $addrs; do addr_json="$addr_json${addr_json:+,}\"$a\""; done

# Node networks that overlap the pod or service CIDR (loopback excluded).
overlaps=$(ip -o -4 addr show 2>/dev/null | awk -v pod="$pod_cidr" -v svc="$service_cidr" '
  function ipnum(s,  p) { split(s, p, "."); return ((p[1] * 256 + p[2]) * 256 + p[3]) * 256 + p[4] }
  function lo(c,  a, n) { split(c, a, "/"); n = 2 ^ (32 - a[2]); return int(ipnum(a[1]) / n) * n }
  function hi(c,  a) { split(c, a, "/"); return lo(c) + 2 ^ (32 - a[2]) - 1 }
  function over(x, y) { return lo(x) <= hi(y) && lo(y) <= hi(x) }
  $2 != "lo" {
    if (pod != "" && over($4, pod)) printf "%s\"%s (%s) overlaps pod CIDR %s\"", (n++ ? "," : ""), $4, $2, pod
    if (svc != "" && over($4, svc)) printf "%s\"%s (%s) overlaps service CIDR %s\"", (n++ ? "," : ""), $4, $2, svc
  }')

cmdline_exists=false
cmdline=""
if [ -f "$cmdline_path" ]; then cmdline_exists=true; cmdline=$(head -n 1 "$cmdline_path"); fi
# The command line the running kernel booted with: flags in cmdline.txt but not here await a reboot.
booted_cmdline=$(cat /proc/cmdline 2>/dev/null)

# NetworkManager runs here (its drop-in folder alone proves nothing: node prep creates it).
nm=false
if command -v NetworkManager >/dev/null 2>&1 || [ -x /usr/sbin/NetworkManager ]; then nm=true; fi

# Node prep loads at once only what the kernel has as a loadable module and has not loaded yet.
modules=""
for m in ip_set ip_tables xt_set xt_mark xt_multiport xt_conntrack vxlan ipip; do
  modules="$modules${modules:+,}\"$m\":\"$(feature "$m" "")\""
done

printf '{"arch":%s,"kernel":%s,"hostname":%s,"epoch":%s,' \
  "$(json_str "$(uname -m)")" "$(json_str "$kver")" "$(json_str "$(cat /proc/sys/kernel/hostname)")" "$(date +%s)"
printf '"features":{"vxlan":"%s","ipip":"%s","wireguard":"%s","ip_set":"%s"},' \
  "$(feature vxlan VXLAN)" "$(feature ipip NET_IPIP)" "$(feature wireguard WIREGUARD)" "$(feature ip_set IP_SET)"
printf '"cgroup_memory":%s,"iptables_backend":"%s","addresses":[%s],"networkmanager":%s,' \
  "$cgroup_memory" "$iptables_backend" "$addr_json" "$nm"
printf '"overlaps":[%s],"modules":{%s},' "$overlaps" "$modules"
printf '"cmdline_exists":%s,"cmdline":%s,"booted_cmdline":%s}\n' \
  "$cmdline_exists" "$(json_str "$cmdline")" "$(json_str "$booted_cmdline")"
