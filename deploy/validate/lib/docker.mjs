// Offline Dockerfile checks: syntax (dockerfile-utils, the VS Code Docker
// linter), pinned base images, layer-cached restore, non-root final stage,
// and that the build context (after the .dockerignore) holds every project
// the image's project references.
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { validate as lintDockerfile } from "dockerfile-utils";

const require = createRequire(import.meta.url);
const dockerignore = require("@balena/dockerignore");

export const IMAGES = [
  { file: "deploy/docker/Silo.Dockerfile", project: "Silo/BetterData.Silo.csproj", assembly: "BetterData.Silo.dll", ports: [8080, 11111, 30000] },
  { file: "deploy/docker/Api.Dockerfile", project: "Api/BetterData.Api.csproj", assembly: "BetterData.Api.dll", ports: [8080] },
];

const SDK_RE = /^mcr\.microsoft\.com\/dotnet\/sdk:(\d+)\.(\d+)\.(\d)(\d\d)-[a-z0-9.-]+(@sha256:[0-9a-f]{64})?$/;
const RUNTIME_RE = /^mcr\.microsoft\.com\/dotnet\/(aspnet|runtime|runtime-deps):(\d+)\.(\d+)\.(\d+)-[a-z0-9.-]+(@sha256:[0-9a-f]{64})?$/;

/** Instructions with continuation lines joined and comments dropped. */
export function parseDockerfile(text) {
  const out = [];
  let buf = "";
  let start = 0;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!buf && (line === "" || line.startsWith("#"))) return;
    if (buf && line.startsWith("#")) return;
    if (!buf) start = i + 1;
    if (line.endsWith("\\")) {
      buf += line.slice(0, -1) + " ";
      return;
    }
    buf += line;
    const m = /^(\S+)\s*(.*)$/.exec(buf.trim());
    if (m) out.push({ keyword: m[1].toUpperCase(), args: m[2].trim(), line: start });
    buf = "";
  });
  return out;
}

function substitute(s, vars) {
  return s.replace(/\$\{(\w+)\}|\$(\w+)/g, (all, a, b) => vars[a ?? b] ?? all);
}

function splitFlags(args) {
  const parts = args.split(/\s+/).filter(Boolean);
  const flags = {};
  while (parts.length && parts[0].startsWith("--")) {
    const [k, v] = parts.shift().slice(2).split("=");
    flags[k] = v ?? true;
  }
  return { flags, parts };
}

function projectGraph(repo, csproj, seen = new Map()) {
  const rel = csproj.replaceAll("\\", "/");
  if (seen.has(rel)) return seen;
  const abs = path.join(repo, rel);
  if (!existsSync(abs)) {
    seen.set(rel, null);
    return seen;
  }
  const xml = readFileSync(abs, "utf8");
  const dir = path.posix.dirname(rel);
  const refs = [...xml.matchAll(/<ProjectReference\s+Include="([^"]+)"/g)].map((m) => path.posix.normalize(path.posix.join(dir, m[1].replaceAll("\\", "/"))));
  // Items pulled from outside the project directory (e.g. ..\deploy\sql\*.sql).
  const outside = [...xml.matchAll(/<(?:EmbeddedResource|Content|None|Compile|AdditionalFiles)\s+Include="([^"]+)"/g)]
    .map((m) => path.posix.normalize(path.posix.join(dir, m[1].replaceAll("\\", "/"))))
    .filter((p) => !p.startsWith(dir + "/"));
  seen.set(rel, { dir, refs, outside });
  for (const r of refs) projectGraph(repo, r, seen);
  return seen;
}

function listFiles(root, rel) {
  const out = [];
  const walk = (r) => {
    const abs = path.join(root, r);
    if (!existsSync(abs)) return;
    if (statSync(abs).isDirectory()) {
      for (const e of readdirSync(abs)) walk(r ? `${r}/${e}` : e);
    } else out.push(r);
  };
  walk(rel);
  return out;
}

function globDir(p) {
  // "deploy/sql/*.sql" -> "deploy/sql"
  const parts = p.split("/");
  const i = parts.findIndex((x) => /[*?[]/.test(x));
  return (i === -1 ? parts.slice(0, -1) : parts.slice(0, i)).join("/");
}

/**
 * Checks one Dockerfile (text may be a mutated copy for the self-test).
 * Returns { errors, sdk, runtime }.
 */
export function checkDockerfile(repo, spec, text, overrides = {}) {
  const errors = [];
  const E = (line, msg) => errors.push(`${spec.file}${line ? ":" + line : ""}: ${msg}`);

  for (const d of lintDockerfile(text)) {
    if (d.severity === 1 || d.severity === 2) E(d.range.start.line + 1, `lint: ${d.message}`);
  }

  const ins = parseDockerfile(text);
  const globalArgs = {};
  let i = 0;
  for (; i < ins.length && ins[i].keyword !== "FROM"; i++) {
    if (ins[i].keyword === "ARG") {
      const [k, ...v] = ins[i].args.split("=");
      globalArgs[k.trim()] = v.join("=").trim().replace(/^"|"$/g, "");
    }
  }
  const stages = [];
  for (; i < ins.length; i++) {
    const x = ins[i];
    if (x.keyword === "FROM") {
      const { parts } = splitFlags(x.args);
      const image = substitute(parts[0] ?? "", globalArgs);
      const name = parts[1]?.toUpperCase() === "AS" ? parts[2] : undefined;
      stages.push({ image, name, line: x.line, ins: [] });
    } else if (stages.length) {
      stages[stages.length - 1].ins.push(x);
    }
  }
  if (stages.length < 2) {
    E(0, "must be a multi-stage build (SDK build stage + runtime stage)");
    return { errors };
  }
  const stageNames = new Set(stages.map((s) => s.name).filter(Boolean));

  // ---- pins
  let sdk = null;
  let runtime = null;
  for (const s of stages) {
    if (stageNames.has(s.image)) continue;
    if (/:latest$|^[^:@]+$/.test(s.image)) E(s.line, `base image ${s.image} is not pinned`);
    const m = SDK_RE.exec(s.image);
    const r = RUNTIME_RE.exec(s.image);
    if (m) sdk = { image: s.image, major: +m[1], minor: +m[2], band: +m[3], patch: +m[4], line: s.line };
    else if (r) runtime = { image: s.image, major: +r[2], minor: +r[3], line: s.line };
    else E(s.line, `base image ${s.image} must be a patch-pinned mcr.microsoft.com/dotnet/sdk:X.Y.ZNN-<os> or aspnet:X.Y.Z-<os> tag`);
  }
  if (!sdk) E(0, "no patch-pinned .NET SDK build stage");
  const final = stages[stages.length - 1];
  if (!runtime || final.image !== runtime.image) E(final.line, "the final stage must be a patch-pinned ASP.NET Core runtime image");
  if (final.image.includes("/sdk:")) E(final.line, "the final stage must not be the SDK image");

  // TFM / global.json agreement
  const props = path.join(repo, "Directory.Build.props");
  const tfm = existsSync(props) ? /<TargetFramework>net(\d+)\.(\d+)<\/TargetFramework>/.exec(readFileSync(props, "utf8")) : null;
  if (tfm) {
    for (const p of [sdk, runtime].filter(Boolean)) {
      if (p.major !== +tfm[1] || p.minor !== +tfm[2]) E(p.line, `${p.image} does not match TargetFramework net${tfm[1]}.${tfm[2]}`);
    }
  }
  const gj = path.join(repo, "global.json");
  if (existsSync(gj) && sdk) {
    try {
      const v = JSON.parse(readFileSync(gj, "utf8"))?.sdk?.version;
      const m = /^(\d+)\.(\d+)\.(\d)(\d\d)/.exec(v ?? "");
      if (m && (+m[1] !== sdk.major || +m[2] !== sdk.minor || +m[3] !== sdk.band || +m[4] > sdk.patch)) {
        E(sdk.line, `SDK image ${sdk.image} does not satisfy global.json sdk.version ${v}`);
      }
    } catch (e) {
      E(0, `global.json does not parse: ${e.message}`);
    }
  }

  // ---- build stage: restore with only project files, then publish
  const build = stages.find((s) => SDK_RE.test(s.image));
  const graph = projectGraph(repo, spec.project);
  if (build) {
    const restoreIdx = build.ins.findIndex((x) => x.keyword === "RUN" && /\bdotnet\s+restore\b/.test(x.args));
    const publishIdx = build.ins.findIndex((x) => x.keyword === "RUN" && /\bdotnet\s+publish\b/.test(x.args));
    if (restoreIdx === -1) E(0, "build stage must RUN dotnet restore");
    if (publishIdx === -1) E(0, "build stage must RUN dotnet publish");
    const copiesBefore = build.ins.slice(0, Math.max(restoreIdx, 0)).filter((x) => x.keyword === "COPY" || x.keyword === "ADD");
    const copiesAfter = build.ins.slice(restoreIdx + 1).filter((x) => x.keyword === "COPY" || x.keyword === "ADD");
    const sourcesOf = (list) => list.flatMap((x) => {
      const { parts } = splitFlags(x.args);
      return parts.slice(0, -1).map((p) => p.replace(/\/$/, ""));
    });
    const before = sourcesOf(copiesBefore);
    const after = sourcesOf(copiesAfter);
    for (const src of before) {
      if (!/(\.csproj|\.props|\.targets\*?|global\.json\*?|[Nn]u[Gg]et\.config\*?|\.editorconfig\*?)$/.test(src)) {
        E(copiesBefore[0]?.line, `"${src}" is copied before restore: only project/props files belong there, or every source edit re-runs the restore`);
      }
    }
    for (const must of ["Directory.Build.props", "Directory.Packages.props"]) {
      if (existsSync(path.join(repo, must)) && !before.includes(must)) E(0, `${must} must be copied before dotnet restore`);
    }
    if (existsSync(gj) && !before.some((s) => s.startsWith("global.json"))) E(0, "global.json must be copied before dotnet restore");
    if (restoreIdx !== -1 && !build.ins[restoreIdx].args.includes(spec.project)) E(build.ins[restoreIdx].line, `dotnet restore should restore ${spec.project}`);
    for (const [proj, info] of graph) {
      if (!info) {
        E(0, `project ${proj} (referenced from ${spec.project}) does not exist`);
        continue;
      }
      if (!before.includes(proj)) E(0, `${proj} must be copied before dotnet restore (it is in ${spec.project}'s project graph)`);
      if (!after.includes(info.dir)) E(0, `${info.dir}/ must be copied before dotnet publish (it is in ${spec.project}'s project graph)`);
      for (const o of info.outside) {
        const d = globDir(o);
        if (!after.some((a) => a === d || d.startsWith(a + "/"))) E(0, `${o} (included by ${proj}) must be copied before dotnet publish`);
      }
    }
    if (publishIdx !== -1) {
      const a = build.ins[publishIdx].args;
      if (!/(-c|--configuration)\s+Release\b/.test(a)) E(build.ins[publishIdx].line, "dotnet publish must use -c Release");
      if (!/(-o|--output)\s+\/app\b/.test(a)) E(build.ins[publishIdx].line, "dotnet publish must output to /app");
      if (!/--no-restore\b/.test(a)) E(build.ins[publishIdx].line, "dotnet publish must use --no-restore (restore is its own cached layer)");
      if (!a.includes(spec.project)) E(build.ins[publishIdx].line, `dotnet publish should publish ${spec.project}`);
    }
    // every COPY source must exist in the repo and survive the ignore file
    const ignoreFiles = [path.join(repo, spec.file + ".dockerignore"), path.join(repo, ".dockerignore")].filter(
      (f) => overrides[path.relative(repo, f)] !== undefined || existsSync(f),
    );
    if (!ignoreFiles.length) E(0, `no ignore file: add ${spec.file}.dockerignore (BuildKit) or a repo-root .dockerignore`);
    for (const f of ignoreFiles) {
      const rel = path.relative(repo, f);
      const ig = dockerignore({ ignorecase: false }).add(overrides[rel] ?? readFileSync(f, "utf8"));
      for (const src of [...before, ...after]) {
        if (/[*?[]/.test(src)) continue;
        if (!existsSync(path.join(repo, src))) E(0, `COPY source ${src} does not exist in the repository`);
      }
      // Everything the project graph compiles or embeds must reach the builder.
      const needed = [];
      for (const [, info] of graph) {
        if (!info) continue;
        needed.push(...listFiles(repo, info.dir).filter((x) => !/(^|\/)(bin|obj)\//.test(x) && /\.(csproj|props|targets|cs|json|sql|resx)$/.test(x)));
        for (const o of info.outside) needed.push(...listFiles(repo, globDir(o)));
      }
      for (const x of ["Directory.Build.props", "Directory.Packages.props", "global.json", ".editorconfig"]) if (existsSync(path.join(repo, x))) needed.push(x);
      for (const x of needed) if (ig.ignores(x)) E(0, `${rel} removes ${x}, which the build needs`);
      const projDir = path.posix.dirname(spec.project);
      for (const junk of [`${projDir}/obj/project.assets.json`, `${projDir}/bin/Release/app.dll`, ".git/HEAD"]) {
        if (!ig.ignores(junk)) E(0, `${rel} must exclude ${junk.replace(/\/[^/]*$/, "/")} (host build output breaks --no-restore)`);
      }
    }
  }

  // ---- final stage: only the published output, non-root, ports, entrypoint
  const fi = final.ins;
  for (const x of fi.filter((y) => y.keyword === "COPY" || y.keyword === "ADD")) {
    const { flags } = splitFlags(x.args);
    if (x.keyword === "ADD" || !flags.from) E(x.line, "the final stage may only COPY --from=<build stage> (the published output)");
  }
  if (fi.some((x) => x.keyword === "RUN")) E(0, "the final stage must not RUN anything (chiseled images have no shell)");
  const users = fi.filter((x) => x.keyword === "USER");
  const lastUser = users[users.length - 1];
  if (!lastUser) E(final.line, "the final stage must set USER (non-root)");
  else {
    const u = lastUser.args.split(":")[0];
    if (!/^(\$APP_UID|\$\{APP_UID\}|[1-9]\d*)$/.test(u)) E(lastUser.line, `USER ${lastUser.args} must be $APP_UID or a numeric non-zero uid (runAsNonRoot needs a number)`);
    const idx = fi.indexOf(lastUser);
    if (fi.slice(idx + 1).some((x) => x.keyword === "USER")) E(lastUser.line, "USER must be the last identity switch");
  }
  const exposed = new Set(fi.filter((x) => x.keyword === "EXPOSE").flatMap((x) => x.args.split(/\s+/).map((p) => parseInt(p, 10))));
  for (const p of spec.ports) if (!exposed.has(p)) E(0, `final stage must EXPOSE ${p}`);
  for (const p of exposed) if (!spec.ports.includes(p)) E(0, `final stage EXPOSEs ${p}, which this host does not serve`);
  if (!fi.some((x) => x.keyword === "HEALTHCHECK")) E(0, "final stage must state its HEALTHCHECK (NONE with a reason, or CMD)");
  const ep = fi.filter((x) => x.keyword === "ENTRYPOINT").pop();
  let epArgs = null;
  try {
    epArgs = ep ? JSON.parse(ep.args) : null;
  } catch {
    epArgs = null;
  }
  if (!Array.isArray(epArgs) || epArgs[0] !== "dotnet" || epArgs[1] !== spec.assembly) {
    E(ep?.line ?? 0, `ENTRYPOINT must be exec form ["dotnet", "${spec.assembly}"] (no shell in chiseled images)`);
  }
  if (!fi.some((x) => x.keyword === "WORKDIR" && x.args === "/app")) E(0, "final stage must WORKDIR /app");
  const p = Object.fromEntries(fi.filter((x) => x.keyword === "ENV").flatMap((x) => [...x.args.matchAll(/(\w+)=("[^"]*"|\S+)/g)].map((m) => [m[1], m[2].replace(/"/g, "")])));
  if (p.ASPNETCORE_HTTP_PORTS !== undefined && p.ASPNETCORE_HTTP_PORTS !== "8080") E(0, "ASPNETCORE_HTTP_PORTS must be 8080");
  return { errors, sdk: sdk?.image, runtime: runtime?.image };
}

export function checkAllDockerfiles(repo, overrides = {}) {
  const errors = [];
  const pins = [];
  for (const spec of IMAGES) {
    const abs = path.join(repo, spec.file);
    if (!existsSync(abs) && !overrides[spec.file]) {
      errors.push(`${spec.file}: missing`);
      continue;
    }
    const r = checkDockerfile(repo, spec, overrides[spec.file] ?? readFileSync(abs, "utf8"), overrides);
    errors.push(...r.errors);
    pins.push(r);
  }
  if (new Set(pins.map((x) => x.sdk)).size > 1 && pins.every((x) => x.sdk)) errors.push(`Dockerfiles pin different SDK images: ${pins.map((x) => x.sdk).join(" vs ")}`);
  if (new Set(pins.map((x) => x.runtime)).size > 1 && pins.every((x) => x.runtime)) errors.push(`Dockerfiles pin different runtime images: ${pins.map((x) => x.runtime).join(" vs ")}`);
  return { errors, count: IMAGES.length };
}
