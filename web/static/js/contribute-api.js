// The API as the "Contribuer" drawer calls it: with the session's CSRF token (header X-CSRF-Token,
// from the \`maillage_csrf\` cookie); an expired session or a refused token is SessionExpired.
import { lang } from "./i18n.js";
import { tr } from "./contribute-texts.js";

export class SessionExpired extends Error {}

export function csrfToken() {
  const cookie = document.cookie.split("; ").find((c) => c.startsWith("maillage_csrf="));
  return cookie ? decodeURIComponent(cookie.slice("maillage_csrf=".length)) : "";
}

/** A GraphQL request with the session's CSRF token; a problem result is returned as is. */
export async function call(query, variables = {}) {
  let response;
  try {
    response = await fetch("graphql", {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "Accept-Language": lang(),
        "X-CSRF-Token": csrfToken(),
      },
      body: JSON.stringify({ query, variables }),
    });
  } catch {
    throw new Error(tr("error.network"));
  }
  const body = await response.json().catch(() => ({}));
  const error = body.errors?.[0];
  if (error) {
    const code = error.extensions?.code;
    if (code === "session_expired" || code === "csrf_refused") throw new SessionExpired(error.message);
    const failure = new Error(error.message);
    failure.code = code;
    throw failure;
  }
  return body.data;
}

export const ME = `{ me { name role network signedIn mayPropose mayEdit mayAdminister } }`;
export const UPSERT = `mutation($input: ActorInput!) { upsertActor(input: $input) { __typename
  ... on ActorSaved { actor { id } } ... on Problem { code message } } }`;
export const PROPOSE_ACTOR = `mutation($input: ActorInput!) { proposeActor(input: $input) { __typename
  ... on Proposal { id } ... on Problem { code message } } }`;
export const LINK = `mutation($input: LinkInput!) { linkActors(input: $input) { __typename
  ... on LinkSaved { link { id } } ... on Problem { code message } } }`;
export const PROPOSE_LINK = `mutation($input: LinkInput!) { proposeLink(input: $input) { __typename
  ... on Proposal { id } ... on Problem { code message } } }`;
export const PROPOSALS = `query($network: ID) { proposals(status: PENDING, network: $network, first: 100) {
  items { id kind side actors proposedBy createdAt actor mayDecide
    link { kind from to subkind since until sources } } } }`;
export const DECIDE = `mutation($id: ID!, $note: String) { %ROOT%(id: $id, note: $note) { __typename
  ... on Problem { code message } } }`;
export const CANDIDATES = `{ duplicateCandidates { id score reasons recordName recordAlias recordCommune
  fileName line actor { id name kind ... on Organisation { siren } } } }`;
export const RESOLVE = `mutation($id: ID!, $accept: Boolean!) { resolveDuplicate(candidate: $id, accept: $accept) {
  __typename ... on Problem { code message } } }`;
export const HISTORY = `query($of: ID!) { history(of: $of, first: 20) { items { id at by operation kind run
  before after revertible } } }`;
export const REVERT = `mutation($id: ID!) { revertChange(change: $id) { __typename
  ... on RevertRefused { message } ... on Problem { code message } } }`;
export const STALE = `query($n: ID!) { staleEntries(network: $n) { actors { actor { id name kind } lastChanged }
  links { link { id kind from { id name } to { id name } } lastChanged } } }`;
export const CONFIRM_ENTRY = `mutation($id: ID!, $from: ID, $until: Date) { confirmEntry(id: $id, from: $from, until: $until) {
  __typename ... on Problem { code message } } }`;
export const COMPARE = `query($id: ID!) { duplicateComparison(id: $id) { candidate status recordAlias
  actor { id name } fields { field record actor differs sides } } }`;
export const MERGE = `mutation($id: ID!, $choices: [FieldChoice!]!) { mergeCandidate(id: $id, choices: $choices) {
  __typename ... on CandidateMerged { change actor { id } } ... on Problem { code message } } }`;
export const COMMUNES = `query($s: String!) { communes(search: $s, first: 8) { code name postcodes departement
  latitude longitude } }`;
export const SIRENE = `query($n: String!) { sirene(number: $n) { known fromSirene name legalForm
  commune { code name postcodes } latitude longitude actor { id name } } }`;
