"""The one shape of a workflow: a transition table (state → allowed targets → who may move the row there).

Each workflow (offers, funding applications, project ideas, Datenlücken) declares its table once, next to its
services. The services ask the table whether a step is allowed from the current state and which permission it
needs; the pages ask it which steps to offer. Whether the user holds the permission is decided by `rules`
(`user.has_perm(transition.perm, obj)`), never here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Transition:
    """One step: from any of `sources` to `target`, for users holding `perm` on the row.

    `action` names the step where one target is reached in several ways (offers: "zurückgeben" and
    "zurücknehmen" both lead back to the draft); it defaults to the target. `success_message` (optional) is
    the plain-language confirmation shown after the step, with `%(obj)s` for the row's name; see
    `success_message_for`.
    """

    sources: tuple[str, ...]
    target: str
    perm: str
    action: str = ""
    label: str = ""
    comment_required: bool = False
    success_message: str = ""

    def __post_init__(self):
        if not self.action:
            object.__setattr__(self, "action", str(self.target))

    def success_message_for(self, obj) -> str:
        """The confirmation naming the row (`""` when the step has none; the page then says its own)."""
        if not self.success_message:
            return ""
        return str(self.success_message) % {"obj": obj}


class TransitionTable:
    """All steps of one workflow, looked up by action, by source state or by (source, target)."""

    def __init__(self, transitions: Iterable[Transition], *, state_field: str = "status"):
        self.transitions = tuple(transitions)
        self.state_field = state_field
        self._by_action = {t.action: t for t in self.transitions}
        if len(self._by_action) != len(self.transitions):
            raise ValueError("Two transitions share an action name.")

    def __iter__(self) -> Iterator[Transition]:
        return iter(self.transitions)

    def get(self, action: str) -> Transition | None:
        """The step named `action`, or None."""
        return self._by_action.get(action)

    def from_state(self, source: str) -> list[Transition]:
        """The steps the workflow allows from `source` (for anyone)."""
        return [t for t in self.transitions if source in t.sources]

    def targets(self, source: str) -> list[str]:
        """The states a row in `source` may move to."""
        return [t.target for t in self.from_state(source)]

    def find(self, source: str, target: str) -> Transition | None:
        """The step from `source` to `target`, or None when the workflow does not allow that move."""
        return next((t for t in self.from_state(source) if t.target == target), None)

    def available(self, obj, user) -> list[Transition]:
        """The steps this user may take on this row now (for the buttons on its page)."""
        return [t for t in self.from_state(getattr(obj, self.state_field)) if user.has_perm(t.perm, obj)]
