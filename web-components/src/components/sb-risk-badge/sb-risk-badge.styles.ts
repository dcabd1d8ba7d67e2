import { css } from 'lit';

export const styles = css`
  :host {
    display: inline-block;
    --_sb-risk-low: var(--sb-risk-low-color, #1a7f37);
    --_sb-risk-medium: var(--sb-risk-medium-color, #9a6700);
    --_sb-risk-high: var(--sb-risk-high-color, #bc4c00);
    --_sb-risk-critical: var(--sb-risk-critical-color, var(--_sb-color-danger));
  }

  .badge {
    display: inline-flex;
    gap: var(--_sb-space);
    align-items: baseline;
    padding: calc(var(--_sb-space) / 2) var(--_sb-space);
    font: inherit;
    font-weight: 600;
    color: #ffffff;
    border: 0;
    border-radius: var(--_sb-radius);
    cursor: pointer;
  }

  .badge::after {
    content: '▸';
  }

  .badge[aria-expanded='true']::after {
    content: '▾';
  }

  .badge:focus-visible {
    outline: 2px solid var(--_sb-color-accent);
    outline-offset: 2px;
  }

  .badge-low {
    background: var(--_sb-risk-low);
  }

  .badge-medium {
    background: var(--_sb-risk-medium);
  }

  .badge-high {
    background: var(--_sb-risk-high);
  }

  .badge-critical {
    background: var(--_sb-risk-critical);
  }

  .score {
    font-weight: 400;
  }

  .explanation {
    margin-top: calc(var(--_sb-space) / 2);
    padding: var(--_sb-space);
    max-width: 40rem;
    background: var(--_sb-color-surface);
    border: 1px solid var(--_sb-color-border);
    border-radius: var(--_sb-radius);
  }

  .explanation[hidden] {
    display: none;
  }

  .assessed,
  .zero,
  .message {
    margin: 0;
    color: var(--_sb-color-text-muted);
  }

  .contributions {
    list-style: none;
    margin: var(--_sb-space) 0;
    padding: 0;
    display: grid;
    gap: calc(var(--_sb-space) / 2);
  }

  .contribution {
    display: grid;
    grid-template-columns: 3.5rem 1fr;
    gap: var(--_sb-space);
  }

  .points {
    font-variant-numeric: tabular-nums;
    font-weight: 600;
    text-align: end;
  }

  .unassessed {
    display: inline-flex;
    flex-wrap: wrap;
    gap: calc(var(--_sb-space) / 2) var(--_sb-space);
    align-items: baseline;
    padding: calc(var(--_sb-space) / 2) var(--_sb-space);
    color: var(--_sb-color-text-muted);
    background: var(--_sb-color-surface);
    border: 1px dashed var(--_sb-color-border);
    border-radius: var(--_sb-radius);
  }

  .unassessed .level {
    font-weight: 600;
    color: var(--_sb-color-text);
  }

  .unassessed .level::before {
    content: '–';
    margin-inline-end: calc(var(--_sb-space) / 2);
  }

  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;
