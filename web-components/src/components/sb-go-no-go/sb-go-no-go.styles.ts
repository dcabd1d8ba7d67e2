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

  .header {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: var(--_sb-space);
  }

  .title {
    font-weight: 600;
    font-size: 1.1em;
  }

  .meta,
  .when,
  .no-vote,
  .message,
  .rule dt {
    color: var(--_sb-color-text-muted);
  }

  .outcome {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_sb-space);
    padding: var(--_sb-space);
    border-left: 4px solid var(--_sb-color-text-muted);
    border-radius: var(--_sb-radius);
    background: color-mix(in srgb, var(--_sb-color-surface) 92%, var(--_sb-color-text));
  }

  .outcome-go {
    border-left-color: var(--_sb-color-success);
  }

  .outcome-no_go {
    border-left-color: var(--_sb-color-danger);
  }

  .rule {
    display: flex;
    flex-wrap: wrap;
    gap: calc(var(--_sb-space) * 2);
    margin: 0;
  }

  .rule dd {
    margin: 0;
  }

  .disciplines,
  .votes {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: var(--_sb-space);
  }

  .discipline {
    padding: var(--_sb-space);
    border: 1px solid var(--_sb-color-border);
    border-radius: var(--_sb-radius);
  }

  .discipline-name {
    font-weight: 600;
  }

  .tag {
    margin-left: calc(var(--_sb-space) / 2);
    padding: 0 calc(var(--_sb-space) / 2);
    border: 1px solid var(--_sb-color-border);
    border-radius: var(--_sb-radius);
    font-size: 0.85em;
  }

  .votes {
    margin-top: calc(var(--_sb-space) / 2);
  }

  .vote {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: var(--_sb-space);
  }

  .choice {
    padding: 0 var(--_sb-space);
    border-radius: var(--_sb-radius);
    color: #ffffff;
    background: var(--_sb-color-text-muted);
    font-weight: 600;
  }

  .choice-go {
    background: var(--_sb-color-success);
  }

  .choice-no_go {
    background: var(--_sb-color-danger);
  }

  .rationale {
    flex-basis: 100%;
  }

  .no-vote {
    margin: calc(var(--_sb-space) / 2) 0 0;
  }

  .vote-form fieldset {
    border: 1px solid var(--_sb-color-border);
    border-radius: var(--_sb-radius);
    display: grid;
    gap: var(--_sb-space);
    margin: 0 0 var(--_sb-space);
  }

  .choices {
    display: flex;
    gap: calc(var(--_sb-space) * 2);
  }

  textarea {
    font: inherit;
    color: inherit;
    background: var(--_sb-color-surface);
    border: 1px solid var(--_sb-color-border);
    border-radius: var(--_sb-radius);
    padding: calc(var(--_sb-space) / 2);
  }

  button {
    font: inherit;
    padding: calc(var(--_sb-space) / 2) calc(var(--_sb-space) * 2);
    border: 1px solid var(--_sb-color-accent);
    border-radius: var(--_sb-radius);
    background: var(--_sb-color-accent);
    color: #ffffff;
    cursor: pointer;
  }

  button:disabled {
    cursor: not-allowed;
    opacity: 0.6;
  }

  button:focus-visible,
  input:focus-visible,
  textarea:focus-visible {
    outline: 2px solid var(--_sb-color-accent);
    outline-offset: 2px;
  }

  .message {
    margin: 0;
  }

  .form-error {
    color: var(--_sb-color-danger);
  }

  .live-error {
    margin: 0;
    font-size: 0.9em;
    color: var(--_sb-color-text-muted);
  }

  .readiness-link {
    margin-left: auto;
    color: var(--_sb-color-accent);
  }

  .readiness-link:focus-visible {
    outline: 2px solid var(--_sb-color-accent);
    outline-offset: 2px;
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
