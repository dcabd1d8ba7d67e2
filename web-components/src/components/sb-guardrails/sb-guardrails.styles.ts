import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    --_sb-gr-warning: var(--_sb-color-warning);
    --_sb-gr-success: var(--_sb-color-success);
  }

  .container {
    background: var(--_sb-color-surface);
    border: 1px solid var(--_sb-color-border);
    border-radius: var(--_sb-radius);
    padding: var(--_sb-space);
  }

  .head {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    justify-content: space-between;
    gap: var(--_sb-space);
  }

  h2 {
    margin: 0;
    font-size: 1.15em;
    font-weight: 600;
  }

  .meta,
  .note,
  .hint,
  .key {
    color: var(--_sb-color-text-muted);
  }

  .note,
  .meta {
    margin: 0.25rem 0;
  }

  .key {
    font-family: ui-monospace, SFMono-Regular, Menlo, monospace;
    font-size: 0.8em;
  }

  .hint {
    display: block;
    font-size: 0.85em;
    margin-top: 0.15rem;
  }

  table {
    width: 100%;
    border-collapse: collapse;
    margin-top: var(--_sb-space);
  }

  th,
  td {
    text-align: start;
    vertical-align: top;
    padding: 0.4rem 0.5rem;
    border-bottom: 1px solid var(--_sb-color-border);
  }

  thead th {
    font-size: 0.85em;
    color: var(--_sb-color-text-muted);
  }

  tbody th {
    font-weight: normal;
    width: 36%;
  }

  .label {
    display: block;
    font-weight: 600;
  }

  .source {
    display: inline-block;
    margin-inline-start: 0.35rem;
    padding: 0 0.4rem;
    border-radius: 999px;
    border: 1px solid var(--_sb-color-border);
    font-size: 0.8em;
    color: var(--_sb-color-text-muted);
  }

  .source.bu {
    border-color: var(--_sb-color-accent);
    color: var(--_sb-color-accent);
  }

  .locked {
    color: var(--_sb-color-text-muted);
  }

  button,
  input,
  select,
  textarea {
    font: inherit;
    color: inherit;
  }

  button {
    background: var(--_sb-color-surface);
    border: 1px solid var(--_sb-color-border);
    border-radius: var(--_sb-radius);
    padding: 0.25rem 0.75rem;
    cursor: pointer;
  }

  button.primary {
    background: var(--_sb-color-accent);
    border-color: var(--_sb-color-accent);
    color: var(--_sb-color-surface);
  }

  button.link {
    border: none;
    background: none;
    padding: 0;
    color: var(--_sb-color-accent);
    text-decoration: underline;
  }

  input[type='number'],
  input[type='text'],
  select,
  textarea {
    background: var(--_sb-color-surface);
    border: 1px solid var(--_sb-color-border);
    border-radius: var(--_sb-radius);
    padding: 0.2rem 0.4rem;
  }

  input[type='number'] {
    width: 7em;
  }

  input[type='text'],
  textarea {
    width: 100%;
    box-sizing: border-box;
  }

  [aria-invalid='true'] {
    border-color: var(--_sb-color-danger);
    box-shadow: 0 0 0 1px var(--_sb-color-danger);
  }

  :focus-visible {
    outline: 2px solid var(--_sb-color-accent);
    outline-offset: 2px;
  }

  fieldset {
    border: none;
    margin: 0;
    padding: 0;
  }

  .checks {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem 0.75rem;
  }

  .field-error,
  .error {
    color: var(--_sb-color-danger);
  }

  .field-error {
    display: block;
    font-size: 0.9em;
    margin-top: 0.15rem;
  }

  .conflict {
    display: block;
    color: var(--_sb-gr-warning);
    font-size: 0.9em;
  }

  .summary {
    margin: var(--_sb-space) 0;
    padding: var(--_sb-space);
    border: 1px solid var(--_sb-color-danger);
    border-inline-start-width: 4px;
    border-radius: var(--_sb-radius);
  }

  .summary:focus {
    outline: 2px solid var(--_sb-color-danger);
  }

  .summary ul {
    margin: 0.25rem 0 0;
    padding-inline-start: 1.25rem;
  }

  .saved {
    color: var(--_sb-gr-success);
  }

  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_sb-space);
    align-items: flex-end;
    margin-top: var(--_sb-space);
  }

  .note-field {
    flex: 1 1 20rem;
  }
`;
