export { SbElement } from './base/sb-element.js';
export type { SbErrorDetail, SbEventName } from './base/events.js';
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

import './components/sb-about/define.js';
