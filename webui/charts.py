"""Small server-rendered SVG charts (no script, no library, nothing from the internet).

A grouped bar chart: one group of bars per label (a year), one bar per series, each bar with a
``<title>`` (its tooltip) and the value written above it, so the chart reads without colour too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from markupsafe import Markup, escape

from .labels import NUMBER_LABELS

# (key, label, colour): colours that stay apart for the common colour-vision deficiencies; the labels
# are the numbers' one name (labels.NUMBER_LABELS)
_COLOURS = (("applications_new", "#0b5cad"), ("reconsideration_total", "#d97706"),
            ("litigation_total", "#7c3aed"))
SERIES: tuple[tuple[str, str, str], ...] = tuple((k, NUMBER_LABELS[k], colour) for k, colour in _COLOURS)
BY_YEAR_TITLE = "按年份：" + "、".join(label for _, label, _ in SERIES)


def bar_chart(groups: Sequence[tuple[str, Mapping[str, int | None]]], title: str,
              series: Sequence[tuple[str, str, str]] = SERIES, height: int = 180) -> Markup:
    """Bars of ``groups`` ((label, {series key: value})) as an accessible inline SVG."""
    if not groups:
        return Markup("")
    bar, gap, pad_left, pad_top, pad_bottom = 18, 18, 8, 22, 26
    group_w = bar * len(series) + gap
    width = pad_left * 2 + group_w * len(groups) + 150
    top = max([v or 0 for _, vals in groups for v in vals.values()] + [1])
    plot_h = height - pad_top - pad_bottom
    out = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
           f'xmlns="http://www.w3.org/2000/svg" aria-label="{escape(title)}"><title>{escape(title)}</title>']
    base = pad_top + plot_h
    out.append(f'<line x1="{pad_left}" y1="{base}" x2="{pad_left + group_w * len(groups)}" y2="{base}" '
               'stroke="#8c959f"/>')
    for gi, (label, vals) in enumerate(groups):
        x0 = pad_left + gi * group_w + gap / 2
        for si, (key, s_label, colour) in enumerate(series):
            v = vals.get(key)
            h = 0 if not v else max(1, round(plot_h * v / top))
            x = x0 + si * bar
            tip = f"{label} {s_label}：{'—' if v is None else v}"
            out.append(f'<rect class="bar" data-series="{escape(key)}" x="{x}" y="{base - h}" '
                       f'width="{bar - 2}" '
                       f'height="{h}" fill="{colour}"><title>{escape(tip)}</title></rect>')
            out.append(f'<text x="{x + (bar - 2) / 2}" y="{base - h - 4}" font-size="10" '
                       'text-anchor="middle">'
                       f'{"—" if v is None else v}</text>')
        out.append(f'<text x="{x0 + bar * len(series) / 2}" y="{height - 8}" font-size="12" '
                   f'text-anchor="middle">{escape(label)}</text>')
    lx = pad_left + group_w * len(groups) + 16
    for si, (_key, s_label, colour) in enumerate(series):
        y = pad_top + si * 20
        out.append(f'<rect x="{lx}" y="{y}" width="12" height="12" fill="{colour}"/>'
                   f'<text x="{lx + 18}" y="{y + 11}" font-size="12">{escape(s_label)}</text>')
    out.append("</svg>")
    return Markup("".join(out))
