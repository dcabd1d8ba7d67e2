export { SbElement } from './base/sb-element.js';
export type { SbErrorDetail, SbEventMap, SbEventName } from './base/events.js';
export {
  LoadController,
  type LoadHost,
  type LoadOptions,
  type LoadState,
} from './base/load-controller.js';
export {
  SignalboxClient,
  buildRequest,
  readResponse,
  type ClientOptions,
  type PreparedRequest,
  type RequestOptions,
  type TokenProvider,
  type Variables,
} from './data/client.js';
export {
  SignalboxError,
  type GraphQLErrorEntry,
  type SignalboxErrorCode,
} from './data/errors.js';
export { tokens } from './styles/tokens.js';

export { SbAbout } from './components/sb-about/sb-about.js';
export { SbGoNoGo, type SbVoteCastDetail } from './components/sb-go-no-go/sb-go-no-go.js';
export { SbPromotionGates, type SbGateSelectedDetail } from './components/sb-promotion-gates/sb-promotion-gates.js';
export { SbRiskBadge } from './components/sb-risk-badge/sb-risk-badge.js';
export {
  SbReleaseCalendar,
  type SbConflictSelectedDetail,
  type SbDaySelectedDetail,
  type SbFreezeSelectedDetail,
  type SbRangeChangedDetail,
  type SbWindowSelectedDetail,
} from './components/sb-release-calendar/sb-release-calendar.js';
export {
  SbTrainBoard,
  type SbDepartureSelectedDetail,
  type SbFeatureSelectedDetail,
} from './components/sb-train-board/sb-train-board.js';
export { SbGuardrails, type SbGuardrailsSavedDetail } from './components/sb-guardrails/sb-guardrails.js';
export { LiveClient, type LiveOptions, type LiveSink } from './data/live.js';

import './components/sb-about/define.js';
import './components/sb-go-no-go/define.js';
import './components/sb-promotion-gates/define.js';
import './components/sb-risk-badge/define.js';
import './components/sb-release-calendar/define.js';
import './components/sb-train-board/define.js';
import './components/sb-guardrails/define.js';

// The go/no-go dashboard (issue 16).
export { SbReleaseReadiness } from './components/sb-release-readiness/sb-release-readiness.js';
export type { SbReadinessRequestedDetail } from './components/sb-go-no-go/sb-go-no-go.js';
import './components/sb-release-readiness/define.js';

// After release (issue 17): a deployment's health and a post-mortem.
export { SbReleaseHealth } from './components/sb-release-health/sb-release-health.js';
export { SbPostMortem } from './components/sb-post-mortem/sb-post-mortem.js';
import './components/sb-release-health/define.js';
import './components/sb-post-mortem/define.js';

// Insights (issue 18): DORA's four keys.
export { SbDoraMetrics } from './components/sb-dora-metrics/sb-dora-metrics.js';
import './components/sb-dora-metrics/define.js';
export { SbValueStream } from './components/sb-value-stream/sb-value-stream.js';
import './components/sb-value-stream/define.js';
