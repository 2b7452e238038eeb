// Offline validation of deploy/k8s and deploy/docker. Run through validate.sh,
// which installs the tools. Usage: node validate.mjs [--no-self-test]
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { TARGETS, render, schemaErrors, strictFieldErrors, policyErrors, id } from "./lib/k8s.mjs";
import { checkAllDockerfiles } from "./lib/docker.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
const k8sDir = path.join(repo, "deploy/k8s");
const workDir = path.join(here, "node_modules/.cache/betterdata-validate");
const selfTest = !process.argv.includes("--no-self-test");

const clone = (x) => structuredClone(x);
const workload = (objs, role) =>
  objs.find((o) => o.kind === (role === "schema" ? "Job" : "Deployment") && o.spec?.template?.metadata?.labels?.["app.kubernetes.io/name"] === `betterdata-${role}`);
const container = (objs, role) => workload(objs, role).spec.template.spec.containers[0];
const byName = (objs, kind, name) => objs.find((o) => o.kind === kind && o.metadata.name === name);

// Deliberately broken variants: each must be rejected, for the stated reason.
const MUTATIONS = [
  {
    name: "misspelled field (readinesProbe) in the silo container",
    expect: /readinesProbe/,
    mutate: (o) => {
      const c = container(o, "silo");
      c.readinesProbe = c.readinessProbe;
      delete c.readinessProbe;
    },
  },
  { name: "field at the wrong level (spec.replica)", expect: /replica'? does not exist|'replica'/, mutate: (o) => (workload(o, "api").spec.replica = 2) },
  { name: 'wrong type (replicas: "three")', expect: /replicas must be integer/, mutate: (o) => (workload(o, "silo").spec.replicas = "three") },
  { name: "unknown kind (Deploymnet)", expect: /unknown apiVersion\/kind/, mutate: (o) => o.push({ apiVersion: "apps/v1", kind: "Deploymnet", metadata: { name: "x", namespace: "betterdata" } }) },
  { name: "CPU limit on the API container", expect: /limits\.cpu must not be set/, mutate: (o) => (container(o, "api").resources.limits.cpu = "1") },
  {
    name: "literal STRIPE_WEBHOOK_SECRET value",
    expect: /STRIPE_WEBHOOK_SECRET is a literal value/,
    mutate: (o) => {
      const e = container(o, "api").env.find((x) => x.name === "STRIPE_WEBHOOK_SECRET");
      delete e.valueFrom;
      e.value = "whsec_live_oops";
    },
  },
  {
    name: "API container without Orleans__Mode=Client",
    expect: /Orleans__Mode is not provided/,
    mutate: (o) => {
      const c = container(o, "api");
      c.env = c.env.filter((x) => x.name !== "Orleans__Mode");
    },
  },
  {
    name: "silo without Admin__ApiKey (dashboard auth)",
    expect: /Admin__ApiKey is not provided/,
    mutate: (o) => {
      const c = container(o, "silo");
      c.env = c.env.filter((x) => x.name !== "Admin__ApiKey");
    },
  },
  {
    name: "silo without the key that encrypts stored secrets",
    expect: /Secrets__Keys__k1 is not provided/,
    mutate: (o) => {
      const c = container(o, "silo");
      c.env = c.env.filter((x) => x.name !== "Secrets__Keys__k1");
    },
  },
  {
    name: "silo without POD_IP from the downward API",
    expect: /POD_IP must come from the downward API/,
    mutate: (o) => {
      const e = container(o, "silo").env.find((x) => x.name === "POD_IP");
      delete e.valueFrom;
      e.value = "10.0.0.1";
    },
  },
  {
    name: "API ClusterId differs from the silos'",
    expect: /Orleans__ClusterId differs/,
    mutate: (o) => container(o, "api").env.push({ name: "Orleans__ClusterId", value: "someone-else" }),
  },
  {
    name: "Secret with values in prod",
    expect: /Secret objects are not allowed/,
    mutate: (o) => o.push({ apiVersion: "v1", kind: "Secret", metadata: { name: "betterdata-secrets", namespace: "betterdata" }, stringData: { "admin-api-key": "x" } }),
  },
  { name: "writable root filesystem on the silo", expect: /readOnlyRootFilesystem must be true/, mutate: (o) => (container(o, "silo").securityContext.readOnlyRootFilesystem = false) },
  { name: "capabilities not dropped on the schema Job", expect: /capabilities\.drop must include ALL/, mutate: (o) => delete container(o, "schema").securityContext.capabilities },
  { name: "silo without a liveness probe", expect: /livenessProbe is required/, mutate: (o) => delete container(o, "silo").livenessProbe },
  { name: "terminationGracePeriodSeconds below the host shutdown timeout", expect: /must exceed HostOptions__ShutdownTimeout/, mutate: (o) => (workload(o, "silo").spec.template.spec.terminationGracePeriodSeconds = 60) },
  { name: "silo PDB that blocks every drain", expect: /no voluntary disruption/, mutate: (o) => (byName(o, "PodDisruptionBudget", "betterdata-silo").spec.minAvailable = 3) },
  {
    name: "Service exposing the silo gateway port",
    expect: /Service VIP/,
    mutate: (o) => byName(o, "Service", "betterdata-silo").spec.ports.push({ name: "gateway", port: 30000, targetPort: "gateway" }),
  },
  {
    name: "NetworkPolicy opening the silos to every pod",
    expect: /gateway on 30000 should be denied/,
    mutate: (o) =>
      o.push({
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: "oops", namespace: "betterdata" },
        spec: { podSelector: { matchLabels: { "app.kubernetes.io/name": "betterdata-silo" } }, policyTypes: ["Ingress"], ingress: [{}] },
      }),
  },
  { name: "floating image tag in prod", expect: /must be pinned/, mutate: (o) => (container(o, "api").image = "registry.example.com/betterdata/api:main") },
  { name: "RBAC Role for the silo", expect: /no RBAC is expected/, mutate: (o) => o.push({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name: "r", namespace: "betterdata" }, rules: [] }) },
  {
    name: "dev Secret missing a documented key",
    target: "overlays/dev",
    expect: /keys must be exactly/,
    mutate: (o) => {
      const s = o.find((x) => x.kind === "Secret" && x.metadata.name.startsWith("betterdata-secrets"));
      delete s.data["webhook-secret"];
    },
  },
];

// Broken YAML sources, rendered through kubectl kustomize like the real ones.
const SOURCE_MUTATIONS = [
  {
    name: "source: unknown field in base/api-deployment.yaml",
    file: "base/api-deployment.yaml",
    from: /^  replicas: 2$/m,
    to: "  replicas: 2\n  replica: 2",
    expect: /replica/,
  },
  {
    name: "source: bad indentation in base/silo-service.yaml",
    file: "base/silo-service.yaml",
    from: /^  type: ClusterIP$/m,
    to: "   type: ClusterIP",
    expect: /kustomize|YAML|yaml|mapping/,
  },
];

const DOCKER_MUTATIONS = [
  { name: "docker: floating runtime tag", file: "deploy/docker/Api.Dockerfile", from: /aspnet:10\.0\.\d+-noble-chiseled/, to: "aspnet:10.0-noble-chiseled", expect: /patch-pinned/ },
  { name: "docker: no USER in the final stage", file: "deploy/docker/Silo.Dockerfile", from: /^USER .*$/m, to: "", expect: /must set USER/ },
  { name: "docker: publish without --no-restore", file: "deploy/docker/Silo.Dockerfile", from: / --no-restore/, to: "", expect: /--no-restore/ },
  { name: "docker: ignore file drops the embedded SQL schema", file: "deploy/docker/Silo.Dockerfile.dockerignore", from: /^deploy\/local$/m, to: "deploy/local\ndeploy/sql", expect: /removes deploy\/sql\// },
  { name: "docker: ignore file lets host obj/ through", file: "deploy/docker/Api.Dockerfile.dockerignore", from: /^\*\*\/obj$/m, to: "", expect: /must exclude .*obj/ },
  { name: "docker: whole tree copied before restore", file: "deploy/docker/Api.Dockerfile", from: /^COPY Api\/BetterData\.Api\.csproj Api\/$/m, to: "COPY . .", expect: /copied before restore/ },
];

function printErrors(title, errors) {
  if (!errors.length) return;
  console.log(`${title}:`);
  for (const e of errors) console.log(`  - ${e}`);
}

async function checkTargets(targets, casesOut) {
  // targets: [{ id, target, objects | error }]
  const results = new Map();
  for (const t of targets) {
    if (t.error) {
      results.set(t.id, [t.error]);
      continue;
    }
    const errs = [...(await schemaErrors(t.objects)), ...policyErrors(t.target, t.objects).errors];
    results.set(t.id, errs);
    casesOut.push({ id: t.id, objects: t.objects });
  }
  return results;
}

async function main() {
  let failed = false;

  // ---- Dockerfiles
  const docker = checkAllDockerfiles(repo);
  printErrors("Dockerfile errors", docker.errors);
  console.log(`docker validation: ${docker.count} Dockerfiles, ${docker.errors.length} errors`);
  if (docker.errors.length) failed = true;

  // ---- real renders
  const real = Object.keys(TARGETS).map((target) => ({ id: target, target, ...render(path.join(k8sDir, target)) }));
  const cases = [];
  const realResults = await checkTargets(real, cases);

  // ---- self-test variants (checked in the same TypeScript run)
  const variants = [];
  let srcTmp = null;
  if (selfTest) {
    for (const m of MUTATIONS) {
      const target = m.target ?? "overlays/prod";
      const baseObjs = real.find((r) => r.target === target)?.objects;
      if (!baseObjs) continue;
      const objs = clone(baseObjs);
      m.mutate(objs);
      variants.push({ id: `self-test: ${m.name}`, target, objects: objs, expect: m.expect });
    }
    srcTmp = mkdtempSync(path.join(tmpdir(), "betterdata-k8s-"));
    SOURCE_MUTATIONS.forEach((m, i) => {
      const dir = path.join(srcTmp, String(i));
      cpSync(k8sDir, dir, { recursive: true });
      const f = path.join(dir, m.file);
      const text = readFileSync(f, "utf8");
      if (!m.from.test(text)) throw new Error(`self-test setup: ${m.file} no longer contains ${m.from}`);
      writeFileSync(f, text.replace(m.from, m.to));
      variants.push({ id: `self-test: ${m.name}`, target: "overlays/prod", expect: m.expect, ...render(path.join(dir, "overlays/prod")) });
    });
  }
  const variantResults = await checkTargets(variants, cases);

  const strict = strictFieldErrors(cases, workDir);
  for (const [k, v] of strict) (realResults.get(k) ?? variantResults.get(k)).push(...v);
  if (srcTmp) rmSync(srcTmp, { recursive: true, force: true });

  let objects = 0;
  let errors = 0;
  for (const t of real) {
    const errs = realResults.get(t.id);
    objects += t.objects?.length ?? 0;
    errors += errs.length;
    printErrors(`k8s errors in ${t.target}`, errs);
    console.log(`  ${t.target}: ${t.objects?.length ?? 0} objects, ${errs.length} errors`);
  }
  console.log(`k8s validation: ${objects} objects, ${errors} errors`);
  if (errors) failed = true;

  // ---- self-test verdicts
  if (selfTest) {
    const dockerVariants = DOCKER_MUTATIONS.map((m) => {
      const text = readFileSync(path.join(repo, m.file), "utf8");
      if (!m.from.test(text)) throw new Error(`self-test setup: ${m.file} no longer contains ${m.from}`);
      return { id: `self-test: ${m.name}`, expect: m.expect, errs: checkAllDockerfiles(repo, { [m.file]: text.replace(m.from, m.to) }).errors };
    });
    const all = [...variants.map((v) => ({ id: v.id, expect: v.expect, errs: variantResults.get(v.id) })), ...dockerVariants];
    const accepted = all.filter((v) => !v.errs.some((e) => v.expect.test(e)));
    for (const v of accepted) {
      console.log(`self-test FAILED: "${v.id.replace("self-test: ", "")}" was not rejected for the expected reason ${v.expect}`);
      for (const e of v.errs) console.log(`    got: ${e}`);
    }
    if (process.env.VALIDATE_VERBOSE) for (const v of all) console.log(`${v.id}\n    ${v.errs.join("\n    ")}`);
    console.log(`self-test: ${all.length} broken variants, ${all.length - accepted.length} rejected`);
    if (accepted.length) failed = true;
  }

  if (failed) {
    console.log("deploy validation FAILED");
    process.exit(1);
  }
  console.log("deploy validation OK");
}

main().catch((e) => {
  console.error(`validate.mjs crashed: ${e.stack ?? e}`);
  process.exit(3);
});
