import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  closeBrowser,
  computedStyle,
  events,
  eventually,
  expectAccessible,
  holdAnswers,
  gql,
  listen,
  mount,
  openPage,
  screenshot,
  setUser,
} from '../../../test/harness.js';
import { demoRelease, openPaymentsSession } from '../../../test/worlds.js';

after(closeBrowser);

const opts = { timeout: 90_000 };
let sessionId = '';
let releaseId = '';

before(async () => {
  ({ sessionId, releaseId } = await openPaymentsSession());
});

const tag = (attrs: string): string => `<sb-go-no-go ${attrs}></sb-go-no-go>`;

describe('<sb-go-no-go> shows a session of the payments board', opts, () => {
  test('it shows the rule, every discipline and the outcome so far, to a board member', async () => {
    const page = await openPage({ user: 'approver' });
    const el = await mount(page, tag(`session-id="${sessionId}"`));

    await el.locator('[part="outcome"]').waitFor();
    assert.match(await el.locator('.header').innerText(), /3-D Secure challenge flow/);
    assert.match(await el.locator('.header').innerText(), /Payments change advisory board/);
    const rule = await el.locator('[part="rule"]').innerText();
    assert.match(rule, /Quorum\s*3 votes/);
    assert.match(rule, /Approvals needed\s*2 go votes/);
    assert.match(rule, /Must vote\s*Security/);
    assert.match(rule, /Veto\s*Security, Legal/);
    assert.deepEqual(
      await el.locator('[part="discipline"]').evaluateAll((els) =>
        els.map((e) => e.getAttribute('data-discipline')),
      ),
      ['ENGINEERING', 'PRODUCT', 'SECURITY', 'COMPLIANCE', 'LEGAL'],
    );
    assert.match(await el.locator('[part="outcome"]').innerText(), /No quorum/);
    await el.locator('[part="vote-form"]').waitFor();
    assert.match(await el.locator('legend').innerText(), /for Security/);
    await expectAccessible(page);
    await screenshot(el, 'sb-go-no-go');
    assert.deepEqual(page.problems, []);
  });

  test('a release-id shows the release’s open session', async () => {
    const page = await openPage({ user: 'viewer' });
    const el = await mount(page, tag(`release-id="${releaseId}"`));

    await el.locator('[part="outcome"]').waitFor();
    assert.match(await el.locator('.header').innerText(), /3-D Secure challenge flow/);
  });

  test('a viewer sees the votes but no vote button', async () => {
    const page = await openPage({ user: 'viewer' });
    const el = await mount(page, tag(`session-id="${sessionId}"`));

    await el.locator('[part="outcome"]').waitFor();
    assert.equal(await el.locator('[part="vote-form"]').count(), 0);
    assert.equal(await el.locator('[part="vote-button"]').count(), 0);
    await expectAccessible(page);
  });

  test('the release’s author sits on the board but gets no vote button', async () => {
    const page = await openPage({ user: 'engineer' });
    const el = await mount(page, tag(`session-id="${sessionId}"`));

    await el.locator('[part="outcome"]').waitFor();
    assert.equal(await el.locator('[part="vote-form"]').count(), 0);
  });
});

describe('A vote cast in one page appears live in another', opts, () => {
  test('the approver votes GO; the viewer’s page shows it without reloading', async () => {
    const voter = await openPage({ user: 'approver', locale: 'en-GB' });
    const watcher = await openPage({ user: 'viewer', locale: 'de-DE' });
    await listen(voter, 'sb-vote-cast');
    const mine = await mount(voter, tag(`session-id="${sessionId}"`));
    const theirs = await mount(watcher, tag(`session-id="${sessionId}"`));
    await theirs.locator('[part="outcome"]').waitFor();
    await mine.locator('[part="vote-form"]').waitFor();
    const before = await theirs.locator('[part="vote"]').count();

    await mine.getByLabel('Go', { exact: true }).check();
    await mine.getByLabel(/Rationale/).fill('Pen test clean; threat model reviewed.');
    await expectAccessible(voter);
    await mine.locator('[part="vote-button"]').click();

    const security = theirs.locator('[data-discipline="SECURITY"] [part="vote"]');
    await security.filter({ hasText: 'Pen test clean' }).waitFor();
    assert.equal(await theirs.locator('[part="vote"]').count(), before + 1);
    assert.match(await security.innerText(), /Ada Okafor/);
    // The watcher's page writes dates the German way.
    assert.match(await security.locator('time').innerText(), /\d{2}\.\d{2}\.\d{4}/);
    const cast = await events<{ sessionId: string; choice: string; rationale: string }>(
      voter,
      'sb-vote-cast',
    );
    assert.deepEqual(cast.map((e) => e.detail), [
      { sessionId, choice: 'GO', rationale: 'Pen test clean; threat model reviewed.' },
    ]);
    assert.equal(await mine.locator('[part="vote-button"]').innerText(), 'Change vote');
    await expectAccessible(watcher);

    // A vote from elsewhere (the API, as legal) reaches both pages, and the outcome follows.
    await gql(
      'legal',
      `mutation($i: GoNoGoVoteInput!) { goNoGoVote(input: $i) { errors { code message } } }`,
      { i: { sessionId, choice: 'NO_GO', rationale: 'Data processing agreement unsigned.' } },
    );
    for (const el of [mine, theirs]) {
      await el.locator('[data-discipline="LEGAL"] [part="vote"]').waitFor();
    }
    // Legal holds a veto: its no-go decides, whatever the count.
    const outcome = theirs.locator('[part="outcome"]');
    await eventually(async () => /So far: No-go/.test(await outcome.innerText()), {
      message: 'the veto decides no-go',
    });
    assert.match(await outcome.innerText(), /veto: legal voted no-go/);
    await screenshot(theirs, 'sb-go-no-go-live');
    assert.deepEqual(voter.problems, []);
    assert.deepEqual(watcher.problems, []);
  });

  test('a no-go without a rationale is refused before it is sent', async () => {
    const page = await openPage({ user: 'compliance' });
    const el = await mount(page, tag(`session-id="${sessionId}"`));
    await el.locator('[part="vote-form"]').waitFor();

    await el.getByLabel('No-go', { exact: true }).check();
    await el.locator('[part="vote-button"]').click();

    assert.match(await el.locator('.form-error').innerText(), /needs a rationale/);
    await expectAccessible(page);
  });
});

describe('<sb-go-no-go> says what happened when it cannot show a session', opts, () => {
  test('a vote the server forbids shows the permission-denied state', async () => {
    const page = await openPage({ user: 'compliance' });
    await listen(page, 'sb-error');
    const el = await mount(page, tag(`session-id="${sessionId}"`));
    await el.locator('[part="vote-form"]').waitFor();
    // The host's session changes to someone who may not vote (e.g. a grant was revoked).
    await setUser(page, 'viewer');

    await el.getByLabel('Abstain', { exact: true }).check();
    await el.locator('[part="vote-button"]').click();

    const denied = el.locator('[part="error"]');
    await denied.waitFor();
    assert.equal(await denied.getAttribute('data-code'), 'FORBIDDEN');
    assert.match(await denied.innerText(), /You do not have permission to see this go\/no-go session/);
    assert.match(await denied.innerText(), /Ask your release management office/);
    assert.equal(await denied.getByRole('button').count(), 0);
    assert.equal(await el.locator('[part="vote-form"]').count(), 0);
    assert.deepEqual(
      (await events<{ code: string }>(page, 'sb-error')).map((e) => e.detail.code),
      ['FORBIDDEN'],
    );
    await expectAccessible(page);
    await screenshot(el, 'sb-go-no-go-permission-denied');
  });

  test('a release without a session shows the empty state', async () => {
    const draft = await demoRelease('Card gateway TLS rotation');
    const page = await openPage({ user: 'viewer' });
    const el = await mount(page, tag(`release-id="${draft.id}"`));

    await el.locator('.empty').waitFor();
    assert.match(await el.locator('.empty').innerText(), /No go\/no-go session has been opened/);
    await expectAccessible(page);
  });

  test('an id that is not a session shows the not-found state', async () => {
    const page = await openPage({ user: 'viewer' });
    const el = await mount(page, tag(`session-id="${releaseId}"`));

    await el.getByText(/was not found/).waitFor();
    await expectAccessible(page);
  });

  test('an unreachable API shows the error state with a retry', async () => {
    const page = await openPage({ user: 'viewer' });
    const el = await mount(
      page,
      tag(`session-id="${sessionId}" api-url="http://127.0.0.1:9/graphql"`),
    );

    const failure = el.locator('[part="error"]');
    await failure.waitFor();
    assert.equal(await failure.getAttribute('data-code'), 'NETWORK_ERROR');
    assert.match(await failure.innerText(), /could not be reached/);
    assert.equal(await el.getByRole('button', { name: 'Try again' }).count(), 1);
    await expectAccessible(page);
  });

  test('while the answer is on its way it shows the loading state', async () => {
    const page = await openPage({ user: 'viewer' });
    // Hold the real answer back (the request still goes to the real server).
    const answers = await holdAnswers(page);
    const el = await mount(page, tag(`session-id="${sessionId}"`));

    await el.getByText('Loading the go/no-go session…').waitFor();
    assert.equal(await el.locator('[part="container"]').getAttribute('aria-busy'), 'true');
    await expectAccessible(page);
    await answers.release();
    await el.locator('[part="outcome"]').waitFor();
  });
});

describe('<sb-go-no-go> takes the host’s theme', opts, () => {
  test('--sb-color-accent colours the vote button', async () => {
    const page = await openPage({ user: 'approver' });
    const el = await mount(
      page,
      `<div style="--sb-color-accent: rgb(128, 0, 128)">${tag(`session-id="${sessionId}"`)}</div>`,
    );
    const button = el.locator('[part="vote-button"]');
    await button.waitFor();

    assert.equal(await computedStyle(button, 'background-color'), 'rgb(128, 0, 128)');
  });
});

describe('<sb-go-no-go> links to the release’s readiness dashboard', opts, () => {
  test('readiness-href gets the release id; a host that cancels the event shows it itself', async () => {
    const page = await openPage({ user: 'viewer' });
    await listen(page, 'sb-readiness-requested');
    const el = await mount(page, tag(`session-id="${sessionId}" readiness-href="#readiness={releaseId}"`));
    const link = el.locator('[part="readiness-link"]');
    await link.waitFor();
    assert.equal(await link.getAttribute('href'), `#readiness=${encodeURIComponent(releaseId)}`);
    assert.match(await link.innerText(), /Release readiness/);

    await link.focus();
    await page.keyboard.press('Enter');
    await eventually(async () => new URL(page.url()).hash === `#readiness=${encodeURIComponent(releaseId)}`, {
      message: 'the link followed',
    });
    await page.evaluate(() => {
      history.replaceState(null, '', location.pathname + location.search);
      document.addEventListener('sb-readiness-requested', (e) => e.preventDefault());
    });
    await link.click();
    const asked = await events<{ releaseId: string; href: string }>(page, 'sb-readiness-requested');
    assert.deepEqual(asked.map((e) => e.detail.releaseId), [releaseId, releaseId]);
    assert.equal(new URL(page.url()).hash, '', 'a cancelled request does not navigate');
    await expectAccessible(page);
  });

  test('without readiness-href there is no link', async () => {
    const page = await openPage({ user: 'viewer' });
    const el = await mount(page, tag(`session-id="${sessionId}"`));
    await el.locator('[part="outcome"]').waitFor();
    assert.equal(await el.locator('[part="readiness-link"]').count(), 0);
  });
});
