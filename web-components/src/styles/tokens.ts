import { css } from 'lit';

/**
 * The theming contract. A host page sets any public `--sb-*` property on a
 * component or an ancestor; custom properties inherit into shadow roots.
 * Components read the private `--_sb-*` aliases, which carry the defaults, so a
 * fallback is written once here rather than at every use.
 */
export const tokens = css`
  :host {
    --_sb-font-family: var(
      --sb-font-family,
      system-ui,
      -apple-system,
      'Segoe UI',
      Roboto,
      sans-serif
    );
    --_sb-font-size: var(--sb-font-size, 0.875rem);
    --_sb-color-text: var(--sb-color-text, #1f2328);
    --_sb-color-text-muted: var(--sb-color-text-muted, #59636e);
    --_sb-color-surface: var(--sb-color-surface, #ffffff);
    --_sb-color-border: var(--sb-color-border, #d1d9e0);
    --_sb-color-accent: var(--sb-color-accent, #0969da);
    --_sb-color-danger: var(--sb-color-danger, #d1242f);
    --_sb-color-success: var(--sb-color-success, #1a7f37);
    --_sb-color-warning: var(--sb-color-warning, #9a6700);
    --_sb-radius: var(--sb-radius, 6px);
    --_sb-space: var(--sb-space, 0.5rem);

    font-family: var(--_sb-font-family);
    font-size: var(--_sb-font-size);
    color: var(--_sb-color-text);
  }

  :host([hidden]) {
    display: none !important;
  }
`;
