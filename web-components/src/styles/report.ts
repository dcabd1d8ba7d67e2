import { css } from 'lit';

/** A read-only report (release health, a post-mortem): a header, a state card, then sections
 * of lists and tables. Colour is never alone: every state also has a word. */
export const reportStyles = css`
  :host {
    display: block;
  }

  .container {
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
    font-size: 1.3em;
  }

  h3 {
    margin: 0 0 calc(var(--_sb-space) / 2);
    font-size: 1.05em;
  }

  .meta,
  .muted,
  .label,
  .message,
  caption,
  time {
    color: var(--_sb-color-text-muted);
  }

  .message {
    margin: 0;
  }

  .state {
    display: grid;
    gap: calc(var(--_sb-space) / 2);
    padding: var(--_sb-space) calc(var(--_sb-space) * 1.5);
    border: 1px solid var(--_sb-color-border);
    border-left-width: 8px;
    border-radius: var(--_sb-radius);
  }

  .word {
    font-size: 1.6em;
  }

  .tone-good {
    border-left-color: var(--_sb-color-success);
  }

  .tone-good .word {
    color: var(--_sb-color-success);
  }

  .tone-bad {
    border-left-color: var(--_sb-color-danger);
  }

  .tone-bad .word {
    color: var(--_sb-color-danger);
  }

  .tone-waiting {
    border-left-color: var(--_sb-color-warning);
  }

  .tone-waiting .word {
    color: var(--_sb-color-warning);
  }

  .list {
    display: grid;
    gap: calc(var(--_sb-space) / 2);
    margin: 0;
    padding-left: 1.25em;
  }

  .line {
    display: block;
  }

  .tag {
    padding: 0 0.4em;
    border: 1px solid currentColor;
    border-radius: var(--_sb-radius);
    font-size: 0.9em;
    font-weight: 600;
  }

  table {
    width: 100%;
    border-collapse: collapse;
  }

  caption {
    text-align: left;
    padding-bottom: calc(var(--_sb-space) / 2);
  }

  th,
  td {
    text-align: left;
    padding: calc(var(--_sb-space) / 2) var(--_sb-space);
    border-bottom: 1px solid var(--_sb-color-border);
    vertical-align: top;
  }

  td {
    font-variant-numeric: tabular-nums;
  }

  .bad-row th,
  .bad-text {
    color: var(--_sb-color-danger);
  }

  .good-text {
    color: var(--_sb-color-success);
  }

  a {
    color: var(--_sb-color-accent);
  }

  a:focus-visible,
  button:focus-visible {
    outline: 2px solid var(--_sb-color-accent);
    outline-offset: 2px;
  }

  /* A report's few actions (show the rows, download CSV): quiet outlined buttons. */
  button {
    justify-self: start;
    font: inherit;
    padding: 0.2em 0.7em;
    color: var(--_sb-color-accent);
    background: transparent;
    border: 1px solid currentColor;
    border-radius: var(--_sb-radius);
    cursor: pointer;
  }
`;
