# -*- coding: utf-8 -*-
# picocal's progress feed: one JSON object per line, per event, written to the file descriptor (or path)
# named by PICOCAL_EVENTS (default: fd 3). A notification callback, so Ansible's own output stays as is.
# Failure messages pass through Ansible's no_log censoring before they reach this plugin.
from __future__ import annotations

DOCUMENTATION = """
    name: picocal_jsonl
    type: notification
    short_description: JSON lines of play, task and per-host results for picocal
    description:
      - Writes one JSON object per event to the descriptor or file named by PICOCAL_EVENTS.
    requirements:
      - enable in ANSIBLE_CALLBACKS_ENABLED
"""

import json
import os
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "notification"
    CALLBACK_NAME = "picocal_jsonl"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        target = os.environ.get("PICOCAL_EVENTS", "3")
        if target.isdigit():
            self._out = os.fdopen(int(target), "w", buffering=1, encoding="utf-8", closefd=False)
        else:
            self._out = open(target, "a", buffering=1, encoding="utf-8")
        self._task = None

    def _emit(self, event, **fields):
        fields["event"] = event
        fields["time"] = round(time.time(), 3)
        try:
            self._out.write(json.dumps(fields, default=str) + "\n")
        except (OSError, ValueError):
            pass  # picocal went away: never fail the play because of progress reporting

    @staticmethod
    def _host(result):
        return result._host.get_name()

    def _task_fields(self, task):
        role = getattr(task, "_role", None)
        return {"task": task.get_name(), "role": role.get_name() if role else None, "uuid": task._uuid}

    @staticmethod
    def _message(result):
        r = result._result
        msg = r.get("msg") or r.get("stderr") or r.get("reason") or ""
        stderr = str(r.get("stderr") or "").strip()
        if msg == "non-zero return code" and stderr:
            # A failed command's own words say more than Ansible's summary of it.
            msg = "%s (rc=%s): %s" % (msg, r.get("rc"), stderr.splitlines()[-1])
        if not msg and r.get("results"):
            msgs = [i.get("msg") for i in r["results"] if isinstance(i, dict) and i.get("failed")]
            msg = "; ".join(str(m) for m in msgs if m)
        return str(msg).strip()

    def v2_playbook_on_start(self, playbook):
        self._playbook = playbook
        self._planned = False
        self._emit("playbook_start", playbook=playbook._file_name)

    @classmethod
    def _count_tasks(cls, block):
        # The tasks a board goes through (rescue blocks only run on failure; meta tasks report nothing).
        n = 0
        for t in list(getattr(block, "block", [])) + list(getattr(block, "always", [])):
            if hasattr(t, "block"):
                n += cls._count_tasks(t)
            elif getattr(t, "action", "") not in ("meta", "ansible.builtin.meta"):
                n += 1
        return n

    def _emit_plan(self, first_play):
        # How many tasks each board will go through in the whole playbook, for "task n/N" (best effort:
        # a playbook picocal cannot count still runs, only without a total).
        try:
            inventory = first_play.get_variable_manager()._inventory
            totals = {}
            for play in self._playbook.get_plays():
                n = sum(self._count_tasks(b) for b in play.compile())
                for host in inventory.get_hosts(play.hosts):
                    totals[host.get_name()] = totals.get(host.get_name(), 0) + n
            self._emit("plan", tasks=totals)
        except Exception:  # noqa: BLE001 - progress reporting never fails the play
            pass

    def v2_playbook_on_play_start(self, play):
        self._emit("play_start", play=play.get_name())
        if not getattr(self, "_planned", True):
            self._planned = True
            self._emit_plan(play)

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._emit("task_start", **self._task_fields(task))

    def v2_playbook_on_handler_task_start(self, task):
        self._emit("task_start", handler=True, **self._task_fields(task))

    @staticmethod
    def _loop_fields(task):
        # A task of a file included once per item (loop_control.extended): which item of how many, so a
        # board's row can say "Calico | Pull images 3/12".
        try:
            loop = task.get_vars().get("ansible_loop")
            if isinstance(loop, dict) and "index" in loop and "length" in loop:
                return {"loop": {"index": int(loop["index"]), "length": int(loop["length"])}}
        except Exception:  # noqa: BLE001 - progress reporting never fails the play
            pass
        return {}

    def v2_runner_on_start(self, host, task):
        self._emit("host_task_start", host=host.get_name(), **self._task_fields(task), **self._loop_fields(task))

    def v2_runner_on_ok(self, result):
        self._emit("ok", host=self._host(result), changed=bool(result._result.get("changed")), **self._task_fields(result._task))

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._emit(
            "failed",
            host=self._host(result),
            ignored=bool(ignore_errors),
            message=self._message(result),
            **self._task_fields(result._task),
        )

    def v2_runner_on_unreachable(self, result):
        self._emit("unreachable", host=self._host(result), message=self._message(result), **self._task_fields(result._task))

    def v2_runner_on_skipped(self, result):
        self._emit("skipped", host=self._host(result), **self._task_fields(result._task))

    def v2_playbook_on_stats(self, stats):
        hosts = {}
        for h in sorted(stats.processed.keys()):
            s = stats.summarize(h)
            hosts[h] = {
                "ok": s["ok"],
                "changed": s["changed"],
                "failed": s["failures"],
                "unreachable": s["unreachable"],
                "skipped": s["skipped"],
                "rescued": s["rescued"],
                "ignored": s["ignored"],
            }
        self._emit("stats", hosts=hosts)
