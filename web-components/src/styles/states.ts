import { css } from 'lit';

/**
 * The states every component shows besides its content, styled once: the failure
 * (`renderFailure` in base/view-state.ts: `part="error"`, `data-code`, *Try again*), so the same
 * error code looks the same in every component.
 */
export const states = css`
  .error {
    margin: var(--_sb-space) 0;
    color: var(--_sb-color-danger);
  }

  .error p {
    margin: 0;
  }

  .error button {
    margin-top: calc(var(--_sb-space) / 2);
    font: inherit;
    padding: calc(var(--_sb-space) / 2) var(--_sb-space);
    color: var(--_sb-color-text);
    background: var(--_sb-color-surface);
    border: 1px solid var(--_sb-color-border);
    border-radius: var(--_sb-radius);
    cursor: pointer;
  }

  .error button:focus-visible {
    outline: 2px solid var(--_sb-color-accent);
    outline-offset: 2px;
  }
`;
