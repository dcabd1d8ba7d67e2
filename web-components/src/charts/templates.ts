// SVG drawings of the chart geometry (`geometry.ts`), as Lit `svg` templates. Every chart is an
// image with a name (`role="img"`, `aria-label`) and sits beside the table of its figures: the
// table is what a screen reader and a spreadsheet read, the chart what the eye reads.
import { svg, type SVGTemplateResult, type TemplateResult, html } from 'lit';
import type { BarsGeometry, TrendGeometry } from './geometry.js';

export function trendChart(g: TrendGeometry, label: string): TemplateResult {
  const bottom = g.height - g.margin.bottom;
  return html`<svg class="chart trend" part="chart" role="img" aria-label=${label}
    viewBox="0 0 ${g.width} ${g.height}" width=${g.width} height=${g.height} preserveAspectRatio="xMinYMin meet">
    ${g.yTicks.map(
      (t) => svg`<line class="grid" x1=${g.margin.left} x2=${g.width - g.margin.right} y1=${t.at} y2=${t.at}></line>
        <text class="tick" x=${g.margin.left - 6} y=${t.at} text-anchor="end" dominant-baseline="middle">${t.label}</text>`,
    )}
    ${g.xTicks.map(
      (t) => svg`<text class="tick" x=${t.at} y=${bottom + 15} text-anchor="middle">${t.label}</text>`,
    )}
    <line class="axis" x1=${g.margin.left} x2=${g.width - g.margin.right} y1=${bottom} y2=${bottom}></line>
    ${g.area ? svg`<path class="area" d=${g.area}></path>` : ''}
    ${g.line ? svg`<path class="line" d=${g.line}></path>` : ''}
    ${g.dots.map((d) => svg`<circle class="dot" cx=${d.x} cy=${d.y} r="2.5"></circle>`)}
  </svg>`;
}

export function barsChart(g: BarsGeometry, label: string, className: (key: string) => string): TemplateResult {
  return html`<svg class="chart bars" part="chart" role="img" aria-label=${label}
    viewBox="0 0 ${g.width} ${g.height}" width=${g.width} height=${g.height} preserveAspectRatio="xMinYMin meet">
    ${g.rows.map(
      (r): SVGTemplateResult => svg`<g transform="translate(0 ${r.y})">
        <text class="row-label" x=${g.labelWidth - 8} y=${g.rowHeight / 2} text-anchor="end" dominant-baseline="middle">${r.label}</text>
        ${r.segments.map(
          (s) => svg`<rect class=${className(s.key)} x=${s.x} y="4" width=${Math.max(0, s.width)} height=${g.rowHeight - 8}></rect>`,
        )}
      </g>`,
    )}
    ${g.ticks.map(
      (t) => svg`<text class="tick" x=${t.at} y=${g.height - 6} text-anchor="middle">${t.label}</text>`,
    )}
  </svg>`;
}
