import { html, nothing, type CSSResultGroup, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { formatDateTime, humanize } from '../../base/format.js';
import { LiveController } from '../../base/live-controller.js';
import { LoadController } from '../../base/load-controller.js';
import { SbElement } from '../../base/sb-element.js';
import { renderFailure } from '../../base/view-state.js';
import { SignalboxError, asSignalboxError } from '../../data/errors.js';
import { disciplinesInOrder, disciplinesOf, readinessHref, votingDiscipline } from './go-no-go-data.js';
import {
  RELEASE_SESSIONS_QUERY,
  SESSION_CHANGED,
  SESSION_QUERY,
  VOTE_MUTATION,
  type Discipline,
  type ReleaseSessionsQuery,
  type Session,
  type SessionChanged,
  type SessionOutcome,
  type SessionQuery,
  type Vote,
  type VoteChoice,
  type VoteMutation,
} from './queries.js';
import { styles } from './sb-go-no-go.styles.js';

/** Detail of `sb-vote-cast`. */
export interface SbVoteCastDetail {
  readonly sessionId: string;
  readonly choice: VoteChoice;
  readonly rationale: string;
}

/** Detail of `sb-readiness-requested`. */
export interface SbReadinessRequestedDetail {
  readonly releaseId: string;
  /** The link followed, unless the host cancels the event (preventDefault) to show it itself. */
  readonly href: string;
}

/** The session shown and who is looking; null: the release has no session (the empty state). */
interface Shown {
  readonly session: Session;
  readonly viewerId: string | null;
}

const CHOICES: ReadonlyArray<{ value: VoteChoice; label: string }> = [
  { value: 'GO', label: 'Go' },
  { value: 'NO_GO', label: 'No-go' },
  { value: 'ABSTAIN', label: 'Abstain' },
];

const OUTCOMES: Record<SessionOutcome, string> = {
  GO: 'Go',
  NO_GO: 'No-go',
  NO_QUORUM: 'No quorum',
};

/**
 * A release's go/no-go session with one board: the decision rule, each discipline's votes with
 * their rationale, the outcome and the clause of the rule that produced it. A board member who
 * may vote gets a form; the view follows the session live (graphql-transport-ws).
 *
 * @attr session-id - The GoNoGoSession's global id.
 * @attr release-id - Or a Release's global id: its open session, else its latest.
 * @attr readiness-href - Where the release's readiness dashboard (`<sb-release-readiness>`) is:
 *   `{releaseId}` becomes the release's id. Set, the header links to it.
 * @fires sb-vote-cast - The viewer's vote was recorded; detail `{ sessionId, choice, rationale }`.
 * @fires sb-error - The session could not be loaded or followed; detail `{ code, message }`.
 * @fires sb-readiness-requested - The readiness link was followed; detail `{ releaseId, href }`.
 *   Cancelable: a host that shows the dashboard itself calls `preventDefault()` and no navigation happens.
 * @csspart container - The whole component.
 * @csspart header - Release title, board and session status.
 * @csspart readiness-link - The link to the release's readiness dashboard.
 * @csspart outcome - The outcome so far (or final) and why.
 * @csspart rule - The decision rule.
 * @csspart discipline - One discipline with its votes.
 * @csspart vote - One vote.
 * @csspart choice - A vote's choice badge (also has `choice-go`, `choice-no_go`, `choice-abstain`).
 * @csspart vote-form - The voting form.
 * @csspart vote-button - The form's submit button.
 * @csspart message - The loading and empty messages.
 * @csspart error - The message shown when loading failed or was denied (with `data-code`).
 */
export class SbGoNoGo extends SbElement {
  static override styles: CSSResultGroup = [SbElement.styles, styles];

  @property({ attribute: 'session-id' })
  sessionId: string | null | undefined;

  @property({ attribute: 'release-id' })
  releaseId: string | null | undefined;

  @property({ attribute: 'readiness-href' })
  readinessHref: string | null | undefined;

  @state() private choice: VoteChoice | null = null;
  @state() private rationale = '';
  @state() private submitting = false;
  @state() private formError = '';
  @state() private liveError = '';

  readonly #live = new LiveController(this);
  readonly #session = new LoadController(this, {
    args: () => [this.sessionId, this.releaseId] as const,
    task: ([sessionId, releaseId], signal) => this.#open(sessionId, releaseId, signal),
    // Votes cast while the element was away never reached it: show the session afresh.
    reloadOnReconnect: true,
  });

  protected override render(): TemplateResult {
    const busy = this.#session.state.status === 'loading';
    return html`<section part="container" class="container" aria-busy=${busy ? 'true' : 'false'}
      aria-label="Go/no-go session">
      ${this.#renderView()}
    </section>`;
  }

  #renderView(): TemplateResult {
    const state = this.#session.state;
    switch (state.status) {
      case 'loading':
        return html`<p part="message" class="message" role="status">Loading the go/no-go session…</p>`;
      case 'error':
        return renderFailure(
          state.error,
          'this go/no-go session',
          () => void this.#session.run(),
          'Ask your release management office if you should be on this board.',
        );
      case 'ready':
        return state.data
          ? this.#renderSession(state.data.session, state.data.viewerId)
          : html`<p part="message" class="message empty" role="status">
              No go/no-go session has been opened for this release yet.
            </p>`;
    }
  }


  #renderSession(session: Session, viewerId: string | null): TemplateResult {
    const open = session.status === 'OPEN';
    const outcome = open ? session.currentDecision.outcome : (session.outcome ?? 'NO_QUORUM');
    const why = open ? session.currentDecision.ruleClause : (session.decidedByRule ?? '');
    const discipline = votingDiscipline(session, viewerId);
    return html`
      <header part="header" class="header">
        <span class="title">${session.release?.title ?? 'Release'}</span>
        <span class="meta">
          ${session.board?.name ?? 'Board'} ·
          ${open
            ? html`open since ${formatDateTime(this, session.openedAt)}`
            : html`closed ${formatDateTime(this, session.closedAt)}`}
        </span>
        ${this.#renderReadinessLink(session)}
      </header>
      <div part="outcome" class="outcome outcome-${outcome.toLowerCase()}" role="status"
        aria-live="polite">
        <span class="outcome-label">${open ? 'So far' : 'Decided'}: <strong>${OUTCOMES[outcome]}</strong></span>
        <span class="why">${why}</span>
      </div>
      ${this.#renderRule(session)}
      <ul class="disciplines" aria-label="Votes by discipline">
        ${disciplinesOf(session).map((d) => this.#renderDiscipline(session, d))}
      </ul>
      ${discipline ? this.#renderForm(session, viewerId, discipline) : nothing}
      ${this.liveError
        ? html`<p class="live-error" role="status">Live updates stopped: ${this.liveError}</p>`
        : nothing}
    `;
  }

  #renderReadinessLink(session: Session): TemplateResult | typeof nothing {
    const releaseId = session.release?.id;
    const href = releaseId ? readinessHref(this.readinessHref, releaseId) : null;
    if (!releaseId || !href) return nothing;
    const follow = (event: Event): void => {
      const asked = this.emit('sb-readiness-requested', { releaseId, href }, { cancelable: true });
      if (asked.defaultPrevented) event.preventDefault();
    };
    return html`<a part="readiness-link" class="readiness-link" href=${href} @click=${follow}>
      Release readiness<span class="visually-hidden"> of ${session.release?.title ?? 'this release'}</span>
    </a>`;
  }

  #renderRule(session: Session): TemplateResult {
    const { quorum, approvalsNeeded, requiredDisciplines, vetoDisciplines } = session.rule;
    const list = (ds: readonly Discipline[]): string =>
      ds.length ? disciplinesInOrder(ds).map(humanize).join(', ') : 'none';
    return html`<dl part="rule" class="rule">
      <div><dt>Quorum</dt><dd>${quorum} votes, abstentions included</dd></div>
      <div><dt>Approvals needed</dt><dd>${approvalsNeeded} go votes, outnumbering no-go</dd></div>
      <div><dt>Must vote</dt><dd>${list(requiredDisciplines)}</dd></div>
      <div><dt>Veto</dt><dd>${list(vetoDisciplines)}</dd></div>
    </dl>`;
  }

  #renderDiscipline(session: Session, discipline: Discipline): TemplateResult {
    const votes = session.votes.filter((v) => v.discipline === discipline);
    const required = session.rule.requiredDisciplines.includes(discipline);
    const veto = session.rule.vetoDisciplines.includes(discipline);
    return html`<li part="discipline" class="discipline" data-discipline=${discipline}>
      <span class="discipline-name">${humanize(discipline)}</span>
      ${required ? html`<span class="tag">must vote</span>` : nothing}
      ${veto ? html`<span class="tag">veto</span>` : nothing}
      ${votes.length
        ? html`<ul class="votes">${votes.map((v) => this.#renderVote(v))}</ul>`
        : html`<p class="no-vote">No vote yet.</p>`}
    </li>`;
  }

  #renderVote(vote: Vote): TemplateResult {
    const choice = vote.choice.toLowerCase();
    return html`<li part="vote" class="vote">
      <span class="voter">${vote.voterName}</span>
      <span part="choice choice-${choice}" class="choice choice-${choice}">
        ${CHOICES.find((c) => c.value === vote.choice)?.label ?? vote.choice}
      </span>
      <time datetime=${vote.changedAt ?? vote.castAt} class="when">
        ${formatDateTime(this, vote.changedAt ?? vote.castAt)}${vote.changedAt ? ' (changed)' : ''}
      </time>
      ${vote.rationale ? html`<q class="rationale">${vote.rationale}</q>` : nothing}
    </li>`;
  }

  #renderForm(session: Session, viewerId: string | null, discipline: Discipline): TemplateResult {
    const mine = session.votes.find((v) => v.voter?.id === viewerId);
    const needsRationale = this.choice === 'NO_GO';
    return html`<form part="vote-form" class="vote-form" novalidate @submit=${this.#submit}>
      <fieldset>
        <legend>Your vote, for ${humanize(discipline)}${mine ? ' (you may change it)' : ''}</legend>
        <div class="choices">
          ${CHOICES.map(
            (c) => html`<label class="choice-option">
              <input type="radio" name="choice" .value=${c.value}
                .checked=${this.choice === c.value}
                @change=${() => (this.choice = c.value)} />
              ${c.label}
            </label>`,
          )}
        </div>
        <label class="rationale-label" for="rationale">
          Rationale${needsRationale ? ' (required for no-go)' : ' (optional)'}
        </label>
        <textarea id="rationale" rows="2" .value=${this.rationale} aria-required=${needsRationale ? 'true' : 'false'}
          @input=${(e: Event) => (this.rationale = (e.target as HTMLTextAreaElement).value)}></textarea>
      </fieldset>
      <button part="vote-button" type="submit" ?disabled=${this.submitting || !this.choice}>
        ${this.submitting ? 'Recording…' : mine ? 'Change vote' : 'Cast vote'}
      </button>
      ${this.formError
        ? html`<p class="form-error" role="alert">${this.formError}</p>`
        : nothing}
    </form>`;
  }

  #submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    const shown = this.#session.state.status === 'ready' ? this.#session.state.data : null;
    const choice = this.choice;
    if (!shown || !choice || this.submitting) return;
    const rationale = this.rationale.trim();
    if (choice === 'NO_GO' && !rationale) {
      this.formError = 'A no-go vote needs a rationale.';
      return;
    }
    this.submitting = true;
    this.formError = '';
    const sessionId = shown.session.id;
    try {
      const data = await this.client.request<VoteMutation>(VOTE_MUTATION, {
        input: { sessionId, choice, rationale },
      });
      const { goNoGoSession, errors } = data.goNoGoVote;
      if (errors.length) {
        this.formError = errors.map((e) => e.message).join(' ');
        return;
      }
      if (goNoGoSession) this.#show(goNoGoSession, shown.viewerId);
      this.choice = null;
      this.rationale = '';
      this.emit('sb-vote-cast', { sessionId, choice, rationale });
    } catch (error) {
      const failure = asSignalboxError(error);
      if (failure.code === 'FORBIDDEN' || failure.code === 'UNAUTHENTICATED') {
        this.#live.stop();
        this.#session.fail(failure);
      } else {
        this.formError = `Your vote was not recorded: ${failure.message}`;
      }
    } finally {
      this.submitting = false;
    }
  };

  #show(session: Session, viewerId: string | null): void {
    const current = this.#session.state;
    // Live events and mutation answers can cross: never go back to an older version.
    if (
      current.status === 'ready' &&
      current.data?.session.id === session.id &&
      current.data.session.version > session.version
    ) {
      return;
    }
    this.#session.show({ session, viewerId });
  }

  /** Loads the session afresh, then follows it live. */
  async #open(
    sessionId: string | null | undefined,
    releaseId: string | null | undefined,
    signal: AbortSignal,
  ): Promise<Shown | null> {
    this.#live.stop();
    this.formError = '';
    this.liveError = '';
    const shown = await this.#fetch(sessionId, releaseId, signal);
    if (shown && !signal.aborted) {
      this.#follow(shown.session.id, shown.viewerId);
    }
    return shown;
  }

  async #fetch(
    sessionId: string | null | undefined,
    releaseId: string | null | undefined,
    signal: AbortSignal,
  ): Promise<Shown | null> {
    if (sessionId) {
      const data = await this.client.request<SessionQuery>(SESSION_QUERY, { id: sessionId }, { signal });
      if (data.node?.__typename !== 'GoNoGoSession') {
        throw new SignalboxError('NOT_FOUND', 'Go/no-go session was not found.');
      }
      return { session: data.node as Session, viewerId: data.viewer.person?.id ?? null };
    }
    if (releaseId) {
      const data = await this.client.request<ReleaseSessionsQuery>(
        RELEASE_SESSIONS_QUERY,
        { id: releaseId },
        { signal },
      );
      if (data.node?.__typename !== 'Release') {
        throw new SignalboxError('NOT_FOUND', 'Release was not found.');
      }
      const sessions = data.node.goNoGoSessions ?? [];
      const session = sessions.find((s) => s.status === 'OPEN') ?? sessions[sessions.length - 1];
      return session ? { session, viewerId: data.viewer.person?.id ?? null } : null;
    }
    throw new SignalboxError('NOT_CONFIGURED', '<sb-go-no-go> needs a session-id or a release-id.');
  }

  #follow(sessionId: string, viewerId: string | null): void {
    this.#live.follow<SessionChanged>(
      SESSION_CHANGED,
      { id: sessionId },
      {
        next: (data) => {
          this.liveError = '';
          this.#show(data.goNoGoSessionChanged, viewerId);
        },
        error: (error) => {
          this.liveError = error.message;
        },
      },
    );
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'sb-vote-cast': CustomEvent<SbVoteCastDetail>;
    'sb-readiness-requested': CustomEvent<SbReadinessRequestedDetail>;
  }
}
