import { css } from 'lit';

/** Charts drawn by `charts/templates.ts`: the line in the accent colour, the area a tint of it,
 * grid and ticks muted; work and wait bars told apart by fill and pattern of lightness. */
export const chartStyles = css`
  .chart {
    max-width: 100%;
    height: auto;
    overflow: visible;
  }
  .chart .grid {
    stroke: var(--_sb-color-border);
    stroke-width: 1;
  }
  .chart .axis {
    stroke: var(--_sb-color-text-muted);
  }
  .chart .tick,
  .chart .row-label {
    fill: var(--_sb-color-text-muted);
    font-size: 10px;
  }
  .chart .row-label {
    fill: var(--_sb-color-text);
    font-size: 11px;
  }
  .chart .line {
    fill: none;
    stroke: var(--_sb-color-accent);
    stroke-width: 2;
  }
  .chart .area {
    fill: var(--_sb-color-accent);
    opacity: 0.12;
  }
  .chart .dot {
    fill: var(--_sb-color-accent);
  }
  .chart .work {
    fill: var(--_sb-color-accent);
  }
  .chart .wait {
    fill: var(--_sb-color-warning);
    opacity: 0.75;
  }
  .level-elite,
  .level-high {
    color: var(--_sb-color-success);
  }
  .level-medium {
    color: var(--_sb-color-warning);
  }
  .level-low {
    color: var(--_sb-color-danger);
  }
  .level-none {
    color: var(--_sb-color-text-muted);
  }
`;
