// The page's only way to the data: the public GraphQL API at /graphql.
//
// Every query the page sends is in this file, and every answer is turned into the plain objects
// the other modules use (see the normalisers at the bottom), so a change of the schema is fixed
// here and nowhere else.
//
//   actor   {id, name, kind, legalForm, level, lat, lon, precision, themes:[{id,label,labelEn}],
//            territories:[{id,code,name,level}], aliases:[], sources:[{system,key,url}]}
//   link    {id, kind, subkind, from, to, since, until, sources:[...]}   (from/to are actor ids)

import { lang } from "./i18n.js";

const ENDPOINT = "graphql";
export const PAGE_SIZE = 100; // the API's maximum page size
export const MAX_ACTORS = 20_000; // beyond this the page asks the visitor to filter

/** A refusal or failure of the API; `code` and `field` come from the error's extensions. */
export class ApiError extends Error {
  constructor(message, { code = null, field = null } = {}) {
    super(message);
    this.code = code;
    this.field = field;
  }
}

export async function gql(query, variables = {}, { signal } = {}) {
  let response;
  try {
    response = await fetch(ENDPOINT, {
      method: "POST",
      // the API answers (its errors, its path explanations) in the page's language, which the
      // visitor may have switched away from the browser's
      headers: { "Content-Type": "application/json", Accept: "application/json", "Accept-Language": lang() },
      body: JSON.stringify({ query, variables }),
      signal,
    });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError(`network: ${error.message}`);
  }
  let body;
  try {
    body = await response.json();
  } catch {
    throw new ApiError(`HTTP ${response.status}`);
  }
  if (body.errors?.length) {
    const first = body.errors[0].extensions ?? {};
    throw new ApiError(body.errors.map((e) => e.message).join("; "), {
      code: first.code ?? null,
      field: first.field ?? null,
    });
  }
  if (!response.ok) throw new ApiError(`HTTP ${response.status}`);
  return body.data;
}

// --- fragments -----------------------------------------------------------------------------

const ACTOR_ON_MAP = `
  fragment ActorOnMap on Actor {
    __typename id name kind
    location { latitude longitude precision }
    themes { id label labelEn }
  }`;

const LINK_FIELDS = `
  fragment LinkFields on Link {
    id kind subkind since until
    from { __typename id name kind }
    to { __typename id name kind }
    sources { system key url }
  }`;

const SOURCE_FIELDS = "sources { system key url }";

// --- actors on the map ---------------------------------------------------------------------

// Links are asked from their stating end only (OUTGOING), so each comes once. The API estimates
// a query's cost before running it (≈ 5 × 100 actors + 3 × 100 × 30 links = 9,500, a fifth of
// its default limit, MAILLAGE_MAX_QUERY_COST = 50,000); the few actors stating more than 30 links
// get the rest by a follow-up query (MORE_LINKS).
const LINKS_PER_ACTOR = 30;
const ACTORS = `
  query MapActors($filter: ActorFilter, $first: Int!, $after: String,
                  $withLinks: Boolean!, $asOf: Date) {
    actors(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        ...ActorOnMap
        links(asOf: $asOf, direction: OUTGOING, first: ${LINKS_PER_ACTOR}) @include(if: $withLinks) {
          pageInfo { hasNextPage endCursor }
          nodes { id kind subkind since until to { id } }
        }
      }
    }
  }
  ${ACTOR_ON_MAP}`;

const MORE_LINKS = `
  query MoreLinks($id: ID!, $asOf: Date, $after: String) {
    actor(id: $id) {
      links(asOf: $asOf, direction: OUTGOING, first: 100, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { id kind subkind since until to { id } }
      }
    }
  }`;

/**
 * Every actor matching `filter`, page by page (the API serves at most 100 a page), with the
 * links they state when `withLinks`. Returns {actors, links, total, truncated};
 * `onProgress(loaded, total)` follows the loading.
 */
export async function fetchActors(filter, { withLinks, asOf, signal, onProgress } = {}) {
  const actors = [];
  const links = new Map();
  const addLinks = (fromId, connection) => {
    for (const raw of unwrapList(connection)) {
      const link = normaliseLink({ ...raw, from: { id: fromId } });
      links.set(link.id, link);
    }
  };
  const unfinished = []; // [actor id, cursor] of actors stating more links than one page
  let after = null;
  let total = null;
  let truncated = false;
  for (;;) {
    const data = await gql(
      ACTORS,
      { filter, first: PAGE_SIZE, after, withLinks: Boolean(withLinks), asOf: asOf || null },
      { signal },
    );
    const page = data.actors;
    total = page.totalCount ?? total;
    for (const node of unwrapList(page)) {
      actors.push(normaliseActor(node));
      if (node.links) {
        addLinks(node.id, node.links);
        if (node.links.pageInfo?.hasNextPage) unfinished.push([node.id, node.links.pageInfo.endCursor]);
      }
    }
    onProgress?.(actors.length, total);
    if (!page.pageInfo.hasNextPage) break;
    if (actors.length >= MAX_ACTORS) {
      truncated = true;
      break;
    }
    after = page.pageInfo.endCursor;
  }
  for (let [id, cursor] of unfinished) {
    for (let more = true; more; ) {
      const data = await gql(MORE_LINKS, { id, asOf: asOf || null, after: cursor }, { signal });
      const connection = data.actor?.links;
      addLinks(id, connection);
      more = Boolean(connection?.pageInfo?.hasNextPage);
      cursor = connection?.pageInfo?.endCursor ?? null;
    }
  }
  return { actors, links: [...links.values()], total: total ?? actors.length, truncated };
}

const NETWORKS = `
  query Networks($after: String) {
    actors(filter: {kinds: [NETWORK, ADVOCACY_BODY]}, first: 100, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { id name }
    }
  }`;

/** Networks and advocacy bodies: what an actor can be a member of (the "member of" filter). */
export async function fetchNetworks() {
  const networks = [];
  let after = null;
  for (let page = 0; page < 50; page += 1) {
    const data = await gql(NETWORKS, { after });
    networks.push(...unwrapList(data.actors).map((n) => ({ id: n.id, name: n.name })));
    if (!data.actors.pageInfo.hasNextPage) break;
    after = data.actors.pageInfo.endCursor;
  }
  return networks;
}

// --- search (autocomplete) -----------------------------------------------------------------

const SEARCH = `
  query Search($text: String!, $first: Int!) {
    search(text: $text, first: $first) { ...ActorOnMap }
  }
  ${ACTOR_ON_MAP}`;

export async function searchActors(text, first = 8, { signal } = {}) {
  const data = await gql(SEARCH, { text, first }, { signal });
  return unwrapList(data.search).map(normaliseActor);
}

// --- one actor: the side panel -------------------------------------------------------------

const ACTOR = `
  query Actor($id: ID!, $asOf: Date) {
    actor(id: $id) {
      ...ActorOnMap
      legalForm aliases website
      ... on AdvocacyBody { level }
      territories { id code name level }
      ${SOURCE_FIELDS}
      links(asOf: $asOf, first: 100) { totalCount nodes { ...LinkFields } }
      memberships: links(asOf: $asOf, kinds: [MEMBER_OF], direction: OUTGOING, first: 100) {
        totalCount nodes { ...LinkFields }
      }
    }
  }
  ${ACTOR_ON_MAP}
  ${LINK_FIELDS}`;

/** One actor with its links (as of a date) and memberships, for the panel. */
export async function fetchActor(id, { asOf } = {}) {
  const data = await gql(ACTOR, { id, asOf: asOf || null });
  if (!data.actor) return null;
  const actor = normaliseActor(data.actor);
  actor.website = data.actor.website ?? null;
  actor.links = unwrapList(data.actor.links).map(normaliseLink);
  actor.linkCount = data.actor.links?.totalCount ?? actor.links.length;
  actor.memberships = unwrapList(data.actor.memberships).map(normaliseLink);
  actor.linkedActors = new Map();
  for (const raw of [...unwrapList(data.actor.links), ...unwrapList(data.actor.memberships)]) {
    for (const end of [raw.from, raw.to]) {
      if (end) actor.linkedActors.set(end.id, { id: end.id, name: end.name, kind: kindOf(end) });
    }
  }
  return actor;
}

const PEERS = `
  query Peers($actor: ID!, $first: Int!, $asOf: Date) {
    peerProjects(actor: $actor, first: $first, hideLinked: true, asOf: $asOf) {
      outside territory candidates
      peers {
        score sharedThemes sharedMethods sharedCarrierKinds
        sharedNetworks { id name }
        actor { ...ActorOnMap methods { id name } }
      }
    }
  }
  ${ACTOR_ON_MAP}`;

/**
 * Similar actors outside the actor's département, not already linked to it, best first, each
 * with what it shares (the reasons): {outside, territory, candidates, peers: [{actor, score,
 * themes: [{id,label,labelEn}], methods: [name], networks: [{id,name}], carrierKinds}]}.
 */
export async function fetchPeers(id, { first = 8, asOf } = {}) {
  const data = await gql(PEERS, { actor: id, first, asOf: asOf || null });
  const answer = data.peerProjects;
  return {
    outside: String(answer.outside).toLowerCase(),
    territory: answer.territory,
    candidates: answer.candidates,
    peers: answer.peers.map((peer) => {
      const actor = normaliseActor(peer.actor);
      const themes = new Map(actor.themes.map((th) => [th.id, th]));
      const methods = new Map((peer.actor.methods ?? []).map((m) => [m.id, m.name]));
      return {
        actor,
        score: peer.score,
        themes: peer.sharedThemes.map((th) => themes.get(th) ?? { id: th, label: th, labelEn: null }),
        methods: peer.sharedMethods.map((m) => methods.get(m) ?? m),
        networks: peer.sharedNetworks.map((n) => ({ id: n.id, name: n.name })),
        carrierKinds: peer.sharedCarrierKinds.map((k) => KIND_BY_ENUM[k] ?? k),
      };
    }),
  };
}

// --- cooperation paths ---------------------------------------------------------------------

const PATHS = `
  query Paths($from: ID!, $to: ID!, $maxHops: Int, $asOf: Date, $avoidKinds: [String!], $k: Int!) {
    fromLinks: actor(id: $from) { links(first: 1, asOf: $asOf) { totalCount } }
    toLinks: actor(id: $to) { links(first: 1, asOf: $asOf) { totalCount } }
    cooperationPaths(from: $from, to: $to, maxHops: $maxHops, asOf: $asOf,
                     avoidKinds: $avoidKinds, k: $k) {
      found explanation blocking
      paths {
        length
        actors { ...ActorOnMap }
        hops {
          from { id } to { id }
          links { id kind subkind direction since until ${SOURCE_FIELDS} }
        }
      }
    }
  }
  ${ACTOR_ON_MAP}`;

/**
 * Umbrella bodies: what "avoid umbrella bodies" leaves out of a path — the national and
 * international advocacy bodies (ESS France, CSESS, RIPESS…), the heads of the movement through
 * which everything is connected and which a regional network cannot simply call on.
 */
export const UMBRELLA_KINDS = ["AdvocacyBody:national", "AdvocacyBody:international"];

/**
 * Returns {found, explanation, blocking, linkCounts: {from, to}, paths: [{length, actors, hops:
 * [{from, to, links}]}]}.
 */
export async function fetchPaths(from, to, { avoidUmbrella, asOf, maxHops, k = 3 } = {}) {
  const data = await gql(PATHS, {
    from,
    to,
    maxHops: maxHops || null,
    asOf: asOf || null,
    avoidKinds: avoidUmbrella ? UMBRELLA_KINDS : null,
    k,
  });
  const answer = data.cooperationPaths;
  return {
    found: answer.found,
    explanation: answer.explanation,
    blocking: answer.blocking ?? [],
    // how many links each end has (on that date): none is the reason there is no path
    linkCounts: {
      from: data.fromLinks?.links.totalCount ?? null,
      to: data.toLinks?.links.totalCount ?? null,
    },
    paths: answer.paths.map((path) => ({
      length: path.length,
      actors: path.actors.map(normaliseActor),
      hops: path.hops.map((hop) => ({
        from: hop.from.id,
        to: hop.to.id,
        links: hop.links.map((link) => ({
          ...normaliseLink({
            ...link,
            // a path link is stated by `from` when walked forward, by `to` when backward
            from: link.direction === "BACKWARD" ? hop.to : hop.from,
            to: link.direction === "BACKWARD" ? hop.from : hop.to,
          }),
          direction: String(link.direction).toLowerCase(),
        })),
      })),
    })),
  };
}

// --- territorial clusters, brokers, isolated actors ----------------------------------------

const CLUSTER_SUMMARY = `
  id size internalLinks externalLinks density internalRatio
  departements { key share } themes { key share }
  centralActors { tiesInside actor { id name } }
  members(first: 100) { pageInfo { hasNextPage endCursor } nodes { id } }`;

const CLUSTERS = `
  query Clusters($scope: String, $resolution: Float!, $seed: Int!, $throughHubs: Boolean!, $asOf: Date) {
    territorialClusters(scope: $scope, resolution: $resolution, seed: $seed, throughHubs: $throughHubs) {
      scope modularity actors unclustered
      clusters { ${CLUSTER_SUMMARY} }
    }
    brokers(scope: $scope, first: 10, seed: $seed) {
      exact actorsInScope
      actors { score actor { ...ActorOnMap } }
    }
    isolatedActors(scope: $scope, first: 50, asOf: $asOf) {
      totalCount
      actors { ...ActorOnMap }
    }
  }
  ${ACTOR_ON_MAP}`;

// the next page of one cluster's members (the same clustering: same scope, resolution, seed)
const CLUSTER_MEMBERS = `
  query ClusterMembers($scope: String, $resolution: Float!, $seed: Int!, $throughHubs: Boolean!, $after: String) {
    territorialClusters(scope: $scope, resolution: $resolution, seed: $seed, throughHubs: $throughHubs) {
      clusters { id members(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { id } } }
    }
  }`;

/** The seed the page always uses, so the same graph gives the same clusters (reproducible). */
export const CLUSTER_SEED = 42;

/**
 * `throughHubs`: also tie the actors of the scope linked to the same actor elsewhere (a national
 * network without a position), which is no member (the API's `throughHubs`).
 */
export async function fetchClusters(scope, { resolution = 1, asOf, throughHubs = false } = {}) {
  const variables = { scope: scope || null, resolution, seed: CLUSTER_SEED, throughHubs: Boolean(throughHubs) };
  const data = await gql(CLUSTERS, { ...variables, asOf: asOf || null });
  const result = data.territorialClusters;
  const clusters = result.clusters.map((c) => ({
    id: String(c.id),
    size: c.size,
    internalLinks: c.internalLinks,
    externalLinks: c.externalLinks,
    density: c.density,
    internalRatio: c.internalRatio,
    departements: c.departements,
    themes: c.themes,
    central: c.centralActors.map((ca) => ({ id: ca.actor.id, name: ca.actor.name, ties: ca.tiesInside })),
    members: c.members.nodes.map((m) => m.id),
    next: c.members.pageInfo.hasNextPage ? c.members.pageInfo.endCursor : null,
  }));
  for (const cluster of clusters) {
    while (cluster.next) {
      const page = await gql(CLUSTER_MEMBERS, { ...variables, after: cluster.next });
      const same = page.territorialClusters.clusters.find((c) => String(c.id) === cluster.id);
      if (!same) break;
      cluster.members.push(...same.members.nodes.map((m) => m.id));
      cluster.next = same.members.pageInfo.hasNextPage ? same.members.pageInfo.endCursor : null;
    }
  }
  return {
    scope: result.scope,
    modularity: result.modularity,
    actors: result.actors,
    unclustered: result.unclustered,
    clusters,
    brokers: data.brokers.actors.map((b) => ({ actor: normaliseActor(b.actor), score: b.score })),
    brokersExact: data.brokers.exact,
    isolated: data.isolatedActors.actors.map(normaliseActor),
    isolatedTotal: data.isolatedActors.totalCount,
  };
}

// --- normalisers ---------------------------------------------------------------------------

const KIND_BY_TYPENAME = {
  Network: "Network",
  Organisation: "Organisation",
  Project: "Project",
  AdvocacyBody: "AdvocacyBody",
};
const KIND_BY_ENUM = {
  NETWORK: "Network",
  ORGANISATION: "Organisation",
  PROJECT: "Project",
  ADVOCACY_BODY: "AdvocacyBody",
};
/** The filter's enum value of each kind. */
export const KIND_ENUM = Object.fromEntries(Object.entries(KIND_BY_ENUM).map(([e, k]) => [k, e]));

function kindOf(raw) {
  return KIND_BY_TYPENAME[raw.__typename] ?? KIND_BY_ENUM[raw.kind] ?? raw.kind ?? "Organisation";
}

/** A list field that may be a plain list or a Relay connection. */
function unwrapList(value) {
  if (!value) return [];
  if (Array.isArray(value)) return value;
  if (Array.isArray(value.edges)) return value.edges.map((e) => e.node);
  if (Array.isArray(value.nodes)) return value.nodes;
  return [];
}

function normaliseActor(raw) {
  const lat = raw.location?.latitude ?? raw.latitude ?? null;
  const lon = raw.location?.longitude ?? raw.longitude ?? null;
  const precision = raw.location?.precision ?? raw.locationPrecision ?? null;
  return {
    id: raw.id,
    name: raw.name,
    kind: kindOf(raw),
    legalForm: raw.legalForm ?? null,
    level: raw.level ? String(raw.level).toLowerCase() : null,
    lat: typeof lat === "number" ? lat : null,
    lon: typeof lon === "number" ? lon : null,
    precision: precision ? String(precision).toLowerCase() : null,
    themes: (raw.themes ?? []).map((th) =>
      typeof th === "string"
        ? { id: th, label: th, labelEn: null }
        : { id: th.id, label: th.label ?? th.id, labelEn: th.labelEn ?? null },
    ),
    territories: (raw.territories ?? []).map((tr) => ({
      id: tr.id ?? tr.code,
      code: tr.code,
      name: tr.name,
      level: tr.level ? String(tr.level).toLowerCase() : null,
    })),
    aliases: raw.aliases ?? [],
    sources: raw.sources ?? [],
  };
}

function normaliseLink(raw) {
  const from = raw.from?.id ?? raw.from;
  const to = raw.to?.id ?? raw.to;
  return {
    id: raw.id ?? `${from}|${raw.kind}|${to}|${raw.since ?? ""}`,
    kind: String(raw.kind).toUpperCase(),
    subkind: raw.subkind ?? null,
    from,
    to,
    since: raw.since ?? null,
    until: raw.until ?? null,
    sources: raw.sources ?? [],
  };
}
