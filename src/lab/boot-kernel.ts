// What a lab board's kernel shows as it boots, set up by node-init.sh on every boot (lab up, power-on, a
// reboot). LAB ONLY. The lab's nodes share the host's kernel, so three of its files are replaced per boot:
// - /proc/sys/kernel/random/boot_id: a new random UUID each boot, as the kernel makes one per boot
//   (https://docs.kernel.org/admin-guide/sysctl/kernel.html#random); Ansible's reboot module compares it
//   before and after to know the board really rebooted (boot_time_command, default
//   `cat /proc/sys/kernel/random/boot_id`,
//   https://docs.ansible.com/ansible/latest/collections/ansible/builtin/reboot_module.html).
// - /proc/cmdline: the first line of the board's cmdline.txt as it was at boot (the Pi firmware passes it
//   to the kernel: https://www.raspberrypi.com/documentation/computers/configuration.html#kernel-command-line-cmdline-txt);
//   a board without cmdline.txt keeps the host's.
// - /proc/cgroups: the host's, with the memory controller's `enabled` column as a Raspberry Pi kernel sets
//   it: off unless the command line has cgroup_enable=memory (or the older cgroup_memory=1), and off with
//   cgroup_disable=memory (raspberrypi/linux 9b0efcc1 "cgroup: Disable cgroup "memory" by default",
//   https://github.com/raspberrypi/linux/commit/9b0efcc1ec497b2985c6aaa60cd97f0d2d96d203, and #6980).
//   A board without cmdline.txt (not a Pi) keeps the host's value, as a mainline kernel would.
// The files live in the node's folder on the host (<node>/kernel/), readable by tests.

/** Shell lines for node-init.sh: need $merged (the board's root), $upper and $boot (its FAT folder). */
export const KERNEL_VIEW_SCRIPT = `# The board's kernel view for this boot (see src/lab/boot-kernel.ts).
kdir=$(dirname "$upper")/kernel
mkdir -p "$kdir"
cat /proc/sys/kernel/random/uuid > "$kdir/boot_id"
memory=
if [ -f "$boot/cmdline.txt" ]; then
  head -n 1 "$boot/cmdline.txt" > "$kdir/cmdline"
  memory=0
  for w in $(cat "$kdir/cmdline"); do
    case "$w" in cgroup_enable=memory|cgroup_memory=1) memory=1 ;; esac
  done
  for w in $(cat "$kdir/cmdline"); do [ "$w" = cgroup_disable=memory ] && memory=0; done
else
  cat /proc/cmdline > "$kdir/cmdline"
fi
awk -v m="$memory" 'BEGIN { OFS = "\\t" } $1 == "memory" && m != "" { $4 = m } { print }' /proc/cgroups > "$kdir/cgroups"
mount --bind "$kdir/boot_id" "$merged/proc/sys/kernel/random/boot_id"
mount --bind "$kdir/cmdline" "$merged/proc/cmdline"
mount --bind "$kdir/cgroups" "$merged/proc/cgroups"
`;

/** Host folder of a node's per-boot kernel files (boot_id, cmdline, cgroups). */
export function kernelViewDir(nodeDir: string): string {
  return `${nodeDir}/kernel`;
}
