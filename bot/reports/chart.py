"""A report as a PNG: messages over time and messages per UTC hour of day (matplotlib, Agg, worker thread).

Figures are built with the object API (`matplotlib.figure.Figure`), not pyplot: they are never
registered in pyplot's global figure list, so threads do not share state and nothing leaks; a lock
still serialises drawing because matplotlib makes no thread-safety promise.
"""

from __future__ import annotations

import asyncio
import io
import threading

from matplotlib.backends.backend_agg import FigureCanvasAgg  # no display needed: Agg draws in memory
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure

from bot.reports.model import Report
from bot.util.timeutil import from_ms

WIDTH_IN, HEIGHT_IN, DPI = 10.0, 6.5, 100      # 1000 x 650 pixels
_lock = threading.Lock()


async def render_chart_png(report: Report) -> bytes:
    return await asyncio.to_thread(_render, report)


def _render(report: Report) -> bytes:
    with _lock:
        fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, layout="constrained")
        FigureCanvasAgg(fig)
        try:
            over_time, by_hour = fig.subplots(2, 1, height_ratios=(3, 2))
            times = [from_ms(p.start_ms) for p in report.series]
            counts = [p.messages for p in report.series]
            if report.series_unit == "day":
                over_time.bar(times, counts, width=0.8, align="edge", color="#4e79a7")
            else:
                over_time.plot(times, counts, marker="o", markersize=3, color="#4e79a7")
                over_time.fill_between(times, counts, alpha=0.2, color="#4e79a7")
            locator = AutoDateLocator()
            over_time.xaxis.set_major_locator(locator)
            over_time.xaxis.set_major_formatter(ConciseDateFormatter(locator))
            over_time.set_ylabel(f"messages per {report.series_unit}")
            over_time.set_xlabel("time (UTC)")
            over_time.set_ylim(bottom=0)
            over_time.grid(axis="y", alpha=0.3)

            by_hour.bar(range(24), report.hours, color="#f28e2b")
            by_hour.set_xticks(range(0, 24, 2))
            by_hour.set_xlim(-0.6, 23.6)
            by_hour.set_xlabel("hour of day (UTC)")
            by_hour.set_ylabel("messages")
            by_hour.grid(axis="y", alpha=0.3)

            since, until = from_ms(report.since_ms), from_ms(report.until_ms)
            scope = " · filtered" if report.channel_id is not None or report.member_id is not None else ""
            fig.suptitle(f"Messages {since:%Y-%m-%d %H:%M} → {until:%Y-%m-%d %H:%M} UTC "
                         f"({report.messages:,} total){scope}")
            buffer = io.BytesIO()
            fig.savefig(buffer, format="png")
            return buffer.getvalue()
        finally:
            fig.clear()
