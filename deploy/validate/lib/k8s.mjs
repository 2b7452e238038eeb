// Kubernetes checks: kustomize render, schema (kubernetes-models), strict
// unknown-field check (TypeScript excess-property check against the same
// models' type declarations), and BetterData policy.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { parseAllDocuments } from "yaml";

const require = createRequire(import.meta.url);

// ---------------------------------------------------------------- contract --

export const NAMESPACE = "betterdata";
export const EXTERNAL_SECRET = "betterdata-secrets";
// Keys of the betterdata-secrets Secret (documented in base/kustomization.yaml).
export const SECRET_KEYS = [
  "postgres-connection-string",
  "admin-api-key",
  "stripe-webhook-secret",
  "webhook-secret",
  "secrets-encryption-key",
];
// Settings that are secrets: they must come from a secretKeyRef, never a
// literal value or a ConfigMap.
const SECRET_SETTINGS = ["ConnectionStrings__Postgres", "Admin__ApiKey", "STRIPE_WEBHOOK_SECRET", "WEBHOOK_SECRET", "Secrets__Keys__k1"];
const SECRETISH = /(secret|password|passwd|api_?key|apikey|token|connectionstring|private_?key)/i;

// What each role's container must be given. `secret`: from a secretKeyRef;
// `set`: any source, non-empty; `equals`: exact value; `field`: downward API.
const ROLE_REQUIREMENTS = {
  silo: {
    secret: ["ConnectionStrings__Postgres", "Admin__ApiKey", "Secrets__Keys__k1"],
    set: ["Orleans__ClusterId", "Orleans__ServiceId", "HostOptions__ShutdownTimeout", "ASPNETCORE_ENVIRONMENT"],
    equals: { Orleans__SiloPort: "11111", Orleans__GatewayPort: "30000", Database__ApplySchema: "false" },
    field: { POD_NAME: "metadata.name", POD_IP: "status.podIP", POD_NAMESPACE: "metadata.namespace" },
    ports: [8080, 11111, 30000],
  },
  api: {
    secret: ["ConnectionStrings__Postgres", "Admin__ApiKey", "STRIPE_WEBHOOK_SECRET", "WEBHOOK_SECRET"],
    set: ["Orleans__ClusterId", "Orleans__ServiceId", "HostOptions__ShutdownTimeout", "ASPNETCORE_ENVIRONMENT", "Webhooks__PublicBaseUrl"],
    equals: { Orleans__Mode: "Client", Database__ApplySchema: "false" },
    field: {},
    ports: [8080],
  },
  schema: {
    secret: ["ConnectionStrings__Postgres"],
    set: [],
    equals: {},
    field: {},
    ports: [],
  },
};
const PROBE_PATHS = { startupProbe: "/health/startup", readinessProbe: "/health/ready", livenessProbe: "/health/live" };

// Per render target: what is allowed.
export const TARGETS = {
  base: { secrets: "none", images: "any" },
  "overlays/dev": { secrets: "generated", images: "tagged" },
  "overlays/prod": { secrets: "none", images: "pinned" },
};

// ------------------------------------------------------------------ render --

export function render(dir) {
  const r = spawnSync("kubectl", ["kustomize", dir], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.error) return { error: `cannot run kubectl: ${r.error.message}` };
  if (r.status !== 0) return { error: `kubectl kustomize ${dir} failed:\n${(r.stderr || r.stdout).trim()}` };
  const docs = parseAllDocuments(r.stdout);
  const objects = [];
  for (const d of docs) {
    if (d.errors.length) return { error: `rendered YAML of ${dir} does not parse: ${d.errors[0].message}` };
    const o = d.toJS();
    if (o === null || o === undefined) continue;
    // kustomize wraps long base64 values over several lines; the API server
    // (Go's base64 decoder) ignores the newlines, so the schema check must too.
    if (o.kind === "Secret" && o.data && typeof o.data === "object") {
      for (const [k, v] of Object.entries(o.data)) if (typeof v === "string") o.data[k] = v.replace(/[\r\n]/g, "");
    }
    objects.push(o);
  }
  return { objects };
}

// ------------------------------------------------------------------ schema --

const modelCache = new Map();
async function modelFor(apiVersion, kind) {
  const key = `${apiVersion}/${kind}`;
  if (modelCache.has(key)) return modelCache.get(key);
  const spec = modulePath(apiVersion, kind);
  let model = null;
  if (spec) {
    try {
      const mod = await import(spec);
      model = mod[kind] ?? null;
    } catch {
      model = null;
    }
  }
  modelCache.set(key, model);
  return model;
}

function modulePath(apiVersion, kind) {
  if (typeof apiVersion !== "string" || typeof kind !== "string" || !/^[A-Za-z0-9]+$/.test(kind)) return null;
  const parts = apiVersion.split("/");
  if (parts.length === 1) return `kubernetes-models/${parts[0]}/${kind}`;
  if (parts.length === 2) return `kubernetes-models/${parts[0]}/${parts[1]}/${kind}`;
  return null;
}

export async function schemaErrors(objects) {
  const errors = [];
  for (const o of objects) {
    const Model = await modelFor(o.apiVersion, o.kind);
    if (!Model) {
      errors.push(`${id(o)}: unknown apiVersion/kind ${o.apiVersion}/${o.kind} (not a built-in Kubernetes type known to kubernetes-models)`);
      continue;
    }
    try {
      new Model(o).validate();
    } catch (e) {
      for (const m of String(e.message).split(/, (?=data)/)) errors.push(`${id(o)}: schema: ${m.replace(/^data/, "")}`);
    }
  }
  return errors;
}

// Unknown fields: one TypeScript program type-checks every object literal
// against the kubernetes-models interface of its kind. Excess-property checks
// reject misspelled or misplaced fields, which JSON-schema validation of these
// models (no additionalProperties:false) lets through.
export function strictFieldErrors(cases, workDir) {
  const result = new Map(cases.map((c) => [c.id, []]));
  if (!cases.length) return result;
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  const fileInfo = new Map();
  const files = [];
  cases.forEach((c, ci) => {
    const imports = new Map();
    const body = [];
    const header = [];
    c.objects.forEach((o, oi) => {
      const spec = modulePath(o.apiVersion, o.kind);
      // Unknown kinds are reported by schemaErrors (which must run first).
      if (!spec || !modelCache.get(`${o.apiVersion}/${o.kind}`)) return;
      if (!imports.has(spec)) imports.set(spec, `T${imports.size}`);
      const json = JSON.stringify(o, null, 2).split("\n");
      body.push({ alias: imports.get(spec), json, oi, kind: o.kind });
    });
    for (const [spec, alias] of imports) header.push(`import type { I${specKind(spec)} as ${alias} } from "${spec}";`);
    const out = [...header];
    let line = out.length + 1;
    const lineMap = [];
    for (const b of body) {
      const first = `export const o${b.oi}: ${b.alias} = ${b.json[0]}`;
      const block = [first, ...b.json.slice(1)];
      block[block.length - 1] += ";";
      lineMap.push({ start: line, end: line + block.length - 1, obj: c.objects[b.oi], text: block });
      out.push(...block);
      line += block.length;
    }
    const file = `case${ci}.ts`;
    files.push(file);
    fileInfo.set(file, { id: c.id, lineMap });
    writeFileSync(path.join(workDir, file), out.join("\n") + "\n");
  });
  writeFileSync(
    path.join(workDir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        module: "nodenext",
        moduleResolution: "nodenext",
        target: "es2022",
        skipLibCheck: true,
        types: [],
        noErrorTruncation: true,
      },
      files,
    }),
  );
  writeFileSync(path.join(workDir, "package.json"), JSON.stringify({ type: "module", private: true }));
  const tsc = require.resolve("typescript/bin/tsc");
  const r = spawnSync(process.execPath, [tsc, "-p", path.join(workDir, "tsconfig.json"), "--pretty", "false"], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    cwd: workDir,
  });
  if (r.error) throw r.error;
  const out = (r.stdout || "") + (r.stderr || "");
  const re = /^(.*?)\((\d+),(\d+)\): error (TS\d+): (.*)$/;
  let unparsed = [];
  for (const raw of out.split("\n")) {
    const m = re.exec(raw);
    if (!m) {
      if (raw.trim() && !raw.startsWith(" ")) unparsed.push(raw);
      continue;
    }
    const info = fileInfo.get(path.basename(m[1]));
    if (!info) {
      unparsed.push(raw);
      continue;
    }
    const ln = Number(m[2]);
    const hit = info.lineMap.find((x) => ln >= x.start && ln <= x.end);
    const where = hit ? id(hit.obj) : `line ${ln}`;
    const src = hit ? hit.text[ln - hit.start].trim().replace(/[,{[]$/, "") : "";
    const msg = m[5].replace(/'"([^"]+)"'/g, "'$1'");
    result.get(info.id).push(`${where}: unknown or mistyped field near \`${src}\`: ${msg}`);
  }
  if (r.status !== 0 && [...result.values()].every((e) => e.length === 0)) {
    throw new Error(`TypeScript strict check failed unexpectedly:\n${unparsed.join("\n") || out}`);
  }
  return result;
}

function specKind(spec) {
  return spec.split("/").pop();
}

// ------------------------------------------------------------------ policy --

export function id(o) {
  const ns = o?.metadata?.namespace ? `${o.metadata.namespace}/` : "";
  return `${o?.kind ?? "?"} ${ns}${o?.metadata?.name ?? "?"}`;
}

const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicaSet", "Pod"]);
const CLUSTER_SCOPED = new Set(["Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume", "StorageClass", "CustomResourceDefinition", "PriorityClass", "IngressClass"]);

function podSpecOf(o) {
  if (o.kind === "Pod") return o.spec;
  if (o.kind === "CronJob") return o.spec?.jobTemplate?.spec?.template?.spec;
  return o.spec?.template?.spec;
}
function podLabelsOf(o) {
  if (o.kind === "Pod") return o.metadata?.labels ?? {};
  if (o.kind === "CronJob") return o.spec?.jobTemplate?.spec?.template?.metadata?.labels ?? {};
  return o.spec?.template?.metadata?.labels ?? {};
}

export function parseQuantity(q) {
  if (typeof q === "number") return q;
  const m = /^([0-9.]+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/.exec(String(q));
  if (!m) return NaN;
  const f = { m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
  return Number(m[1]) * (m[2] ? f[m[2]] : 1);
}

function parseTimeSpan(s) {
  const m = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.\d+)?$/.exec(String(s ?? ""));
  if (!m) return NaN;
  return Number(m[1] ?? 0) * 86400 + Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
}

export function selectorMatches(sel, labels) {
  if (!sel) return false;
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels?.[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels ?? {}, e.key);
    const val = labels?.[e.key];
    if (e.operator === "In" && !(has && e.values.includes(val))) return false;
    if (e.operator === "NotIn" && has && e.values.includes(val)) return false;
    if (e.operator === "Exists" && !has) return false;
    if (e.operator === "DoesNotExist" && has) return false;
  }
  return true;
}

function imageRole(image) {
  const repo = String(image ?? "").split("@")[0].replace(/:[^/:]+$/, "");
  if (/(^|\/)betterdata\/silo$/.test(repo)) return "silo";
  if (/(^|\/)betterdata\/api$/.test(repo)) return "api";
  return null;
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const PORT_NAME = /^(?=.*[a-z])[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/**
 * Policy checks on one rendered target. Returns a list of error strings.
 */
export function policyErrors(target, objects) {
  const rules = TARGETS[target] ?? TARGETS["overlays/prod"];
  const errors = [];
  const E = (o, msg) => errors.push(`${o ? id(o) + ": " : ""}${msg}`);
  const byKind = (k) => objects.filter((o) => o.kind === k);
  const find = (k, name) => objects.find((o) => o.kind === k && o.metadata?.name === name);

  // ---- generic metadata
  const seen = new Set();
  for (const o of objects) {
    const name = o.metadata?.name;
    if (!name) {
      E(o, "metadata.name is missing");
      continue;
    }
    const key = `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ""}/${name}`;
    if (seen.has(key)) E(o, "duplicate object");
    seen.add(key);
    const nameRe = ["Service", "Namespace"].includes(o.kind) ? DNS1123_LABEL : DNS1123_SUBDOMAIN;
    if (!nameRe.test(name) || name.length > (o.kind === "Service" ? 63 : 253)) E(o, `invalid name "${name}"`);
    for (const [k, v] of Object.entries(o.metadata.labels ?? {})) {
      if (typeof v !== "string" || v.length > 63 || !LABEL_VALUE.test(v)) E(o, `invalid label value ${k}=${JSON.stringify(v)}`);
    }
    if (CLUSTER_SCOPED.has(o.kind)) {
      if (o.kind !== "Namespace") E(o, `cluster-scoped ${o.kind} is not expected in this app's manifests`);
      else if (name !== NAMESPACE) E(o, `only the ${NAMESPACE} Namespace is expected`);
    } else if (o.metadata.namespace !== NAMESPACE) {
      E(o, `namespace must be "${NAMESPACE}" (is ${JSON.stringify(o.metadata.namespace)})`);
    }
    if (["Role", "RoleBinding"].includes(o.kind)) {
      E(o, "no RBAC is expected: nothing here talks to the Kubernetes API (no Microsoft.Orleans.Hosting.Kubernetes)");
    }
  }
  if (!find("Namespace", NAMESPACE)) E(null, `Namespace ${NAMESPACE} is missing`);

  // ---- Secrets
  const secrets = byKind("Secret");
  if (rules.secrets === "none") {
    for (const s of secrets) E(s, `Secret objects are not allowed in ${target}: reference "${EXTERNAL_SECRET}" by name only`);
  }
  const secretData = (s) => ({ ...(s.data ?? {}), ...(s.stringData ?? {}) });
  if (rules.secrets === "generated") {
    const app = secrets.filter((s) => s.metadata.name === EXTERNAL_SECRET || s.metadata.name.startsWith(EXTERNAL_SECRET + "-"));
    if (app.length !== 1) E(null, `${target} must generate exactly one ${EXTERNAL_SECRET} Secret (found ${app.length})`);
    for (const s of app) {
      const keys = Object.keys(secretData(s)).sort();
      if (JSON.stringify(keys) !== JSON.stringify([...SECRET_KEYS].sort())) {
        E(s, `keys must be exactly the documented ${SECRET_KEYS.join(", ")} (are ${keys.join(", ")})`);
      }
      for (const [k, v] of Object.entries(s.data ?? {})) {
        const text = Buffer.from(String(v), "base64").toString("utf8");
        if (!/dev/i.test(text)) E(s, `dev Secret value of ${k} must look obviously dev-only (contain "dev")`);
      }
    }
  }

  // ---- ConfigMaps: never secrets
  for (const cm of byKind("ConfigMap")) {
    for (const k of Object.keys(cm.data ?? {})) {
      if (SECRET_SETTINGS.includes(k) || SECRETISH.test(k)) E(cm, `key ${k} looks like a secret; secrets belong in a Secret referenced by secretKeyRef`);
    }
  }

  // ---- ServiceAccounts / RBAC
  const sas = new Map(byKind("ServiceAccount").map((s) => [s.metadata.name, s]));

  // ---- workloads
  const workloads = objects.filter((o) => WORKLOAD_KINDS.has(o.kind));
  const roleContainers = { silo: [], api: [], schema: [] };
  for (const w of workloads) {
    const pod = podSpecOf(w);
    if (!pod) {
      E(w, "no pod template");
      continue;
    }
    const longRunning = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"].includes(w.kind);
    const labels = podLabelsOf(w);

    if (w.spec?.selector && ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"].includes(w.kind)) {
      if (!selectorMatches(w.spec.selector, labels)) E(w, "spec.selector does not match the pod template labels");
    }
    if (pod.automountServiceAccountToken !== false) E(w, "pod must set automountServiceAccountToken: false (no Kubernetes API access)");
    if (!pod.serviceAccountName) E(w, "pod must name its own serviceAccountName");
    else if (!sas.has(pod.serviceAccountName)) E(w, `ServiceAccount ${pod.serviceAccountName} is not defined`);
    else if (sas.get(pod.serviceAccountName).automountServiceAccountToken !== false) E(sas.get(pod.serviceAccountName), "automountServiceAccountToken must be false");
    if (pod.hostNetwork || pod.hostPID || pod.hostIPC) E(w, "host namespaces are not allowed");

    const psc = pod.securityContext ?? {};
    const volumes = new Map((pod.volumes ?? []).map((v) => [v.name, v]));
    for (const t of w.kind === "StatefulSet" ? (w.spec?.volumeClaimTemplates ?? []) : []) volumes.set(t.metadata?.name, { persistentVolumeClaim: {} });
    for (const v of pod.volumes ?? []) if (v.hostPath) E(w, `hostPath volume ${v.name} is not allowed`);
    const allContainers = [...(pod.initContainers ?? []).map((c) => [c, true]), ...(pod.containers ?? []).map((c) => [c, false])];
    for (const [c, isInit] of allContainers) {
      const cn = `${id(w)} container ${c.name}`;
      const P = (msg) => errors.push(`${cn}: ${msg}`);
      const sc = c.securityContext ?? {};
      if ((sc.runAsNonRoot ?? psc.runAsNonRoot) !== true) P("securityContext.runAsNonRoot must be true");
      if ((sc.runAsUser ?? psc.runAsUser) === 0) P("must not run as uid 0");
      if (sc.readOnlyRootFilesystem !== true) P("securityContext.readOnlyRootFilesystem must be true");
      if (sc.allowPrivilegeEscalation !== false) P("securityContext.allowPrivilegeEscalation must be false");
      if (sc.privileged === true) P("must not be privileged");
      if (!(sc.capabilities?.drop ?? []).includes("ALL")) P("securityContext.capabilities.drop must include ALL");
      if ((sc.capabilities?.add ?? []).length) P(`must not add capabilities (${sc.capabilities.add.join(",")})`);
      const seccomp = sc.seccompProfile?.type ?? psc.seccompProfile?.type;
      if (seccomp !== "RuntimeDefault") P(`seccompProfile.type must be RuntimeDefault (is ${seccomp ?? "unset"})`);
      const tmp = (c.volumeMounts ?? []).find((m) => m.mountPath === "/tmp");
      if (!tmp) P("needs a writable /tmp (emptyDir) because the root filesystem is read-only");
      else if (!volumes.get(tmp.name)?.emptyDir) P(`/tmp must be an emptyDir volume (${tmp.name})`);
      for (const m of c.volumeMounts ?? []) if (!volumes.has(m.name)) P(`volumeMount ${m.name} has no volume`);

      const req = c.resources?.requests ?? {};
      const lim = c.resources?.limits ?? {};
      if (req.cpu === undefined) P("resources.requests.cpu is required");
      if (lim.cpu !== undefined) P("resources.limits.cpu must not be set (CPU request without limit)");
      if (req.memory === undefined) P("resources.requests.memory is required");
      if (lim.memory === undefined) P("resources.limits.memory is required");
      if (req.memory !== undefined && lim.memory !== undefined && parseQuantity(req.memory) > parseQuantity(lim.memory)) P("memory request exceeds its limit");

      const image = String(c.image ?? "");
      if (!image) P("image is missing");
      const digest = /@sha256:[0-9a-f]{64}$/.test(image);
      const tag = digest ? null : (/:([^/:]+)$/.exec(image)?.[1] ?? null);
      if (!digest && !tag) P(`image ${image} has no tag (implicit :latest)`);
      if (tag === "latest") P(`image ${image} uses :latest`);
      if (rules.images === "pinned" && !digest && (!tag || !/^v?\d+\.\d+(\.\d+)?([-.][0-9A-Za-z.]+)?$/.test(tag))) {
        P(`image ${image} must be pinned to a release tag (x.y.z) or a digest in ${target}`);
      }
      if (rules.images !== "any" && tag === "unpinned") P(`image ${image}: the overlay must set its tag via images:`);

      const portNames = new Set();
      for (const p of c.ports ?? []) {
        if (p.name !== undefined) {
          if (!PORT_NAME.test(p.name) || p.name.length > 15) P(`port name "${p.name}" is invalid (IANA_SVC_NAME: <=15 chars, lowercase, a letter)`);
          if (portNames.has(p.name)) P(`duplicate port name ${p.name}`);
          portNames.add(p.name);
        }
      }

      if (longRunning && !isInit) {
        for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) {
          const pr = c[probe];
          if (!pr) {
            P(`${probe} is required`);
            continue;
          }
          const port = pr.httpGet?.port ?? pr.tcpSocket?.port ?? pr.grpc?.port;
          if (port !== undefined && !(c.ports ?? []).some((p) => p.name === port || p.containerPort === port)) {
            P(`${probe} port ${port} is not a declared container port`);
          }
        }
      }

      // env resolution
      const env = resolveEnv(c, objects, (m) => P(m), target);
      for (const [name, src] of env) {
        if (src.kind === "value" && (SECRET_SETTINGS.includes(name) || SECRETISH.test(name))) {
          P(`${name} is a literal value; secrets must come from secretKeyRef`);
        }
        if (src.kind === "configmap" && SECRET_SETTINGS.includes(name)) P(`${name} comes from a ConfigMap; it must come from a Secret`);
      }

      // role
      let role = imageRole(c.image);
      if (role === "silo" && w.kind === "Job") role = "schema";
      if (!role || isInit) continue;
      roleContainers[role].push({ w, c, env, cn });
      const need = ROLE_REQUIREMENTS[role];
      for (const s of need.secret) {
        const src = env.get(s);
        if (!src) P(`${s} is not provided`);
        else if (src.kind !== "secret") P(`${s} must come from a secretKeyRef (comes from ${src.kind})`);
      }
      for (const s of need.set) {
        const src = env.get(s);
        if (!src) P(`${s} is not provided`);
        else if (src.kind !== "secret" && src.kind !== "field" && !String(src.value ?? "").trim()) P(`${s} is empty`);
      }
      for (const [s, want] of Object.entries(need.equals)) {
        const src = env.get(s);
        if (!src) P(`${s} is not provided (expected ${want})`);
        else if (String(src.value) !== want) P(`${s} must be ${want} (is ${JSON.stringify(src.value ?? src.kind)})`);
      }
      for (const [s, fp] of Object.entries(need.field)) {
        const src = env.get(s);
        if (!src || src.kind !== "field" || src.value !== fp) P(`${s} must come from the downward API fieldRef ${fp}`);
      }
      for (const port of need.ports) {
        if (!(c.ports ?? []).some((p) => p.containerPort === port)) P(`container port ${port} must be declared`);
      }
      if (role === "silo" && env.get("Orleans__Mode")?.value === "Client") P("a silo must not run with Orleans__Mode=Client");
      if (role === "schema") {
        if (!(c.args ?? []).includes("--apply-schema-and-exit")) P("the schema Job must run with --apply-schema-and-exit");
        const apply = env.get("Database__ApplySchema");
        if (apply && String(apply.value).toLowerCase() === "false") P("the schema Job must not set Database__ApplySchema=false");
      }
      if (role === "silo" || role === "api") {
        for (const [probe, p] of Object.entries(PROBE_PATHS)) {
          if (c[probe] && c[probe].httpGet?.path !== p) P(`${probe} must be httpGet ${p}`);
        }
        const shutdown = parseTimeSpan(env.get("HostOptions__ShutdownTimeout")?.value);
        const grace = pod.terminationGracePeriodSeconds ?? 30;
        if (Number.isNaN(shutdown)) P("HostOptions__ShutdownTimeout must be a TimeSpan (hh:mm:ss)");
        else if (!(grace > shutdown)) P(`terminationGracePeriodSeconds (${grace}) must exceed HostOptions__ShutdownTimeout (${shutdown}s)`);
        if (w.kind !== "Deployment") P(`${role} must run as a Deployment`);
      }
    }

    if (w.kind === "Job" || w.kind === "CronJob") {
      const js = w.kind === "Job" ? w.spec : w.spec?.jobTemplate?.spec;
      if (!["Never", "OnFailure"].includes(pod.restartPolicy)) E(w, "Job pods must use restartPolicy Never or OnFailure");
      if (js?.backoffLimit === undefined) E(w, "Job must set backoffLimit");
      if (js?.activeDeadlineSeconds === undefined) E(w, "Job must set activeDeadlineSeconds");
    }
  }

  const siloDeps = [...new Set(roleContainers.silo.map((x) => x.w))];
  const apiDeps = [...new Set(roleContainers.api.map((x) => x.w))];
  const schemaJobs = [...new Set(roleContainers.schema.map((x) => x.w))];
  if (siloDeps.length !== 1) E(null, `expected exactly one silo Deployment (image betterdata/silo), found ${siloDeps.length}`);
  if (apiDeps.length !== 1) E(null, `expected exactly one API Deployment (image betterdata/api), found ${apiDeps.length}`);
  if (schemaJobs.length !== 1) E(null, `expected exactly one schema Job (image betterdata/silo --apply-schema-and-exit), found ${schemaJobs.length}`);

  // Cluster identity must agree between silos and clients.
  for (const key of ["Orleans__ClusterId", "Orleans__ServiceId"]) {
    const vals = new Set([...roleContainers.silo, ...roleContainers.api].map((x) => x.env.get(key)?.value).filter((v) => v !== undefined));
    if (vals.size > 1) E(null, `${key} differs between silo and API containers (${[...vals].join(" vs ")}): clients would not find the cluster`);
  }

  for (const d of siloDeps) {
    const s = d.spec ?? {};
    const ru = s.strategy?.rollingUpdate ?? {};
    if (s.strategy?.type !== "RollingUpdate") E(d, "silo strategy must be RollingUpdate");
    if (ru.maxUnavailable !== 0) E(d, "silo rollingUpdate.maxUnavailable must be 0");
    if (!(Number(ru.maxSurge) >= 1)) E(d, "silo rollingUpdate.maxSurge must be >= 1");
    if (!(s.minReadySeconds > 0)) E(d, "silo minReadySeconds must be > 0");
    if (!((s.replicas ?? 1) >= 2)) E(d, "run at least 2 silos");
    const aff = s.template?.spec?.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
    if (!aff.some((t) => t.podAffinityTerm?.topologyKey === "kubernetes.io/hostname" && selectorMatches(t.podAffinityTerm.labelSelector, podLabelsOf(d)))) {
      E(d, "silo needs preferred pod anti-affinity on kubernetes.io/hostname");
    }
  }
  for (const d of apiDeps) {
    const ru = d.spec?.strategy?.rollingUpdate ?? {};
    if (ru.maxUnavailable !== 0 && ru.maxUnavailable !== undefined) E(d, "API rollingUpdate.maxUnavailable should be 0");
  }

  // ---- PodDisruptionBudgets
  const replicated = objects.filter((o) => ["Deployment", "StatefulSet"].includes(o.kind));
  const hpas = byKind("HorizontalPodAutoscaler");
  const pdbFor = new Map();
  for (const pdb of byKind("PodDisruptionBudget")) {
    const matches = replicated.filter((w) => selectorMatches(pdb.spec?.selector, podLabelsOf(w)));
    if (matches.length !== 1) {
      E(pdb, `selector must match exactly one Deployment/StatefulSet (matches ${matches.length})`);
      continue;
    }
    const w = matches[0];
    pdbFor.set(w, pdb);
    const hpa = hpas.find((h) => h.spec?.scaleTargetRef?.kind === w.kind && h.spec?.scaleTargetRef?.name === w.metadata.name);
    const replicas = hpa ? Math.min(hpa.spec.minReplicas ?? 1, w.spec?.replicas ?? 1) : (w.spec?.replicas ?? 1);
    const { minAvailable, maxUnavailable } = pdb.spec ?? {};
    if (minAvailable !== undefined && maxUnavailable !== undefined) E(pdb, "set minAvailable or maxUnavailable, not both");
    if (typeof minAvailable === "number" && minAvailable >= replicas) {
      E(pdb, `minAvailable ${minAvailable} >= ${replicas} replicas of ${id(w)}: no voluntary disruption (node drain) could ever proceed`);
    }
    if (typeof maxUnavailable === "number" && maxUnavailable < 1) E(pdb, "maxUnavailable < 1 blocks every node drain");
  }
  for (const d of siloDeps) {
    const pdb = pdbFor.get(d);
    if (!pdb) E(d, "silos need a PodDisruptionBudget");
    else if (target !== "overlays/dev" && pdb.spec?.minAvailable !== 2) E(pdb, "silo PDB must be minAvailable: 2");
  }

  // ---- HPAs
  for (const h of hpas) {
    const ref = h.spec?.scaleTargetRef ?? {};
    const w = objects.find((o) => o.kind === ref.kind && o.metadata?.name === ref.name);
    if (!w) {
      E(h, `scaleTargetRef ${ref.kind}/${ref.name} does not exist`);
      continue;
    }
    if ((h.spec.minReplicas ?? 1) > h.spec.maxReplicas) E(h, "minReplicas > maxReplicas");
    if ((h.spec.metrics ?? []).some((m) => m.resource?.name === "cpu")) {
      for (const c of podSpecOf(w)?.containers ?? []) if (!c.resources?.requests?.cpu) E(h, `scales on CPU but ${c.name} has no CPU request`);
    }
    if (siloDeps.includes(w)) E(h, "silos must not be autoscaled");
  }

  // ---- Services
  const podsOf = (sel) => workloads.filter((w) => sel && Object.keys(sel).length && selectorMatches({ matchLabels: sel }, podLabelsOf(w)));
  for (const svc of byKind("Service")) {
    const targets = podsOf(svc.spec?.selector);
    if (!targets.length) {
      E(svc, "selector matches no pod template");
      continue;
    }
    for (const p of svc.spec?.ports ?? []) {
      const tp = p.targetPort ?? p.port;
      for (const w of targets) {
        const cs = podSpecOf(w)?.containers ?? [];
        const ok = cs.some((c) => (c.ports ?? []).some((cp) => cp.name === tp || cp.containerPort === tp));
        if (!ok) E(svc, `targetPort ${tp} is not a port of ${id(w)}`);
        const resolved = cs.flatMap((c) => c.ports ?? []).find((cp) => cp.name === tp || cp.containerPort === tp);
        if (siloDeps.includes(w) && resolved && [11111, 30000].includes(resolved.containerPort)) {
          E(svc, `exposes Orleans port ${resolved.containerPort}: clients and silos must use pod IPs from the membership table, never a Service VIP`);
        }
      }
    }
  }

  // ---- Ingress
  const ingresses = byKind("Ingress");
  const routes = [];
  for (const ing of ingresses) {
    const tlsHosts = new Set((ing.spec?.tls ?? []).flatMap((t) => t.hosts ?? []));
    for (const rule of ing.spec?.rules ?? []) {
      if (target === "overlays/prod") {
        if (!rule.host) E(ing, "prod rules need a host");
        else if (!tlsHosts.has(rule.host)) E(ing, `prod host ${rule.host} has no TLS`);
      }
      for (const p of rule.http?.paths ?? []) {
        const b = p.backend?.service;
        const svc = b && find("Service", b.name);
        if (!svc) {
          E(ing, `path ${p.path}: backend Service ${b?.name} does not exist`);
          continue;
        }
        if (!(svc.spec.ports ?? []).some((sp) => (b.port?.name !== undefined ? sp.name === b.port.name : sp.port === b.port?.number))) {
          E(ing, `path ${p.path}: Service ${b.name} has no port ${b.port?.name ?? b.port?.number}`);
        }
        if (/^\/(health|metrics)/.test(p.path ?? "")) E(ing, `path ${p.path} must not be public`);
        routes.push({ path: p.path, svc });
      }
    }
  }
  const routedTo = (prefix, deps) =>
    routes.some((r) => r.path === prefix && podsOf(r.svc.spec?.selector).some((w) => deps.includes(w)));
  for (const p of ["/webhooks", "/api"]) if (!routedTo(p, apiDeps)) E(null, `Ingress must route ${p} to the API pods`);
  if (!routedTo("/dashboard", siloDeps)) E(null, "Ingress must route /dashboard to the silo pods");

  // ---- NetworkPolicies
  errors.push(...networkPolicyErrors(target, objects, { siloDeps, apiDeps, schemaJobs, podLabelsOf }));

  return { errors, roles: roleContainers };
}

function resolveEnv(c, objects, P, target) {
  const env = new Map();
  const cm = (name) => objects.find((o) => o.kind === "ConfigMap" && o.metadata?.name === name);
  const sec = (name) => objects.find((o) => o.kind === "Secret" && o.metadata?.name === name);
  for (const ef of c.envFrom ?? []) {
    const prefix = ef.prefix ?? "";
    if (ef.configMapRef) {
      const m = cm(ef.configMapRef.name);
      if (!m) {
        P(`envFrom ConfigMap ${ef.configMapRef.name} does not exist in the render`);
        continue;
      }
      for (const [k, v] of Object.entries(m.data ?? {})) env.set(prefix + k, { kind: "configmap", value: v });
    }
    if (ef.secretRef) {
      const s = sec(ef.secretRef.name);
      if (!s) {
        P(`envFrom Secret ${ef.secretRef.name} cannot be checked (not in the render); use env[].valueFrom.secretKeyRef so the required keys are explicit`);
        continue;
      }
      for (const k of Object.keys({ ...(s.data ?? {}), ...(s.stringData ?? {}) })) env.set(prefix + k, { kind: "secret", value: undefined });
    }
  }
  for (const e of c.env ?? []) {
    if (e.valueFrom?.secretKeyRef) {
      const { name, key } = e.valueFrom.secretKeyRef;
      const s = sec(name);
      if (s) {
        if (!Object.prototype.hasOwnProperty.call({ ...(s.data ?? {}), ...(s.stringData ?? {}) }, key)) P(`${e.name}: Secret ${name} has no key ${key}`);
      } else if (name !== EXTERNAL_SECRET) {
        P(`${e.name}: secretKeyRef to ${name}, which is neither in the render nor the documented external Secret ${EXTERNAL_SECRET}`);
      } else if (!SECRET_KEYS.includes(key)) {
        P(`${e.name}: key ${key} is not a documented key of ${EXTERNAL_SECRET} (${SECRET_KEYS.join(", ")})`);
      }
      if (target === "overlays/dev" && !s) P(`${e.name}: dev overlay must generate Secret ${name}`);
      env.set(e.name, { kind: "secret", value: undefined });
    } else if (e.valueFrom?.configMapKeyRef) {
      const { name, key } = e.valueFrom.configMapKeyRef;
      const m = cm(name);
      if (!m || !Object.prototype.hasOwnProperty.call(m.data ?? {}, key)) P(`${e.name}: ConfigMap ${name} key ${key} does not exist`);
      env.set(e.name, { kind: "configmap", value: m?.data?.[key] });
    } else if (e.valueFrom?.fieldRef) {
      env.set(e.name, { kind: "field", value: e.valueFrom.fieldRef.fieldPath });
    } else if (e.valueFrom) {
      env.set(e.name, { kind: "other", value: undefined });
    } else {
      env.set(e.name, { kind: "value", value: e.value ?? "" });
    }
  }
  return env;
}

// ---- NetworkPolicy evaluation (namespace-local model of the standard semantics)

function portMatches(rulePorts, port, destPod) {
  if (!rulePorts || rulePorts.length === 0) return true;
  return rulePorts.some((rp) => {
    if ((rp.protocol ?? "TCP") !== "TCP") return false;
    if (rp.port === undefined) return true;
    if (typeof rp.port === "string") {
      const named = (destPod?.ports ?? []).find((p) => p.name === rp.port);
      return named ? named.containerPort === port : false;
    }
    return rp.endPort !== undefined ? port >= rp.port && port <= rp.endPort : rp.port === port;
  });
}

// peer: {ns, nsLabels, labels} for a pod or {external:true}
function peerMatches(peers, peer, policyNs) {
  if (!peers || peers.length === 0) return true;
  return peers.some((p) => {
    if (p.ipBlock) return !!peer.external;
    if (peer.external) return false;
    const nsOk = p.namespaceSelector ? selectorMatches(p.namespaceSelector, peer.nsLabels) : peer.ns === policyNs;
    const podOk = p.podSelector ? selectorMatches(p.podSelector, peer.labels) : true;
    return nsOk && podOk;
  });
}

function policyTypes(p) {
  if (p.spec?.policyTypes?.length) return p.spec.policyTypes;
  return p.spec?.egress ? ["Ingress", "Egress"] : ["Ingress"];
}

export function allowed(policies, src, dst, port) {
  // Egress of the source, when the source is a pod of our namespace.
  if (!src.external && src.ns === NAMESPACE) {
    const eg = policies.filter((p) => policyTypes(p).includes("Egress") && selectorMatches(p.spec?.podSelector ?? {}, src.labels));
    if (eg.length && !eg.some((p) => (p.spec.egress ?? []).some((r) => peerMatches(r.to, dst, NAMESPACE) && portMatches(r.ports, port, dst)))) return false;
  }
  // Ingress of the destination, when it is a pod of our namespace.
  if (!dst.external && dst.ns === NAMESPACE) {
    const ing = policies.filter((p) => policyTypes(p).includes("Ingress") && selectorMatches(p.spec?.podSelector ?? {}, dst.labels));
    if (ing.length && !ing.some((p) => (p.spec.ingress ?? []).some((r) => peerMatches(r.from, src, NAMESPACE) && portMatches(r.ports, port, dst)))) return false;
  }
  return true;
}

function networkPolicyErrors(target, objects, { siloDeps, apiDeps, schemaJobs, podLabelsOf }) {
  const errors = [];
  const policies = objects.filter((o) => o.kind === "NetworkPolicy");
  const E = (m) => errors.push(`NetworkPolicy: ${m}`);
  const denyAll = policies.find(
    (p) => Object.keys(p.spec?.podSelector ?? {}).length === 0 && (p.spec?.policyTypes ?? []).includes("Ingress") && !(p.spec?.ingress ?? []).length,
  );
  if (!denyAll) E("a default-deny ingress policy (podSelector: {}, policyTypes: [Ingress], no rules) is required");
  const nsLabels = (ns) => ({ "kubernetes.io/metadata.name": ns });
  const podOf = (w) => (w ? { ns: NAMESPACE, nsLabels: nsLabels(NAMESPACE), labels: podLabelsOf(w), ports: (w.spec?.template?.spec?.containers ?? []).flatMap((c) => c.ports ?? []) } : null);
  const silo = podOf(siloDeps[0]);
  const api = podOf(apiDeps[0]);
  const job = podOf(schemaJobs[0]);
  if (!silo || !api || !job) return errors;
  const stranger = { ns: NAMESPACE, nsLabels: nsLabels(NAMESPACE), labels: { "app.kubernetes.io/name": "intruder" }, ports: [] };
  const otherNs = { ns: "default", nsLabels: nsLabels("default"), labels: { "app.kubernetes.io/name": "intruder" }, ports: [] };
  const ingressCtl = { ns: "ingress-nginx", nsLabels: nsLabels("ingress-nginx"), labels: { "app.kubernetes.io/name": "ingress-nginx" }, ports: [] };
  const external = { external: true };
  const pg = objects.find((o) => o.kind === "StatefulSet" && podLabelsOf(o)["app.kubernetes.io/name"] === "betterdata-postgres");
  const db = pg ? podOf(pg) : external;
  const expect = (what, src, dst, port, want) => {
    const got = allowed(policies, src, dst, port);
    if (got !== want) E(`${what} on ${port} should be ${want ? "allowed" : "denied"} but is ${got ? "allowed" : "denied"}`);
  };
  expect("api -> silo gateway", api, silo, 30000, true);
  expect("silo -> silo", silo, silo, 11111, true);
  expect("other pod in namespace -> silo gateway", stranger, silo, 30000, false);
  expect("pod in another namespace -> silo gateway", otherNs, silo, 30000, false);
  expect("other pod in namespace -> silo-to-silo port", stranger, silo, 11111, false);
  expect("api -> silo-to-silo port", api, silo, 11111, false);
  expect("ingress controller -> api http", ingressCtl, api, 8080, true);
  expect("ingress controller -> silo http (dashboard)", ingressCtl, silo, 8080, true);
  expect("ingress controller -> silo gateway", ingressCtl, silo, 30000, false);
  expect("pod in another namespace -> api http", otherNs, api, 8080, false);
  expect("silo -> PostgreSQL", silo, db, 5432, true);
  expect("api -> PostgreSQL (ADO.NET gateway list)", api, db, 5432, true);
  expect("schema Job -> PostgreSQL", job, db, 5432, true);
  expect("other pod in namespace -> PostgreSQL", stranger, db, 5432, false);
  if (pg) expect("pod in another namespace -> PostgreSQL", otherNs, db, 5432, false);
  return errors;
}
