#!/usr/bin/python
# -*- coding: utf-8 -*-
# Read-only state of a board in ONE module run (like service_facts or package_facts): whether files have the
# wanted content and mode, which folders exist, files' sha256, and the kernel parameters' live values. The
# roles' change tasks then run only `when:` this says they are needed: a skipped task costs the board no
# module start-up, so a re-run of a converged board is one state read plus skips.
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: calico_state
short_description: Read the state picocal's roles converge, in one run per board
description:
  - Compares files with the content and mode the role would write, tells which folders exist, returns
    files' sha256 and which kernel parameters differ from the wanted value. Changes nothing.
options:
  files:
    description: What to compare, by an id of the caller's choosing; C(content) is the rendered text.
    type: dict
    default: {}
  dirs:
    description: Folders whose existence is reported, by id.
    type: dict
    default: {}
  checksums:
    description: Files whose sha256 is reported (null when absent), by id.
    type: dict
    default: {}
  sysctls:
    description: Kernel parameters (dotted names) and their wanted values.
    type: dict
    default: {}
author: picocal
"""

RETURN = r"""
files:
  description: Per id, C(exists) and C(differs) (content or mode not what the role writes).
  type: dict
  returned: always
dirs:
  description: Per id, whether the folder exists.
  type: dict
  returned: always
checksums:
  description: Per id, the file's sha256, or null when it is not a regular file.
  type: dict
  returned: always
sysctls_differ:
  description: The kernel parameters whose live value is not the wanted one (or that cannot be read).
  type: list
  returned: always
"""

import hashlib
import os
import stat

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_bytes


def file_state(spec):
    path = spec["path"]
    try:
        st = os.stat(path)
    except OSError:
        return {"exists": False, "differs": True}
    if not stat.S_ISREG(st.st_mode):
        return {"exists": True, "differs": True}
    differs = False
    if spec.get("mode") is not None and stat.S_IMODE(st.st_mode) != int(str(spec["mode"]), 8):
        differs = True
    with open(path, "rb") as f:
        if f.read() != to_bytes(spec.get("content", ""), errors="surrogate_or_strict"):
            differs = True
    return {"exists": True, "differs": differs}


def sha256(path):
    if not os.path.isfile(path):
        return None
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def sysctl_differs(name, wanted):
    try:
        with open(os.path.join("/proc/sys", *name.split(".")), "r") as f:
            live = f.read()
    except (IOError, OSError):
        return True
    return live.split() != str(wanted).split()


def main():
    module = AnsibleModule(
        argument_spec=dict(
            files=dict(type="dict", default={}),
            dirs=dict(type="dict", default={}),
            checksums=dict(type="dict", default={}),
            sysctls=dict(type="dict", default={}),
        ),
        supports_check_mode=True,
    )
    p = module.params
    module.exit_json(
        changed=False,
        files=dict((k, file_state(v)) for k, v in p["files"].items()),
        dirs=dict((k, os.path.isdir(v)) for k, v in p["dirs"].items()),
        checksums=dict((k, sha256(v)) for k, v in p["checksums"].items()),
        sysctls_differ=sorted(k for k, v in p["sysctls"].items() if sysctl_differs(k, v)),
    )


if __name__ == "__main__":
    main()
