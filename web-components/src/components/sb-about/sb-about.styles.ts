import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
  }

  .container {
    display: flex;
    align-items: baseline;
    gap: var(--_sb-space);
    padding: var(--_sb-space);
    background: var(--_sb-color-surface);
    border: 1px solid var(--_sb-color-border);
    border-radius: var(--_sb-radius);
  }

  .name {
    font-weight: 600;
  }

  .version,
  .loading {
    color: var(--_sb-color-text-muted);
  }
`;
