import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    --_sb-cal-warning: var(--_sb-color-warning);
    --_sb-cal-freeze: var(--sb-color-freeze, #0550ae);
    --_sb-cal-cell-height: var(--sb-calendar-cell-height, 6.5rem);
  }

  .container {
    background: var(--_sb-color-surface);
    border: 1px solid var(--_sb-color-border);
    border-radius: var(--_sb-radius);
    padding: var(--_sb-space);
  }

  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    padding: 0;
    margin: -1px;
    overflow: hidden;
    clip: rect(0, 0, 0, 0);
    white-space: nowrap;
    border: 0;
  }

  .toolbar {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--_sb-space);
    margin-bottom: var(--_sb-space);
  }

  .title {
    flex: 1 1 auto;
    margin: 0;
    font-size: 1.15em;
    font-weight: 600;
  }

  .group {
    display: inline-flex;
    gap: 0.25rem;
  }

  button {
    font: inherit;
    color: inherit;
    background: var(--_sb-color-surface);
    border: 1px solid var(--_sb-color-border);
    border-radius: var(--_sb-radius);
    padding: 0.25rem 0.6rem;
    cursor: pointer;
  }

  button:hover {
    border-color: var(--_sb-color-accent);
  }

  button[aria-pressed='true'] {
    background: var(--_sb-color-accent);
    border-color: var(--_sb-color-accent);
    color: var(--_sb-color-surface);
  }

  :focus-visible {
    outline: 2px solid var(--_sb-color-accent);
    outline-offset: 2px;
  }

  .note {
    margin: var(--_sb-space) 0;
    color: var(--_sb-color-text-muted);
  }

  .error {
    margin: var(--_sb-space) 0;
    color: var(--_sb-color-danger);
  }

  .grid {
    width: 100%;
    table-layout: fixed;
    border-collapse: collapse;
  }

  .grid th {
    padding: 0.25rem;
    font-weight: 600;
    font-size: 0.85em;
    color: var(--_sb-color-text-muted);
    text-align: start;
  }

  .grid td {
    vertical-align: top;
    height: var(--_sb-cal-cell-height);
    padding: 0.25rem;
    border: 1px solid var(--_sb-color-border);
    cursor: pointer;
    overflow: hidden;
  }

  .grid.week td {
    height: calc(var(--_sb-cal-cell-height) * 2.5);
  }

  .grid td.outside .number {
    color: var(--_sb-color-text-muted);
  }

  .grid td.frozen {
    background: repeating-linear-gradient(
      135deg,
      transparent 0 6px,
      color-mix(in srgb, var(--_sb-cal-freeze) 8%, transparent) 6px 12px
    );
  }

  .grid td[aria-selected='true'] {
    box-shadow: inset 0 0 0 2px var(--_sb-color-accent);
  }

  .grid td:focus-visible {
    outline-offset: -3px;
  }

  .number {
    display: inline-block;
    min-width: 1.6em;
    font-weight: 600;
  }

  .today .number {
    border-radius: 999px;
    background: var(--_sb-color-accent);
    color: var(--_sb-color-surface);
    text-align: center;
  }

  .chips {
    list-style: none;
    margin: 0.15rem 0 0;
    padding: 0;
    display: grid;
    gap: 2px;
  }

  .chip {
    display: block;
    overflow: hidden;
    white-space: nowrap;
    text-overflow: ellipsis;
    font-size: 0.8em;
    padding: 0 0.3rem;
    border-inline-start: 3px solid var(--_sb-color-accent);
    border-radius: 2px;
    background: color-mix(in srgb, var(--_sb-color-accent) 8%, var(--_sb-color-surface));
  }

  .week .chip {
    white-space: normal;
  }

  .chip.freeze,
  .item.freeze {
    border-inline-start-color: var(--_sb-cal-freeze);
    background: color-mix(in srgb, var(--_sb-cal-freeze) 10%, var(--_sb-color-surface));
  }

  .chip.conflict,
  .item.conflict,
  .chip.incident,
  .item.incident {
    border-inline-start-color: var(--_sb-cal-warning);
    background: color-mix(in srgb, var(--_sb-cal-warning) 10%, var(--_sb-color-surface));
  }

  .chip.blocking,
  .item.blocking {
    border-inline-start-color: var(--_sb-color-danger);
  }

  .chip.more {
    border: none;
    background: none;
    color: var(--_sb-color-text-muted);
  }

  .agenda,
  .items {
    list-style: none;
    margin: 0;
    padding: 0;
  }

  .agenda > li + li {
    margin-top: var(--_sb-space);
  }

  .agenda h3,
  .day-title {
    margin: 0 0 0.25rem;
    font-size: 1em;
    font-weight: 600;
  }

  .items {
    display: grid;
    gap: 0.25rem;
  }

  .item {
    display: block;
    width: 100%;
    text-align: start;
    padding: 0.35rem 0.5rem;
    border: 1px solid var(--_sb-color-border);
    border-inline-start: 4px solid var(--_sb-color-accent);
    border-radius: var(--_sb-radius);
    background: var(--_sb-color-surface);
  }

  .item-title {
    font-weight: 600;
  }

  .item-meta {
    display: block;
    color: var(--_sb-color-text-muted);
    font-size: 0.9em;
  }

  .badge {
    display: inline-block;
    margin-inline-start: 0.35rem;
    padding: 0 0.35rem;
    border-radius: 999px;
    font-size: 0.8em;
    border: 1px solid currentColor;
  }

  .day-panel {
    margin-top: var(--_sb-space);
    padding: var(--_sb-space);
    border: 1px solid var(--_sb-color-border);
    border-radius: var(--_sb-radius);
  }

  .day-head {
    display: flex;
    justify-content: space-between;
    align-items: baseline;
    gap: var(--_sb-space);
  }

  .day-title:focus {
    outline: none;
  }
`;
