"""The national table at a glance: above the table, how many provinces are at each status for
each target (counted over the rows already computed, no query); the provinces worst first
unless a sort was asked; those with no record at all folded into one line."""

import dataclasses

from plan_tracker import metrics
from plan_tracker.status import Status, status_info


def at_a_glance(figures: metrics.Table, *, sorted_by_user: bool) -> dict:
    """What the national dashboard adds: `glance` (per target, the count of each status over
    every province), `quiet` (the provinces with no record) and `table_figures`, the table the
    page draws: the others, worst first when the user asked for no sort. `figures` itself is
    left whole (the total, the downloads and the charts read it)."""
    measured = [t for t in figures.targets if t.metric in metrics.TARGET_FIGURES]
    metric_names = [t.metric for t in measured]
    counts = metrics.status_counts(figures.rows, metric_names)
    order = [Status.MET, Status.NOT_MET, Status.ON_TRACK, Status.BEHIND, Status.NOT_APPLICABLE]
    glance = [
        {
            "target": target,
            "cells": [(status_info(s), counts[target.metric][s.value]) for s in order],
        }
        for target in measured
    ]
    shown = [row for row in figures.rows if metrics.has_records(row)]
    if not sorted_by_user:
        # sorted() is stable: within a status, the provinces keep their order by code.
        shown.sort(key=lambda row: metrics.worst_first_key(row, metric_names))
    return {
        "glance": glance,
        "glance_statuses": [status_info(s) for s in order],
        "quiet": [row.locality for row in figures.rows if not metrics.has_records(row)],
        "table_figures": dataclasses.replace(figures, rows=shown),
    }
