import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
  }

  .container {
    display: grid;
    gap: var(--_sb-space);
    padding: calc(var(--_sb-space) * 2);
    background: var(--_sb-color-surface);
    border: 1px solid var(--_sb-color-border);
    border-radius: var(--_sb-radius);
  }

  .verdict {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_sb-space);
    align-items: baseline;
    padding: var(--_sb-space);
    border-left: 4px solid var(--_sb-color-warning);
    border-radius: var(--_sb-radius);
  }

  .verdict-allowed {
    border-left-color: var(--_sb-color-success);
  }

  .verdict-refused {
    border-left-color: var(--_sb-color-danger);
  }

  .summary,
  .risk,
  .message,
  .evidence,
  .waiver {
    color: var(--_sb-color-text-muted);
  }

  .gates {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: calc(var(--_sb-space) / 2);
  }

  .gate-item {
    border: 1px solid var(--_sb-color-border);
    border-radius: var(--_sb-radius);
  }

  .gate {
    display: grid;
    grid-template-columns: minmax(9rem, max-content) max-content 1fr;
    gap: var(--_sb-space);
    align-items: baseline;
    width: 100%;
    padding: var(--_sb-space);
    font: inherit;
    color: inherit;
    text-align: start;
    background: transparent;
    border: 0;
    border-radius: var(--_sb-radius);
    cursor: pointer;
  }

  .gate:hover {
    background: color-mix(in srgb, var(--_sb-color-surface) 94%, var(--_sb-color-text));
  }

  .gate:focus-visible,
  a:focus-visible,
  button:focus-visible {
    outline: 2px solid var(--_sb-color-accent);
    outline-offset: 2px;
  }

  .gate-name {
    font-weight: 600;
  }

  .status {
    padding: 0 var(--_sb-space);
    border-radius: var(--_sb-radius);
    color: #ffffff;
    font-weight: 600;
    background: var(--_sb-color-text-muted);
  }

  .status-passed {
    background: var(--_sb-color-success);
  }

  .status-failed {
    background: var(--_sb-color-danger);
  }

  .status-pending {
    background: var(--_sb-color-warning);
  }

  .status-waived {
    background: var(--_sb-color-accent);
  }

  .waiver {
    margin: 0;
    padding: 0 var(--_sb-space) var(--_sb-space);
  }

  .evidence {
    margin: 0;
    padding: 0 var(--_sb-space) var(--_sb-space);
    display: flex;
    flex-wrap: wrap;
    gap: var(--_sb-space);
  }

  a {
    color: var(--_sb-color-accent);
  }

  .message {
    margin: 0;
  }
`;
