#!/usr/bin/env node
// Build the web map's third-party and geographic files into web/static/ (committed).
//
//   npm ci && node web/build.mjs          # copy vendor files, write the outlines
//   node web/build.mjs --check            # exit 1 if a committed file differs from a fresh build
//
// What it writes (and nothing else):
//   web/static/vendor/leaflet/            leaflet.js, leaflet.css, images/, LICENSE
//   web/static/vendor/leaflet.markercluster/  leaflet.markercluster.js, the two CSS, MIT-LICENCE.txt
//   web/static/vendor/graphiql/           graphiql.min.js, graphiql.min.css, LICENSE (the /graphql page)
//   web/static/vendor/react/, react-dom/  the UMD production builds GraphiQL runs on, LICENSE
//   web/static/vendor/VERSIONS.json       name, version and npm integrity of each copied package
//   web/static/geo/regions.geojson        graph_model/reference outlines, coordinates rounded to
//   web/static/geo/departements.geojson   4 decimals (about 10 m), properties `code`, `nom`
//
// The versions are the exact ones of package.json / package-lock.json; the script refuses to run
// when node_modules holds another version. Node's standard library only; output is byte-stable.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const staticDir = join(root, "web", "static");
const check = process.argv.includes("--check");

const VENDOR = {
  leaflet: {
    files: ["dist/leaflet.js", "dist/leaflet.css", "LICENSE"],
    dirs: ["dist/images"],
  },
  "leaflet.markercluster": {
    files: [
      "dist/leaflet.markercluster.js",
      "dist/MarkerCluster.css",
      "dist/MarkerCluster.Default.css",
      "MIT-LICENCE.txt",
    ],
    dirs: [],
  },
  // GraphiQL on /graphql (web/static/graphiql/): served by the API itself, so it works offline
  graphiql: { files: ["graphiql.min.js", "graphiql.min.css", "LICENSE"], dirs: [] },
  react: { files: ["umd/react.production.min.js", "LICENSE"], dirs: [] },
  "react-dom": { files: ["umd/react-dom.production.min.js", "LICENSE"], dirs: [] },
};

const OUTLINES = {
  "regions.geojson": "graph_model/reference/regions-simplifiees-2018.geojson",
  "departements.geojson": "graph_model/reference/departements-simplifies-2018.geojson",
};

const outputs = new Map(); // path relative to root -> Buffer

function readJson(path) {
  return JSON.parse(readFileSync(join(root, path), "utf8"));
}

const pkg = readJson("package.json");
const lock = readJson("package-lock.json");
const versions = {};
for (const [name, spec] of Object.entries(VENDOR)) {
  const wanted = pkg.devDependencies?.[name] ?? pkg.dependencies?.[name];
  if (!wanted || !/^\d+\.\d+\.\d+$/.test(wanted)) {
    throw new Error(`${name} must be pinned to an exact version in package.json (found ${wanted})`);
  }
  const modDir = join(root, "node_modules", name);
  if (!existsSync(modDir)) throw new Error(`node_modules/${name} is missing: run \`npm ci\` first`);
  const installed = JSON.parse(readFileSync(join(modDir, "package.json"), "utf8")).version;
  if (installed !== wanted) {
    throw new Error(`node_modules/${name} is ${installed}, package.json pins ${wanted}: run \`npm ci\``);
  }
  const locked = lock.packages?.[`node_modules/${name}`];
  versions[name] = { version: installed, integrity: locked?.integrity ?? null };
  const target = join("web", "static", "vendor", name);
  for (const file of spec.files) {
    const base = file.split("/").pop();
    outputs.set(join(target, base), readFileSync(join(modDir, file)));
  }
  for (const dir of spec.dirs) {
    for (const entry of readdirSync(join(modDir, dir)).sort()) {
      const full = join(modDir, dir, entry);
      if (statSync(full).isFile()) {
        outputs.set(join(target, dir.split("/").pop(), entry), readFileSync(full));
      }
    }
  }
}
outputs.set(
  join("web", "static", "vendor", "VERSIONS.json"),
  Buffer.from(JSON.stringify(versions, null, 2) + "\n"),
);

function round(coords) {
  if (typeof coords[0] === "number") return coords.map((c) => Math.round(c * 1e4) / 1e4);
  return coords.map(round);
}

for (const [out, source] of Object.entries(OUTLINES)) {
  const data = readJson(source);
  const features = data.features
    .map((f) => ({
      type: "Feature",
      properties: { code: f.properties.code, nom: f.properties.nom },
      geometry: { type: f.geometry.type, coordinates: round(f.geometry.coordinates) },
    }))
    .sort((a, b) => a.properties.code.localeCompare(b.properties.code));
  const text = JSON.stringify({ type: "FeatureCollection", features }) + "\n";
  outputs.set(join("web", "static", "geo", out), Buffer.from(text));
}

let stale = 0;
for (const [rel, content] of [...outputs.entries()].sort()) {
  const full = join(root, rel);
  const same = existsSync(full) && readFileSync(full).equals(content);
  if (check) {
    if (!same) {
      console.error(`stale: ${rel}`);
      stale += 1;
    }
    continue;
  }
  if (!same) {
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  const sha = createHash("sha256").update(content).digest("hex").slice(0, 12);
  console.log(`${same ? "unchanged" : "written  "} ${relative(root, full)} (${content.length} B, ${sha})`);
}
if (check) {
  if (stale) {
    console.error(`${stale} file(s) differ from a fresh build: run \`node web/build.mjs\``);
    process.exit(1);
  }
  console.log(`${outputs.size} built files are up to date`);
}
