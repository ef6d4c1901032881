// Proposed links, drawn dashed for every reader (signed in or not): a link one side declared
// that the other has not confirmed yet. It is no link: it counts in no path, cluster or figure
// (the analytics never see it), and the page says so ("proposé, en attente de confirmation").
// Who proposed it is not shown (the API answers "hidden" to the public). Read from
// proposals(status: PENDING); with MAILLAGE_PUBLIC_READ=false an anonymous reader gets nothing.
import { PROPOSALS, call } from "./contribute-api.js";
import { tr } from "./contribute-texts.js";

/** Draw the pending proposed links between placed actors into `layer`; the count drawn is
 *  `#map[data-proposed-links]` (for the browser tests). */
export async function drawProposedLinks(maillage, layer) {
  let items = [];
  try {
    items = (await call(PROPOSALS, { network: null })).proposals.items;
  } catch {
    return []; // drawing them is a help, not a must (and none for who may not read)
  }
  const proposals = items.filter((p) => p.link);
  layer.clearLayers();
  const actors = new Map(maillage.state.actors.map((a) => [a.id, a]));
  let drawn = 0;
  for (const proposal of proposals) {
    const a = actors.get(proposal.link.from);
    const b = actors.get(proposal.link.to);
    if (a?.lat == null || b?.lat == null) continue;
    L.polyline([[a.lat, a.lon], [b.lat, b.lon]], {
      color: "#7a3e9d", weight: 3, opacity: 0.9, dashArray: "6 6", className: "proposed-link",
    })
      .bindTooltip(`${a.name} → ${b.name} : ${tr("proposed.label")}`)
      .addTo(layer);
    drawn += 1;
  }
  document.getElementById("map").dataset.proposedLinks = String(drawn);
  return proposals;
}

/** For a reader who is not signed in: once the map holds its actors, draw them. */
export function showProposedLinks(maillage, timeout = 30_000) {
  const layer = L.layerGroup().addTo(maillage.map);
  const started = Date.now();
  const look = () => {
    if (maillage.state.actors?.length) drawProposedLinks(maillage, layer);
    else if (Date.now() - started < timeout) setTimeout(look, 200);
  };
  look();
  return layer;
}
