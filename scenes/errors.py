"""The one error a scene file can raise."""

from __future__ import annotations


class SceneError(ValueError):
    """A scene file that cannot be used, with where the problem is.

    The message reads ``<file>: step <i> ("<id>"): field "<field>": <problem>``; the step and field parts are
    left out when the problem is not inside one (bad TOML, an empty ``steps`` list). The parts are also kept
    as attributes so tests and tools need not parse the message.
    """

    def __init__(
        self,
        file: str,
        problem: str,
        *,
        step_index: int | None = None,
        step_id: str | None = None,
        field: str | None = None,
    ) -> None:
        self.file = file
        self.problem = problem
        self.step_index = step_index
        self.step_id = step_id
        self.field = field
        parts = [file]
        if step_index is not None:
            parts.append(f'step {step_index} ("{step_id}")' if step_id else f"step {step_index}")
        if field is not None:
            parts.append(f'field "{field}"')
        parts.append(problem)
        super().__init__(": ".join(parts))
