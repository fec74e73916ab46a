"""What the benchmark scenarios share: the context, figures with their goals, the report."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Context:
    database_url: str
    work_dir: Path
    shared: dict[str, Any] = field(default_factory=dict)  # left by one scenario for the next


@dataclass
class Figure:
    """One measured number; ``goal`` is the text shown next to it, ``met`` whether it meets it
    (None when it has no goal)."""

    label: str
    value: float
    unit: str
    goal: str = ""
    met: bool | None = None
    decimals: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "value": round(self.value, 4),
            "unit": self.unit,
            "goal": self.goal,
            "met": self.met,
            "decimals": self.decimals,
        }

    def text(self) -> str:
        if self.unit == "duration":
            return duration(self.value)
        return f"{self.value:,.{self.decimals}f} {self.unit}".rstrip()


def duration(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes:02d} min {rest:02d} s"
    return f"{minutes} min {rest:02d} s" if minutes else f"{seconds:.1f} s"


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of already sorted values."""
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


def format_report(results: dict[str, Any]) -> str:
    env = results["environment"]
    lines = [
        "",
        "Dukcapil Daring benchmarks",
        f"  {env['started_at']}  commit {env['git_commit'] or '?'}  {env['postgresql']}",
        f"  {env['cpus']} CPUs, load average {env['load_average_at_start'][0]} at start, "
        f"{env.get('load_average_at_end', ['?'])[0]} at end; PostgreSQL "
        + ", ".join(f"{k}={v}" for k, v in env["postgresql_settings"].items()),
    ]
    for scenario in results["scenarios"]:
        lines += ["", f"{scenario['title']}  ({duration(scenario['seconds'])})"]
        width = max(len(f["label"]) for f in scenario["figures"])
        for f in scenario["figures"]:
            figure = Figure(**f)
            verdict = {True: "met", False: "NOT MET", None: ""}[f["met"]]
            goal = f"goal {f['goal']}  {verdict}" if f["goal"] else ""
            lines.append(f"  {f['label']:<{width}}  {figure.text():>16}   {goal}".rstrip())
    return "\n".join(lines)
