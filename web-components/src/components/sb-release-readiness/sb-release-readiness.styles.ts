import { css } from 'lit';

/** Read from the back of a meeting room: a big verdict, areas in a grid, colour never alone. */
export const styles = css`
  :host {
    display: block;
  }

  .container {
    display: grid;
    gap: calc(var(--_sb-space) * 3);
  }

  .release {
    display: grid;
    gap: calc(var(--_sb-space) * 1.5);
    padding: calc(var(--_sb-space) * 2);
    background: var(--_sb-color-surface);
    border: 1px solid var(--_sb-color-border);
    border-radius: var(--_sb-radius);
  }

  .header {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: var(--_sb-space);
  }

  .title {
    margin: 0;
    font-size: 1.35em;
  }

  .meta,
  .message,
  .counts,
  .place,
  .more,
  .refresh-note,
  .verdict-label,
  .risk-label,
  .board dt,
  time {
    color: var(--_sb-color-text-muted);
  }

  .top {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr));
    gap: calc(var(--_sb-space) * 1.5);
  }

  .verdict,
  .risk {
    display: grid;
    align-content: start;
    gap: calc(var(--_sb-space) / 2);
    padding: calc(var(--_sb-space) * 1.5);
    border: 1px solid var(--_sb-color-border);
    border-left-width: 8px;
    border-radius: var(--_sb-radius);
  }

  .verdict-word {
    font-size: 2.6em;
    line-height: 1.1;
  }

  .verdict-go {
    border-left-color: var(--_sb-color-success);
  }

  .verdict-go .verdict-word {
    color: var(--_sb-color-success);
  }

  .verdict-no-go {
    border-left-color: var(--_sb-color-danger);
  }

  .verdict-no-go .verdict-word {
    color: var(--_sb-color-danger);
  }

  .verdict-waiting {
    border-left-color: var(--_sb-color-warning);
  }

  .verdict-waiting .verdict-word {
    color: var(--_sb-color-warning);
  }

  .risk-level {
    font-size: 1.6em;
  }

  .factors {
    margin: 0;
    padding-left: 1.25em;
    display: grid;
    gap: 0.15em;
  }

  .factor {
    font-weight: 600;
  }

  .points {
    font-variant-numeric: tabular-nums;
  }

  .incidents {
    padding: var(--_sb-space) calc(var(--_sb-space) * 1.5);
    border: 1px solid var(--_sb-color-border);
    border-radius: var(--_sb-radius);
  }

  .incidents-open {
    border: 2px solid var(--_sb-color-danger);
  }

  .incidents-open .incidents-heading {
    color: var(--_sb-color-danger);
    font-size: 1.2em;
  }

  .incidents-heading,
  .more {
    margin: 0;
  }

  .incident-list,
  .areas,
  .gates {
    list-style: none;
    margin: 0;
    padding: 0;
  }

  .incident-list {
    display: grid;
    gap: calc(var(--_sb-space) / 2);
    margin-top: calc(var(--_sb-space) / 2);
  }

  .incident {
    display: flex;
    flex-wrap: wrap;
    gap: 0 var(--_sb-space);
  }

  .incident-description {
    flex-basis: 100%;
  }

  .board {
    display: flex;
    flex-wrap: wrap;
    gap: calc(var(--_sb-space) * 3);
    margin: 0;
  }

  .board dd {
    margin: 0;
  }

  .areas {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(20rem, 1fr));
    gap: var(--_sb-space);
  }

  .area {
    border: 1px solid var(--_sb-color-border);
    border-left-width: 6px;
    border-radius: var(--_sb-radius);
  }

  .area-failed {
    border-left-color: var(--_sb-color-danger);
  }

  .area-pending {
    border-left-color: var(--_sb-color-warning);
  }

  .area-passed {
    border-left-color: var(--_sb-color-success);
  }

  summary,
  .area-line {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: calc(var(--_sb-space) / 2) var(--_sb-space);
    padding: var(--_sb-space);
  }

  summary {
    cursor: pointer;
  }

  /* flex drops the native marker: a drawn one says the area opens (hidden from screen readers,
     which announce the disclosure themselves). */
  summary::before {
    content: '▸' / '';
    color: var(--_sb-color-text-muted);
  }

  details[open] > summary::before {
    content: '▾' / '';
  }

  summary:focus-visible,
  a:focus-visible {
    outline: 2px solid var(--_sb-color-accent);
    outline-offset: 2px;
  }

  .blocking {
    flex-basis: 100%;
    font-size: 0.95em;
  }

  .area-name {
    font-weight: 600;
    font-size: 1.1em;
  }

  .status {
    padding: 0 0.4em;
    border: 1px solid currentColor;
    border-radius: var(--_sb-radius);
    font-size: 0.9em;
    font-weight: 600;
  }

  .status-failed {
    color: var(--_sb-color-danger);
  }

  .status-pending {
    color: var(--_sb-color-warning);
  }

  .status-passed {
    color: var(--_sb-color-success);
  }

  .status-waived,
  .status-none {
    color: var(--_sb-color-text-muted);
  }

  .gates {
    display: grid;
    gap: var(--_sb-space);
    padding: 0 var(--_sb-space) var(--_sb-space);
  }

  .gate {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: 0.25em var(--_sb-space);
    padding-top: var(--_sb-space);
    border-top: 1px solid var(--_sb-color-border);
  }

  .gate-name {
    font-weight: 600;
  }

  .reason,
  .evidence {
    flex-basis: 100%;
  }

  .evidence {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25em var(--_sb-space);
    font-size: 0.9em;
  }

  .evidence a {
    color: var(--_sb-color-accent);
  }

  .message,
  .refresh-note {
    margin: 0;
  }
`;
