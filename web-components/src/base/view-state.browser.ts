// One failure state for every component: the same error code looks and reads the same in all.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { closeBrowser, expectAccessible, mount, openPage } from '../../test/harness.js';

after(closeBrowser);

/** Every component, with the attributes it needs to ask the API at all. */
const EVERY_COMPONENT = [
  '<sb-about></sb-about>',
  '<sb-release-calendar business-unit-id="x"></sb-release-calendar>',
  '<sb-guardrails business-unit-id="x"></sb-guardrails>',
  '<sb-train-board train-id="x"></sb-train-board>',
  '<sb-go-no-go session-id="x"></sb-go-no-go>',
  '<sb-promotion-gates service-id="x" environment-id="y" version="1.0.0"></sb-promotion-gates>',
  '<sb-risk-badge release-id="x"></sb-risk-badge>',
];

describe('Every component shows one state for the same error', { timeout: 90_000 }, () => {
  test('signed out, each says so in the same words and shape, with nothing to retry', async () => {
    const page = await openPage({ user: null });
    const shown: Array<{ tag: string; code: string | null; text: string; buttons: number; part: string }> = [];
    for (const html of EVERY_COMPONENT) {
      const el = await mount(page, html);
      const failure = el.locator('[part="error"]');
      await failure.waitFor();
      shown.push({
        tag: /^<([a-z-]+)/.exec(html)?.[1] ?? html,
        code: await failure.getAttribute('data-code'),
        text: (await failure.innerText()).replace(/, so .* cannot be shown\./, ''),
        buttons: await failure.getByRole('button').count(),
        part: (await failure.evaluate((e) => `${e.tagName}.${e.className}[role=${e.getAttribute('role')}]`)),
      });
    }
    for (const one of shown) {
      assert.deepEqual(
        { code: one.code, text: one.text, buttons: one.buttons, part: one.part },
        { code: 'UNAUTHENTICATED', text: 'You are not signed in', buttons: 0, part: 'DIV.error[role=alert]' },
        one.tag,
      );
    }
    await expectAccessible(page);
  });
});
