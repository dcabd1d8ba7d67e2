import { css } from 'lit';
import { reportStyles } from '../../styles/report.js';

export const styles = [
  reportStyles,
  css`
    .rollback {
      margin: 0;
      padding: var(--_sb-space) calc(var(--_sb-space) * 1.5);
      border: 2px solid var(--_sb-color-danger);
      border-radius: var(--_sb-radius);
    }

    .side-passed {
      color: var(--_sb-color-success);
    }

    .side-failed {
      color: var(--_sb-color-danger);
      font-weight: 600;
    }
  `,
];
