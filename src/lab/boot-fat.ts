// The board's /boot/firmware as Raspberry Pi OS mounts it: a FAT (vfat) partition, mounted `defaults`
// (https://www.raspberrypi.com/documentation/computers/configuration.html#the-boot-folder). The kernel
// this lab runs on has no vfat, so a small FUSE file system (python3-fusepy) over a folder kept per node
// behaves as Linux's vfat does with default options, following fs/fat/file.c and fs/fat/inode.c
// (https://github.com/torvalds/linux/blob/master/fs/fat/file.c):
// - every file and folder shows as owned by root:root, mode 0755 (fmask/dmask = the mounter's umask 022);
// - chown to anything but root:root fails with EPERM (fat_setattr);
// - chmod fails with EPERM unless the r and x bits stay as they are and the w bits are all or none
//   (fat_sanitize_mode); a successful chmod changes nothing shown (only ATTR_RO, kept here);
// - no symbolic or hard links (vfat has no .symlink/.link inode operations: EPERM from the VFS).
// Data lives in the node's boot folder on the host, so it survives a power cycle or a reboot. LAB ONLY.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const BOOT_FAT_SCRIPT = 'boot-fat.py';

const SCRIPT = `#!/usr/bin/python3
# picocal lab (LAB ONLY): vfat semantics over a folder; see src/lab/boot-fat.ts for the upstream rules.
# usage: boot-fat.py BACKING_DIR MOUNTPOINT
import errno, os, stat, sys
from fusepy import FUSE, FuseOSError, Operations

S_IRUGO, S_IWUGO, S_IXUGO = 0o444, 0o222, 0o111
FMASK = DMASK = 0o022

class Vfat(Operations):
    def __init__(self, root):
        self.root = root
        self.readonly = set()

    def _p(self, path):
        return os.path.join(self.root, path.lstrip('/'))

    def _mode(self, path, st):
        if stat.S_ISDIR(st.st_mode):
            return stat.S_IFDIR | (0o777 & ~DMASK)
        perm = 0o777 & ~FMASK
        if path in self.readonly:
            perm &= ~S_IWUGO
        return stat.S_IFREG | perm

    def getattr(self, path, fh=None):
        try:
            st = os.lstat(self._p(path))
        except OSError as e:
            raise FuseOSError(e.errno)
        return {'st_mode': self._mode(path, st), 'st_nlink': 1, 'st_uid': 0, 'st_gid': 0,
                'st_size': st.st_size, 'st_atime': st.st_atime, 'st_mtime': st.st_mtime,
                'st_ctime': st.st_ctime}

    def chmod(self, path, mode):
        st = os.lstat(self._p(path))
        cur = self._mode(path, st)
        mask = DMASK if stat.S_ISDIR(st.st_mode) else FMASK
        perm = mode & 0o777 & ~mask
        if (perm & (S_IRUGO | S_IXUGO)) != (cur & (S_IRUGO | S_IXUGO)):
            raise FuseOSError(errno.EPERM)
        if stat.S_ISDIR(st.st_mode):
            if (perm & S_IWUGO) != (S_IWUGO & ~mask):
                raise FuseOSError(errno.EPERM)
        elif (perm & S_IWUGO) and (perm & S_IWUGO) != (S_IWUGO & ~mask):
            raise FuseOSError(errno.EPERM)
        if not stat.S_ISDIR(st.st_mode):
            (self.readonly.add if not (perm & S_IWUGO) else self.readonly.discard)(path)
        return 0

    def chown(self, path, uid, gid):
        if uid not in (0, -1, 0xFFFFFFFF) or gid not in (0, -1, 0xFFFFFFFF):
            raise FuseOSError(errno.EPERM)
        return 0

    def symlink(self, target, source):
        raise FuseOSError(errno.EPERM)

    def link(self, target, source):
        raise FuseOSError(errno.EPERM)

    def mknod(self, path, mode, dev):
        raise FuseOSError(errno.EPERM)

    def readlink(self, path):
        raise FuseOSError(errno.EINVAL)

    def access(self, path, amode):
        if not os.path.exists(self._p(path)):
            raise FuseOSError(errno.ENOENT)
        return 0

    def readdir(self, path, fh):
        return ['.', '..'] + os.listdir(self._p(path))

    def statfs(self, path):
        sv = os.statvfs(self._p(path))
        return {k: getattr(sv, k) for k in ('f_bavail', 'f_bfree', 'f_blocks', 'f_bsize', 'f_favail',
                                            'f_ffree', 'f_files', 'f_flag', 'f_frsize', 'f_namemax')}

    def mkdir(self, path, mode):
        os.mkdir(self._p(path), 0o755)

    def rmdir(self, path):
        os.rmdir(self._p(path))

    def unlink(self, path):
        os.unlink(self._p(path))
        self.readonly.discard(path)

    def rename(self, old, new):
        os.rename(self._p(old), self._p(new))
        if old in self.readonly:
            self.readonly.discard(old)
            self.readonly.add(new)

    def utimens(self, path, times=None):
        os.utime(self._p(path), times)
        return 0

    def open(self, path, flags):
        if path in self.readonly and (flags & (os.O_WRONLY | os.O_RDWR)):
            raise FuseOSError(errno.EACCES)
        return os.open(self._p(path), flags)

    def create(self, path, mode, fi=None):
        return os.open(self._p(path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)

    def read(self, path, size, offset, fh):
        os.lseek(fh, offset, os.SEEK_SET)
        return os.read(fh, size)

    def write(self, path, data, offset, fh):
        os.lseek(fh, offset, os.SEEK_SET)
        return os.write(fh, data)

    def truncate(self, path, length, fh=None):
        with open(self._p(path), 'r+b') as f:
            f.truncate(length)

    def flush(self, path, fh):
        return 0

    def release(self, path, fh):
        return os.close(fh)

    def fsync(self, path, datasync, fh):
        return os.fsync(fh)

if __name__ == '__main__':
    FUSE(Vfat(sys.argv[1]), sys.argv[2], foreground=True, allow_other=True, default_permissions=True,
         nothreads=True, fsname='picocal-lab-vfat')
`;

export function writeBootFatScript(labDir: string): string {
  const path = join(labDir, BOOT_FAT_SCRIPT);
  writeFileSync(path, SCRIPT, { mode: 0o755 });
  return path;
}
