import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    --_sb-board-warning: var(--_sb-color-warning);
    --_sb-board-success: var(--_sb-color-success);
  }

  .container {
    background: var(--_sb-color-surface);
    border: 1px solid var(--_sb-color-border);
    border-radius: var(--_sb-radius);
    padding: var(--_sb-space);
  }

  h2,
  h3 {
    margin: 0 0 0.25rem;
    font-weight: 600;
  }

  h2 {
    font-size: 1.15em;
  }

  h3 {
    font-size: 1em;
    margin-top: calc(var(--_sb-space) * 2);
  }

  .meta,
  .note {
    color: var(--_sb-color-text-muted);
    margin: 0.25rem 0;
  }

  .error {
    color: var(--_sb-color-danger);
  }

  table {
    width: 100%;
    border-collapse: collapse;
  }

  th,
  td {
    text-align: start;
    vertical-align: top;
    padding: 0.35rem 0.5rem;
    border-bottom: 1px solid var(--_sb-color-border);
  }

  th {
    font-size: 0.85em;
    color: var(--_sb-color-text-muted);
    font-weight: 600;
  }

  tr.past td {
    color: var(--_sb-color-text-muted);
  }

  ul {
    list-style: none;
    margin: 0;
    padding: 0;
  }

  button {
    font: inherit;
    color: inherit;
    background: var(--_sb-color-surface);
    border: 1px solid var(--_sb-color-border);
    border-radius: var(--_sb-radius);
    padding: 0.15rem 0.5rem;
    cursor: pointer;
  }

  button.link {
    border: none;
    padding: 0;
    background: none;
    color: var(--_sb-color-accent);
    text-decoration: underline;
    text-align: start;
  }

  :focus-visible {
    outline: 2px solid var(--_sb-color-accent);
    outline-offset: 2px;
  }

  .feature {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem;
    align-items: baseline;
  }

  .team {
    color: var(--_sb-color-text-muted);
    font-size: 0.9em;
  }

  .pill {
    display: inline-block;
    padding: 0 0.4rem;
    border-radius: 999px;
    border: 1px solid currentColor;
    font-size: 0.8em;
    white-space: nowrap;
  }

  .pill.warn,
  .warn {
    color: var(--_sb-board-warning);
  }

  .pill.ok {
    color: var(--_sb-board-success);
  }

  .findings {
    margin-top: var(--_sb-space);
    padding: var(--_sb-space);
    border: 1px solid var(--_sb-board-warning);
    border-inline-start-width: 4px;
    border-radius: var(--_sb-radius);
  }

  .findings h3 {
    margin-top: 0;
  }

  .findings li + li {
    margin-top: 0.35rem;
  }

  .finding-code {
    font-weight: 600;
  }

  .path {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem;
    align-items: baseline;
  }
`;
