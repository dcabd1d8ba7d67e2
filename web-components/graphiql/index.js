// GraphiQL served by Signalbox itself (GET /graphql in development), bundled from the `graphiql`
// npm package by scripts/build.mjs into dist/graphiql/, so the IDE works with no internet.
// Requests go to this page's own origin; the bearer token goes in the Headers tab and is kept
// in this browser's storage only.
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import 'graphiql/style.css';

const root = document.getElementById('graphiql');
const endpoint = new URL(root?.dataset.endpoint ?? '/graphql', window.location.href).href;
const fetchGraphQL = createGraphiQLFetcher({ url: endpoint });

/** The headers kept from the Headers tab: the schema is fetched before that tab is ready. */
function keptHeaders() {
  try {
    const kept = JSON.parse(localStorage.getItem('graphiql:headers') ?? '{}');
    return kept && typeof kept === 'object' && !Array.isArray(kept) ? kept : {};
  } catch {
    return {};
  }
}

const fetcher = (params, options = {}) =>
  fetchGraphQL(params, { ...options, headers: { ...keptHeaders(), ...(options.headers ?? {}) } });

createRoot(root).render(
  createElement(GraphiQL, {
    fetcher,
    defaultHeaders: '{\n  "Authorization": "Bearer <paste a token: signalbox token create --user rmo>"\n}',
    shouldPersistHeaders: true,
    defaultQuery: '# Paste a token into the Headers tab below, then run:\n{ about { name version } }\n',
  }),
);
