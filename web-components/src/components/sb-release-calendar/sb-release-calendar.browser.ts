// <sb-release-calendar> against the demo calendar (payments windows and freezes in December 2026).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import {
  closeBrowser,
  eventually,
  events,
  expectAccessible,
  gql,
  listen,
  mount,
  openPage,
  screenshot,
  setUser,
} from '../../../test/harness.js';

after(closeBrowser);

const bu: Record<string, string> = {};

before(async () => {
  const data = await gql<{ businessUnits: { nodes: Array<{ id: string; key: string }> } }>(
    'rmo',
    '{ businessUnits { nodes { id key } } }',
  );
  for (const node of data.businessUnits.nodes) bu[node.key] = node.id;
});

/** The data-day of the element focused inside the calendar's shadow root. */
function focusedDay(calendar: Locator): Promise<string | undefined> {
  return calendar.evaluate((el) => (el.shadowRoot?.activeElement as HTMLElement | null)?.dataset['day']);
}

async function december(page: Page, { date = '2026-12-01', extra = '' } = {}): Promise<Locator> {
  const calendar = await mount(
    page,
    `<sb-release-calendar business-unit-id="${bu['payments']}" date="${date}" ${extra}></sb-release-calendar>`,
  );
  await calendar.locator('[data-day="2026-12-08"] .chip').first().waitFor();
  return calendar;
}

describe('<sb-release-calendar> shows a business unit’s windows, freezes and conflicts', { timeout: 90_000 }, () => {
  test('the month view places the demo windows and the recurring quarter-end freeze', async () => {
    const page = await openPage({ user: 'viewer', locale: 'en-GB' });
    const calendar = await december(page);

    assert.equal(await calendar.locator('[part="title"]').textContent(), 'December 2026');
    assert.match((await calendar.locator('[data-day="2026-12-08"]').textContent()) ?? '', /Card gateway 4\.2/);
    // The quarter-end freeze recurs on the last three weekdays of the quarter: 29–31 December.
    for (const day of ['2026-12-29', '2026-12-30', '2026-12-31']) {
      const cell = calendar.locator(`[data-day="${day}"]`);
      assert.match((await cell.textContent()) ?? '', /Quarter-end close/);
      assert.match((await cell.getAttribute('class')) ?? '', /frozen/);
    }
    // The two windows sharing pg-ledger on 9 December are flagged as conflicting.
    const ninth = (await calendar.locator('[data-day="2026-12-09"]').textContent()) ?? '';
    assert.match(ninth, /conflict/);
    // Weeks start on Monday in en-GB; the first column is Monday 30 November.
    assert.equal(await calendar.locator('[part~="day"]').first().getAttribute('data-day'), '2026-11-30');
    await expectAccessible(page);
    await screenshot(calendar, 'sb-release-calendar');
    assert.deepEqual(page.problems, []);
  });

  test('arrow keys move between days, Enter opens a day and Escape returns to the grid', async () => {
    const page = await openPage({ user: 'viewer', locale: 'en-GB' });
    await listen(page, 'sb-day-selected', 'sb-window-selected', 'sb-conflict-selected');
    const calendar = await december(page);
    // One tab stop: the focused day; the others are reachable by arrow keys only.
    assert.equal(await calendar.locator('[part~="day"][tabindex="0"]').count(), 1);
    await calendar.locator('[part~="day"][tabindex="0"]').focus();
    assert.equal(await focusedDay(calendar), '2026-12-01');

    await page.keyboard.press('ArrowDown'); // 8 December
    await page.keyboard.press('ArrowRight'); // 9 December
    await page.keyboard.press('ArrowLeft'); // 8 December
    assert.equal(await focusedDay(calendar), '2026-12-08');
    await page.keyboard.press('Home');
    assert.equal(await focusedDay(calendar), '2026-12-07');
    await page.keyboard.press('End');
    assert.equal(await focusedDay(calendar), '2026-12-13');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    assert.equal(await focusedDay(calendar), '2026-12-08');

    await page.keyboard.press('Enter');
    const panel = calendar.locator('[part="day-panel"]');
    await panel.waitFor();
    assert.match((await panel.locator('h3').textContent()) ?? '', /Tuesday.*8 December 2026/);
    const opened = await events<{ date: string }>(page, 'sb-day-selected');
    assert.equal(opened.at(-1)?.detail.date, '2026-12-08');
    assert.equal(
      await calendar.locator('[data-day="2026-12-08"]').getAttribute('aria-selected'),
      'true',
    );

    await panel.getByRole('button', { name: /Card gateway 4\.2/ }).click();
    const chosen = await events<{ window: { title: string } }>(page, 'sb-window-selected');
    assert.equal(chosen.at(-1)?.detail.window.title, 'Card gateway 4.2');

    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    assert.equal(await focusedDay(calendar), '2026-12-08');

    // PageDown moves a month and the grid follows, keeping the focus on the same day.
    await page.keyboard.press('PageDown');
    await eventually(async () => (await calendar.locator('[part="title"]').textContent()) === 'January 2027', {
      message: 'January 2027 shown',
    });
    await eventually(async () => (await focusedDay(calendar)) === '2027-01-08', { message: 'focus on 8 January' });
    await page.keyboard.press('PageUp');
    await eventually(async () => (await focusedDay(calendar)) === '2026-12-08', { message: 'focus back' });

    // A conflict opened from the 9th names both windows and why they clash.
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press(' ');
    const conflict = panel.getByRole('button', { name: /shared resource/ });
    await conflict.waitFor();
    assert.match((await conflict.textContent()) ?? '', /Ledger index rebuild ↔ Settlement batch tuning/);
    await conflict.click();
    assert.equal((await events(page, 'sb-conflict-selected')).length, 1);
    await expectAccessible(page);
    assert.deepEqual(page.problems, []);
  });

  test('the week and agenda views list the same items', async () => {
    const page = await openPage({ user: 'viewer', locale: 'en-GB' });
    const calendar = await december(page, { date: '2026-12-08', extra: 'view="week"' });
    assert.equal(await calendar.locator('[part~="day"]').count(), 7);
    assert.match((await calendar.locator('[data-day="2026-12-09"]').textContent()) ?? '', /Ledger index rebuild/);
    await expectAccessible(page);

    await calendar.getByRole('button', { name: 'Agenda' }).click();
    const agenda = calendar.locator('[part="agenda"]');
    await agenda.waitFor();
    await eventually(async () => (await agenda.locator('li[data-day="2026-12-29"]').count()) === 1, {
      message: 'agenda lists 29 December',
    });
    assert.match((await agenda.textContent()) ?? '', /Acme network certificate rotation/);
    assert.equal(await calendar.getAttribute('view'), 'agenda');
    await expectAccessible(page);
    await screenshot(calendar, 'sb-release-calendar-agenda');
  });

  test('dates follow the page locale', async () => {
    const page = await openPage({ user: 'viewer', locale: 'de-DE' });
    const calendar = await mount(
      page,
      `<div lang="de"><sb-release-calendar business-unit-id="${bu['payments']}" date="2026-12-01"></sb-release-calendar></div>`,
    );
    const el = calendar.locator('sb-release-calendar');
    await el.locator('[data-day="2026-12-08"] .chip').first().waitFor();
    assert.equal(await el.locator('[part="title"]').textContent(), 'Dezember 2026');
  });

  test('an empty month says nothing is planned', async () => {
    const page = await openPage({ user: 'rmo', locale: 'en-GB' });
    const calendar = await mount(
      page,
      `<sb-release-calendar business-unit-id="${bu['retail']}" date="2027-03-01"></sb-release-calendar>`,
    );
    const empty = calendar.locator('[part="empty"]');
    await empty.waitFor();
    assert.match((await empty.textContent()) ?? '', /Nothing is planned for this business unit in March 2027/);
    await expectAccessible(page);
    assert.deepEqual(page.problems, []);
  });

  test('without a token it says the user is not signed in; an unreachable API says so', async () => {
    const page = await openPage({ locale: 'en-GB' });
    await setUser(page, null);
    await listen(page, 'sb-error');
    const calendar = await mount(page, `<sb-release-calendar business-unit-id="${bu['payments']}"></sb-release-calendar>`);
    const denied = calendar.locator('[part="error"]');
    await denied.waitFor();
    assert.equal(await denied.getAttribute('data-code'), 'UNAUTHENTICATED');
    assert.match((await denied.textContent()) ?? '', /not signed in/);
    assert.equal(await denied.getByRole('button').count(), 0);
    await expectAccessible(page);

    const offline = await mount(page, '<sb-release-calendar api-url="http://127.0.0.1:9/graphql"></sb-release-calendar>');
    const error = offline.locator('[part="error"]');
    await error.waitFor();
    assert.equal(await error.getAttribute('data-code'), 'NETWORK_ERROR');
    assert.match((await error.textContent()) ?? '', /could not be reached/);
    await expectAccessible(page);
    const codes = (await events<{ code: string }>(page, 'sb-error')).map((e) => e.detail.code);
    assert.deepEqual(codes, ['UNAUTHENTICATED', 'NETWORK_ERROR']);
  });
});
