"""A row of a task table, read back from its passage: the task, who leads it, who does it, by when.

Work plans put their assignments in tables (任务 / 牵头单位 / 责任单位 / 完成时限, in any order).
``index/docx_reader.py`` writes each row under its header as one line of labelled values
(``任务：…；牵头单位：…；完成时限：…。``); the digest reads such a line here, whoever wrote it.
Labels are matched on the normalized key, so 牽頭單位 is 牵头单位.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .normalize import normalize, normalize_with_offsets

_TASK = "任务|工作任务|重点任务|主要任务|任务内容|工作内容|工作事项|具体任务"
_LEAD = "牵头单位|牵头部门|牵头领导|牵头责任单位"
_OWNER = "责任单位|责任部门|配合单位|配合部门|参与单位|责任主体|承办单位"
_DEADLINE = "完成时限|完成时间|时限|时间节点|完成期限|时间要求"
_LABEL = re.compile(
    rf"(?:^|(?<=[;；。]))\s*(?:(?P<task>{_TASK})|(?P<lead>{_LEAD})|(?P<owner>{_OWNER})|(?P<deadline>{_DEADLINE}))\s*[:：]"
)
_OWNER_SEPARATORS = re.compile(r"[、，,;；/\s]+")
_ANY_LABEL = re.compile(f"{_TASK}|{_LEAD}|{_OWNER}|{_DEADLINE}")


@dataclass(frozen=True)
class TaskRow:
    """A task table's row, each value as written."""

    task: str
    owners: tuple[str, ...]
    """The leading body first, then the others responsible (县农业农村局, 各乡镇)."""
    deadline: str | None


def is_task_label(text: str) -> bool:
    """Whether ``text`` is a task table's column label (任务, 牵头单位, 完成时限 …), in either script."""
    return bool(_ANY_LABEL.fullmatch(normalize(text).strip()))


def read_task_row(text: str) -> TaskRow | None:
    """The task row ``text`` is (a line ``任务：…；牵头单位：…；完成时限：…。``), or None when it
    names no task, or neither who does it nor by when."""
    key, offsets = normalize_with_offsets(text.strip())
    labels = list(_LABEL.finditer(key))
    values: dict[str, str] = {}
    for index, label in enumerate(labels):
        end = labels[index + 1].start() if index + 1 < len(labels) else len(key)
        start = label.end()
        value = text.strip()[offsets[start] : offsets[end - 1] + 1] if end > start else ""
        values.setdefault(label.lastgroup or "", value.strip().rstrip("。；;，, "))
    if not values.get("task") or not (values.get("lead") or values.get("owner") or values.get("deadline")):
        return None
    owners = [name for field in ("lead", "owner") for name in _OWNER_SEPARATORS.split(values.get(field, "")) if name]
    return TaskRow(values["task"], tuple(dict.fromkeys(owners)), values.get("deadline") or None)
