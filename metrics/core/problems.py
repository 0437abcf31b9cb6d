"""A problem found in input data, worded the way the contract asks."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

ROWS_SHOWN = 5


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one column of one file, with the first offending rows."""

    file: str
    column: str
    message: str
    rows: tuple[int, ...] = ()
    row_count: int = 0

    def __str__(self) -> str:
        if not self.file:
            return self.message
        text = f"{self.file}: {self.column}: {self.message}"
        if self.rows:
            shown = ", ".join(str(row) for row in self.rows)
            more = f" and {self.row_count - len(self.rows)} more" if self.row_count > len(self.rows) else ""
            text += f" (rows: {shown}{more})"
        return text


def problem_at(file: str, column: str, message: str, rows: Iterable[int]) -> Problem:
    """A problem naming the first few rows (numbered from 1, the first data row)."""
    row_list = [int(row) for row in rows]
    return Problem(file, column, message, tuple(row_list[:ROWS_SHOWN]), len(row_list))


class InputError(Exception):
    """Bad input: carries the problems so a command can print them and exit 1."""

    def __init__(self, problems: list[Problem] | str):
        if isinstance(problems, str):
            problems = [Problem("", "", problems)]
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))
