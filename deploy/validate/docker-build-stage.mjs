// Runs the build stage of a Dockerfile WITHOUT Docker: replays its WORKDIR,
// ENV, COPY (through the Dockerfile's .dockerignore) and RUN instructions in
// a scratch directory with the local .NET SDK, then checks that the published
// output holds the entry assembly. It proves the Dockerfile copies everything
// `dotnet restore` and `dotnet publish --no-restore` need, on a machine with
// no Docker engine. Needs the .NET SDK and NuGet access (not run by
// validate.sh; it takes a full Release build).
//
//   node deploy/validate/docker-build-stage.mjs deploy/docker/Silo.Dockerfile
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { IMAGES, parseDockerfile } from "./lib/docker.mjs";

const require = createRequire(import.meta.url);
const dockerignore = require("@balena/dockerignore");
const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");

const file = process.argv[2];
const spec = IMAGES.find((s) => s.file === file);
if (!spec) {
  console.error(`usage: node docker-build-stage.mjs <${IMAGES.map((s) => s.file).join("|")}>`);
  process.exit(2);
}
const text = readFileSync(path.join(repo, file), "utf8");
const ignoreFile = [path.join(repo, file + ".dockerignore"), path.join(repo, ".dockerignore")].find(existsSync);
const ig = dockerignore({ ignorecase: false }).add(ignoreFile ? readFileSync(ignoreFile, "utf8") : "");

const root = mkdtempSync(path.join(tmpdir(), "docker-build-stage-"));
const ctx = (p) => path.join(root, "fs", p); // container path -> scratch path
let cwd = "/";
const env = { ...process.env };
const instructions = parseDockerfile(text);
const firstFrom = instructions.findIndex((x) => x.keyword === "FROM");
const secondFrom = instructions.findIndex((x, i) => i > firstFrom && x.keyword === "FROM");
const stage = instructions.slice(firstFrom + 1, secondFrom === -1 ? undefined : secondFrom);

function contextMatches(src) {
  // Wildcards only in the last path segment (all this repo's Dockerfiles need).
  const dir = path.posix.dirname(src);
  const base = path.posix.basename(src.replace(/\/$/, ""));
  if (!/[*?]/.test(base)) return existsSync(path.join(repo, src)) ? [src.replace(/\/$/, "")] : [];
  const re = new RegExp("^" + base.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".") + "$");
  const abs = path.join(repo, dir);
  return existsSync(abs) ? readdirSync(abs).filter((n) => re.test(n)).map((n) => (dir === "." ? n : `${dir}/${n}`)) : [];
}

function copyInto(rel, destDir) {
  // copies context path rel (file or dir contents) into destDir, minus ignored files
  const abs = path.join(repo, rel);
  if (statSync(abs).isDirectory()) {
    for (const e of readdirSync(abs)) {
      const child = `${rel}/${e}`;
      if (ig.ignores(child)) continue;
      if (statSync(path.join(repo, child)).isDirectory()) copyInto(child, path.join(destDir, e));
      else {
        mkdirSync(destDir, { recursive: true });
        cpSync(path.join(repo, child), path.join(destDir, e));
      }
    }
  } else if (!ig.ignores(rel)) {
    mkdirSync(destDir, { recursive: true });
    cpSync(abs, path.join(destDir, path.posix.basename(rel)));
  }
}

let failed = false;
for (const x of stage) {
  if (x.keyword === "WORKDIR") {
    cwd = path.posix.resolve(cwd, x.args);
    mkdirSync(ctx(cwd), { recursive: true });
  } else if (x.keyword === "ENV") {
    for (const m of x.args.matchAll(/(\w+)=("[^"]*"|\S+)/g)) env[m[1]] = m[2].replace(/"/g, "");
  } else if (x.keyword === "COPY") {
    const parts = x.args.split(/\s+/).filter((p) => !p.startsWith("--"));
    const rawDest = parts.pop();
    const dest = path.posix.resolve(cwd, rawDest);
    const destIsDir = rawDest.endsWith("/") || rawDest === "." || parts.length > 1;
    for (const src of parts) {
      const matches = contextMatches(src);
      if (!matches.length && !/[*?]/.test(src)) {
        console.error(`line ${x.line}: COPY source ${src} not found in the context`);
        failed = true;
      }
      for (const m of matches) {
        if (ig.ignores(m)) {
          console.error(`line ${x.line}: COPY source ${m} is excluded by ${path.relative(repo, ignoreFile)}`);
          failed = true;
          continue;
        }
        copyInto(m, statSync(path.join(repo, m)).isDirectory() || destIsDir ? ctx(dest) : ctx(path.posix.dirname(dest)));
      }
    }
  } else if (x.keyword === "RUN") {
    const cmd = x.args.replace(/(\s)\/app\b/g, `$1${ctx("/app")}`);
    console.log(`# RUN ${x.args}`);
    const r = spawnSync("bash", ["-c", cmd], { cwd: ctx(cwd), env, stdio: "inherit" });
    if (r.status !== 0) {
      console.error(`line ${x.line}: RUN failed (exit ${r.status})`);
      failed = true;
      break;
    }
  }
}
const entry = ctx(`/app/${spec.assembly}`);
if (!failed && !existsSync(entry)) {
  console.error(`published output has no ${spec.assembly}`);
  failed = true;
}
if (!failed) console.log(`docker build stage of ${file}: OK (${spec.assembly} published)`);
rmSync(root, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
