import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { PersistentVolume } from 'kubernetes-models/v1/PersistentVolume';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { beforeAll, describe, expect, it } from 'vitest';
import { INGRESS_QUEUES, SERVICE_BUS_QUEUES } from '../../activities/integrations/service-bus/queues.js';
import { DEFAULT_SWARM_CONTAINER } from '../../activities/swarm/cosmos/index.js';
import { MAX_TTL_MS } from '../../activities/swarm/event-hubs/field.js';
import { ROUTES } from '../../api/routes/catalog.js';
import { POOL_NAMES, TASK_QUEUES } from '../../core/tasks/queues.js';
import { configSchema, loadConfig } from '../../infra/config.js';
import { parseK8sYaml, renderKustomization, type K8sObject, type Rendered } from '../../scripts/deploy/render-kustomize.js';

/*
 * The deployment manifests cannot be applied here (no cluster, no cloud, no network), so their promises are checked
 * as data: every Kubernetes object passes the schema of its API version (from registry packages), the pools,
 * queues and settings agree with the code, and the Terraform is internally consistent and agrees with the
 * Kubernetes side on the names both must share.
 */

// @cdktf/hcl2json's type declarations pull the DOM library into the whole program's type check; only parse() is
// used, so it is loaded untyped. It parses with HashiCorp's own HCL parser compiled to WASM, offline.
const { parse: parseHcl } = createRequire(import.meta.url)('@cdktf/hcl2json') as { parse(file: string, text: string): Promise<Record<string, unknown>> };

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const K8S = 'infra/k8s';
const TF = 'infra/terraform';
const VARIANTS = { base: `${K8S}/base`, azure: `${K8S}/overlays/azure` } as const;

/** Env names ANTS processes read outside configSchema: set by Azure SDKs' conventions or read by the model router. */
const AZURE_SDK_ENV = new Set(['AZURE_CLIENT_ID', 'AZURE_TENANT_ID', 'AZURE_AUTHORITY_HOST', 'AZURE_FEDERATED_TOKEN_FILE', 'AZURE_OPENAI_ENDPOINT', 'AZURE_OPENAI_API_KEY', 'OPENAI_API_VERSION']);
/** The KEDA temporal scaler's trigger metadata (keda.sh/docs, scalers/temporal); anything else is a typo KEDA ignores. */
const TEMPORAL_TRIGGER_KEYS = new Set([
  'endpoint', 'endpointFromEnv', 'namespace', 'activationTargetQueueSize', 'targetQueueSize', 'taskQueue', 'queueTypes',
  'workerDeploymentName', 'workerDeploymentBuildId', 'minConnectTimeout', 'unsafeSsl', 'tlsServerName', 'apiKeyFromEnv', 'enableTLS',
]);

const MODELS: Record<string, (data: K8sObject) => { validate(): void }> = {
  'v1/Namespace': (d) => new Namespace(d as never),
  'v1/ServiceAccount': (d) => new ServiceAccount(d as never),
  'v1/ConfigMap': (d) => new ConfigMap(d as never),
  'v1/Secret': (d) => new Secret(d as never),
  'v1/Service': (d) => new Service(d as never),
  'v1/PersistentVolume': (d) => new PersistentVolume(d as never),
  'v1/PersistentVolumeClaim': (d) => new PersistentVolumeClaim(d as never),
  'apps/v1/Deployment': (d) => new Deployment(d as never),
  'batch/v1/Job': (d) => new Job(d as never),
  'networking.k8s.io/v1/NetworkPolicy': (d) => new NetworkPolicy(d as never),
  'keda.sh/v1alpha1/ScaledObject': (d) => new ScaledObject(d as never),
};

const label = ({ object, source }: Rendered) => `${source}: ${object.kind}/${object.metadata.name}`;

function schemaProblems(items: Rendered[]): string[] {
  return items.flatMap((item) => {
    const model = MODELS[`${item.object.apiVersion}/${item.object.kind}`];
    if (!model) return [`${label(item)}: no schema known for ${item.object.apiVersion} ${item.object.kind}`];
    try {
      model(item.object).validate();
      return [];
    } catch (error) {
      return [`${label(item)}: ${error instanceof Error ? error.message : String(error)}`];
    }
  });
}

interface Container {
  name: string;
  image?: string;
  command?: string[];
  env?: { name: string; value?: string }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  ports?: { name?: string; containerPort: number }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Json & { capabilities?: { drop?: string[] } };
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  livenessProbe?: Json;
}
interface PodTemplate {
  metadata?: { labels?: Record<string, string> };
  spec: Json & { containers: Container[]; serviceAccountName?: string; automountServiceAccountToken?: boolean; securityContext?: Json };
}

type Variant = keyof typeof VARIANTS;
const VARIANT_NAMES = Object.keys(VARIANTS) as Variant[];
const renderings = new Map<Variant, Rendered[] | Error>();
/** Rendered on first use, inside a test: a broken kustomization fails the Kubernetes tests, not the whole file. */
function rendered(variant: Variant): Rendered[] {
  if (!renderings.has(variant)) {
    try {
      renderings.set(variant, renderKustomization(VARIANTS[variant]));
    } catch (error) {
      renderings.set(variant, error instanceof Error ? error : new Error(String(error)));
    }
  }
  const result = renderings.get(variant);
  if (result instanceof Error) throw result;
  return result ?? [];
}
const renderedVariants = () => VARIANT_NAMES.map((variant) => [variant, rendered(variant)] as const);
const find = (items: Rendered[], kind: string, name: string) => items.find((r) => r.object.kind === kind && r.object.metadata.name === name);
const podTemplate = (item: Rendered) => (item.object.spec as { template: PodTemplate }).template;
const workloads = (items: Rendered[]) => items.filter((r) => r.object.kind === 'Deployment' || r.object.kind === 'Job');
const configData = (items: Rendered[]) => ((find(items, 'ConfigMap', 'ants-config')?.object.data ?? {}) as Record<string, string>);

const secretExample = parseK8sYaml(readFileSync(`${K8S}/base/secret.example.yaml`, 'utf8'), `${K8S}/base/secret.example.yaml`) as K8sObject[];
const exampleSecrets = new Map(secretExample.map((s) => [s.metadata.name, (s.stringData ?? {}) as Record<string, string>]));

/** What a container's process sees in its environment: envFrom sources in order, then its own env. */
function containerEnv(items: Rendered[], container: Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) Object.assign(env, find(items, 'ConfigMap', source.configMapRef.name)?.object.data ?? {});
    if (source.secretRef) Object.assign(env, exampleSecrets.get(source.secretRef.name) ?? {});
  }
  for (const { name, value } of container.env ?? []) env[name] = value ?? '';
  return env;
}

describe('Kubernetes manifests (infra/k8s)', () => {
  for (const variant of VARIANT_NAMES) {
    it(`${variant}: every rendered object passes its API version's schema`, () => {
      const items = rendered(variant);
      expect(items.length).toBeGreaterThan(0);
      expect(schemaProblems(items)).toEqual([]);
      const clusterScoped = new Set(['Namespace', 'PersistentVolume']);
      expect(items.filter((r) => !clusterScoped.has(r.object.kind) && r.object.metadata.namespace !== 'ants').map((r) => `${label(r)}: not in namespace ants`)).toEqual([]);
    });
  }

  it('documents the Secret in secret.example.yaml and keeps it out of every kustomization', () => {
    expect(schemaProblems(secretExample.map((object) => ({ object, source: `${K8S}/base/secret.example.yaml` })))).toEqual([]);
    for (const [, items] of renderedVariants()) expect(items.filter((r) => r.object.kind === 'Secret').map(label)).toEqual([]);
    // Every Secret a workload reads is one the example documents.
    for (const [variant, items] of renderedVariants()) {
      for (const workload of workloads(items)) {
        const spec = podTemplate(workload).spec;
        const refs = [
          ...spec.containers.flatMap((c) => (c.envFrom ?? []).flatMap((s) => (s.secretRef ? [s.secretRef.name] : []))),
          ...((spec.volumes as { secret?: { secretName: string } }[] | undefined) ?? []).flatMap((v) => (v.secret ? [v.secret.secretName] : [])),
        ];
        for (const ref of refs) expect(exampleSecrets.has(ref), `${variant}: ${label(workload)} reads Secret ${ref}, which secret.example.yaml does not document`).toBe(true);
      }
    }
  });

  for (const variant of VARIANT_NAMES) {
    it(`${variant}: runs every worker pool as a Deployment scaled by KEDA's temporal scaler on the pool's task queue`, () => {
      const items = rendered(variant);
      const problems: string[] = [];
      const temporalNamespace = configData(items).TEMPORAL_NAMESPACE;
      for (const pool of POOL_NAMES) {
        const name = `ants-worker-${pool}`;
        const deployment = find(items, 'Deployment', name);
        if (!deployment) {
          problems.push(`${variant}: no Deployment ${name} for pool ${pool}`);
          continue;
        }
        const [container] = podTemplate(deployment).spec.containers;
        const entry = container?.command?.at(-1) ?? '';
        if (entry !== `workers/${pool}.ts` || !existsSync(entry)) problems.push(`${label(deployment)}: runs ${entry}, not workers/${pool}.ts`);
        if ((deployment.object.spec as Json).replicas !== undefined) problems.push(`${label(deployment)}: sets replicas, which fights the HPA KEDA owns`);

        const scalers = items.filter((r) => r.object.kind === 'ScaledObject' && (r.object.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name === name);
        if (scalers.length !== 1) {
          problems.push(`${variant}: ${scalers.length} ScaledObjects target ${name}, expected 1`);
          continue;
        }
        const scaler = scalers[0] as Rendered;
        const spec = scaler.object.spec as { minReplicaCount?: number; maxReplicaCount?: number; triggers: { type: string; metadata: Record<string, string> }[] };
        // Scaling to zero on backlog misses in-flight tasks (KEDA's documented caveat): a pool always keeps one worker.
        if (!(spec.minReplicaCount !== undefined && spec.minReplicaCount >= 1 && (spec.maxReplicaCount ?? 0) >= spec.minReplicaCount)) {
          problems.push(`${label(scaler)}: needs 1 <= minReplicaCount <= maxReplicaCount`);
        }
        const triggers = spec.triggers.filter((t) => t.type === 'temporal');
        if (triggers.length !== 1) problems.push(`${label(scaler)}: expected one temporal trigger`);
        for (const { metadata } of triggers) {
          const unknown = Object.keys(metadata).filter((key) => !TEMPORAL_TRIGGER_KEYS.has(key));
          if (unknown.length) problems.push(`${label(scaler)}: unknown temporal trigger metadata ${unknown.join(', ')}`);
          if (metadata.taskQueue !== TASK_QUEUES[pool]) problems.push(`${label(scaler)}: taskQueue ${metadata.taskQueue}, but pool ${pool} polls ${TASK_QUEUES[pool]}`);
          if (metadata.namespace !== temporalNamespace) problems.push(`${label(scaler)}: Temporal namespace ${metadata.namespace}, but the pools use ${temporalNamespace}`);
          if (!/^\d+$/.test(metadata.targetQueueSize ?? '')) problems.push(`${label(scaler)}: targetQueueSize must be an integer string`);
          const types = (metadata.queueTypes ?? '').split(',');
          if (!types.every((t) => ['workflow', 'activity', 'nexus'].includes(t))) problems.push(`${label(scaler)}: queueTypes ${metadata.queueTypes}`);
          if (pool === 'workflows' ? !types.includes('workflow') : !types.includes('activity')) problems.push(`${label(scaler)}: queueTypes ${metadata.queueTypes} misses the tasks pool ${pool} runs`);
          const fromEnv = metadata.endpointFromEnv;
          if (!metadata.endpoint && !fromEnv) problems.push(`${label(scaler)}: no endpoint or endpointFromEnv`);
          if (fromEnv && container && !containerEnv(items, container)[fromEnv]) problems.push(`${label(scaler)}: endpointFromEnv ${fromEnv} is not in ${name}'s environment`);
        }
      }
      const known = new Set(['ants-api', ...POOL_NAMES.map((p) => `ants-worker-${p}`)]);
      for (const d of items.filter((r) => r.object.kind === 'Deployment' && !known.has(r.object.metadata.name))) problems.push(`${label(d)}: not a pool or the API`);
      expect(problems).toEqual([]);
    });

    it(`${variant}: gives every process only settings ANTS knows, with values its configuration accepts`, async () => {
      const items = rendered(variant);
      const known = new Set([...Object.keys(configSchema.shape), ...AZURE_SDK_ENV]);
      const problems: string[] = [];
      for (const cm of items.filter((r) => r.object.kind === 'ConfigMap')) {
        for (const key of Object.keys((cm.object.data ?? {}) as Json)) {
          if (!known.has(key)) problems.push(`${label(cm)}: ${key} is not in infra/config.ts's configSchema`);
        }
      }
      for (const workload of workloads(items)) {
        for (const container of podTemplate(workload).spec.containers) {
          for (const { name } of container.env ?? []) if (!known.has(name)) problems.push(`${label(workload)}: ${container.name} sets ${name}, which no settings schema declares`);
          const env = containerEnv(items, container);
          try {
            loadConfig(env);
          } catch (error) {
            problems.push(`${label(workload)}: ${container.name}: ${error instanceof Error ? error.message : String(error)}`);
          }
        }
      }
      // The NetApp checkpoint store reads snapshots through its mount: some pool must mount what the setting names.
      const mountPath = configData(items).ANTS_NETAPP_MOUNT_PATH;
      if (mountPath) {
        const mounted = workloads(items).some((w) => podTemplate(w).spec.containers.some((c) => ((c as { volumeMounts?: { mountPath: string }[] }).volumeMounts ?? []).some((m) => m.mountPath === mountPath)));
        if (!mounted) problems.push(`${variant}: ANTS_NETAPP_MOUNT_PATH ${mountPath} is mounted by no pool`);
      }
      expect(problems).toEqual([]);
    });
  }

  it('probes the API on the health route it serves, on the port it listens on', () => {
    for (const [variant, items] of renderedVariants()) {
      const api = find(items, 'Deployment', 'ants-api');
      const service = find(items, 'Service', 'ants-api');
      expect(api && service, `${variant}: Deployment and Service ants-api`).toBeTruthy();
      const [container] = podTemplate(api as Rendered).spec.containers;
      expect(container?.command?.at(-1), `${label(api as Rendered)}: entry point`).toBe('api/main.ts');
      const http = container?.ports?.find((p) => p.name === 'http');
      expect(http?.containerPort, `${label(api as Rendered)}: containerPort vs ANTS_API_PORT`).toBe(Number(configData(items).ANTS_API_PORT));
      expect(configData(items).ANTS_API_HOST, `${variant}: the API must listen beyond loopback`).toBe('0.0.0.0');
      expect(container?.readinessProbe?.httpGet?.path, `${label(api as Rendered)}: readiness probe`).toBe(ROUTES.health.url);
      expect(container?.livenessProbe, `${label(api as Rendered)}: liveness probe`).toBeDefined();
      const ports = (service?.object.spec as { ports: { targetPort: string | number }[] }).ports;
      expect(ports.map((p) => p.targetPort), `${label(service as Rendered)}: targetPort`).toEqual(['http']);
    }
  });

  it('runs every pod under the restricted Pod Security profile, with requests and limits', () => {
    const problems: string[] = [];
    for (const [, items] of renderedVariants()) {
      for (const workload of workloads(items)) {
        const spec = podTemplate(workload).spec;
        const pod = (spec.securityContext ?? {}) as { runAsNonRoot?: boolean; runAsUser?: number; seccompProfile?: { type: string } };
        // The image's user is named (node), which the kubelet cannot check for non-root: the UID must be numeric.
        if (pod.runAsNonRoot !== true || !(typeof pod.runAsUser === 'number' && pod.runAsUser > 0)) problems.push(`${label(workload)}: runAsNonRoot with a numeric non-zero runAsUser`);
        if (pod.seccompProfile?.type !== 'RuntimeDefault') problems.push(`${label(workload)}: seccompProfile RuntimeDefault`);
        for (const c of spec.containers) {
          if (c.securityContext?.allowPrivilegeEscalation !== false) problems.push(`${label(workload)}: ${c.name}: allowPrivilegeEscalation false`);
          if (!c.securityContext?.capabilities?.drop?.includes('ALL')) problems.push(`${label(workload)}: ${c.name}: drop ALL capabilities`);
          if (!c.resources?.requests?.cpu || !c.resources.requests.memory || !c.resources.limits?.memory) problems.push(`${label(workload)}: ${c.name}: cpu/memory requests and a memory limit`);
          if (c.image !== undefined && c.image.split('/').at(-1)?.split(':')[0] !== 'ants') problems.push(`${label(workload)}: ${c.name}: runs ${c.image}, not the ANTS image`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('locks the tools pool down: no token, no cloud identity, read-only root, no capabilities, egress limited', () => {
    for (const [variant, items] of renderedVariants()) {
      const tools = find(items, 'Deployment', 'ants-worker-tools') as Rendered;
      const { metadata, spec } = podTemplate(tools);
      const [container] = spec.containers;
      const where = `${variant}: ${label(tools)}`;
      expect(spec.automountServiceAccountToken, `${where}: automountServiceAccountToken`).toBe(false);
      expect(spec.serviceAccountName, `${where}: must not use the workload identity's service account`).not.toBe('ants');
      expect(metadata?.labels?.['azure.workload.identity/use'], `${where}: workload identity label`).toBeUndefined();
      expect(container?.securityContext?.readOnlyRootFilesystem, `${where}: readOnlyRootFilesystem`).toBe(true);
      expect(container?.securityContext?.capabilities?.drop, `${where}: capabilities`).toEqual(['ALL']);

      const policies = items.filter((r) => {
        if (r.object.kind !== 'NetworkPolicy') return false;
        const selector = (r.object.spec as { podSelector: { matchLabels?: Record<string, string> } }).podSelector.matchLabels ?? {};
        return Object.entries(selector).every(([k, v]) => metadata?.labels?.[k] === v);
      });
      expect(policies.length, `${where}: a NetworkPolicy selecting the tools pods`).toBe(1);
      const policy = (policies[0] as Rendered).object.spec as { policyTypes: string[]; ingress?: unknown[]; egress: { to?: { ipBlock?: { cidr: string; except?: string[] } }[]; ports?: { port: number }[] }[] };
      expect(policy.policyTypes.sort(), `${where}: policy types`).toEqual(['Egress', 'Ingress']);
      expect(policy.ingress ?? [], `${where}: accepts no connections`).toEqual([]);
      for (const rule of policy.egress) {
        expect(rule.ports?.length, `${where}: every egress rule names its ports`).toBeGreaterThan(0);
        for (const peer of rule.to ?? []) {
          // Open-ended egress must never reach the node's metadata endpoint, where cloud credentials live.
          if (peer.ipBlock?.cidr === '0.0.0.0/0') expect(peer.ipBlock.except ?? [], `${where}: 0.0.0.0/0 must except link-local`).toContain('169.254.0.0/16');
        }
      }
      expect(policy.egress.some((r) => r.ports?.some((p) => p.port === 5432)), `${where}: PostgreSQL (the tool registry)`).toBe(true);
      expect(policy.egress.some((r) => r.ports?.some((p) => p.port === 7233)), `${where}: Temporal`).toBe(true);
    }
  });

  it('lets every Azure-facing pod use the workload identity, and nothing else does', () => {
    for (const [variant, items] of renderedVariants()) {
      for (const workload of workloads(items)) {
        const { metadata, spec } = podTemplate(workload);
        const uses = metadata?.labels?.['azure.workload.identity/use'] === 'true';
        expect(uses, `${variant}: ${label(workload)}: the workload identity label goes with service account ants`).toBe(spec.serviceAccountName === 'ants' && workload.object.kind === 'Deployment');
      }
      const account = find(items, 'ServiceAccount', 'ants') as Rendered;
      expect(account.object.metadata.annotations?.['azure.workload.identity/client-id'], `${label(account)}: client id`).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }
  });

  it('azure overlay: selects the Azure profile and Azure OpenAI embeddings', () => {
    const data = configData(rendered('azure'));
    expect(data.ANTS_PROFILE).toBe('azure');
    expect(data.ANTS_EMBEDDING_PROVIDER).toBe('azure-openai');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Terraform

interface Block {
  file: string;
  type: string;
  name: string;
  body: Json;
}

interface TfFile {
  file: string;
  text: string;
  json: Json;
}

function model(tfFiles: TfFile[]) {
  const resources: Block[] = [];
  const data: Block[] = [];
  const variables = new Map<string, { file: string; body: Json }>();
  const outputs = new Map<string, { file: string; body: Json }>();
  const locals = new Set<string>();
  const duplicates: string[] = [];
  for (const { file, json } of tfFiles) {
    for (const [kind, into] of [['resource', resources], ['data', data]] as const) {
      for (const [type, byName] of Object.entries((json[kind] ?? {}) as Record<string, Record<string, Json[]>>)) {
        for (const [name, [body]] of Object.entries(byName)) {
          if (into.some((b) => b.type === type && b.name === name)) duplicates.push(`${file}: ${kind} ${type}.${name} declared twice`);
          into.push({ file, type, name, body: body ?? {} });
        }
      }
    }
    for (const [kind, into] of [['variable', variables], ['output', outputs]] as const) {
      for (const [name, [body]] of Object.entries((json[kind] ?? {}) as Record<string, Json[]>)) {
        if (into.has(name)) duplicates.push(`${file}: ${kind} ${name} declared twice`);
        into.set(name, { file, body: body ?? {} });
      }
    }
    for (const block of (json.locals ?? []) as Json[]) for (const name of Object.keys(block)) locals.add(name);
  }
  return { resources, data, variables, outputs, locals, duplicates };
}

// Parsed in the suite's beforeAll: a file that does not parse fails the Terraform tests, naming it, and nothing else.
let tfFiles: TfFile[] = [];
let terraform: ReturnType<typeof model>;

/** Every string of a parsed file with the block path it sits at; hcl2json writes expressions as "${…}" strings. */
function strings(node: unknown, path = ''): { path: string; text: string }[] {
  if (typeof node === 'string') return [{ path, text: node }];
  if (Array.isArray(node)) return node.flatMap((item, i) => strings(item, `${path}[${i}]`));
  if (isMap(node)) return Object.entries(node).flatMap(([key, value]) => strings(value, path ? `${path}.${key}` : key));
  return [];
}
const expressions = (node: unknown) => strings(node).filter(({ text }) => text.includes('${'));
const literals = (node: unknown) => strings(node).filter(({ text }) => !text.includes('${'));

const resourceNamed = (type: string, name: string) => terraform.resources.find((r) => r.type === type && r.name === name);
const resourceOfType = (type: string) => terraform.resources.filter((r) => r.type === type);

describe('Terraform (infra/terraform)', () => {
  beforeAll(async () => {
    const files = readdirSync(TF).filter((f) => f.endsWith('.tf')).sort();
    tfFiles = await Promise.all(
      files.map(async (f) => {
        const text = readFileSync(join(TF, f), 'utf8');
        return { file: join(TF, f), text, json: await parseHcl(f, text) };
      }),
    );
    terraform = model(tfFiles);
  });

  it('gives every placeholder of the azure overlay from an output Terraform declares', () => {
    const overlayFiles = readdirSync(VARIANTS.azure).map((f) => join(VARIANTS.azure, f));
    const named = overlayFiles.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/from Terraform: ([a-z0-9_]+)(?:\.[a-z0-9_]+)?/g)].map((m) => ({ file, output: m[1] as string })));
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter(({ output }) => !terraform.outputs.has(output)).map(({ file, output }) => `${file}: ${output} is not an output of ${TF}`)).toEqual([]);
  });

  it('declares each block once, in canonically formatted files', () => {
    expect(terraform.duplicates).toEqual([]);
    const problems: string[] = [];
    for (const { file, text } of tfFiles) {
      const lines = text.split('\n');
      if (!text.endsWith('\n') || text.endsWith('\n\n')) problems.push(`${file}: must end with exactly one newline`);
      // `terraform fmt`'s rules that can be checked without it: two-space indents, no tabs or trailing blanks, and
      // `=` aligned within a run of consecutive one-line attributes at the same depth.
      let run: { indent: number; column: number; line: number }[] = [];
      const flush = () => {
        if (new Set(run.map((r) => r.column)).size > 1) problems.push(`${file}:${run[0]?.line}: '=' not aligned across lines ${run[0]?.line}-${run.at(-1)?.line}`);
        run = [];
      };
      lines.forEach((line, i) => {
        if (/\t/.test(line) || / +$/.test(line)) problems.push(`${file}:${i + 1}: tab or trailing space`);
        const indent = line.length - line.trimStart().length;
        if (indent % 2 !== 0) problems.push(`${file}:${i + 1}: odd indentation`);
        const attribute = /^(\s*)[A-Za-z_][\w-]*(\s*)=\s/.exec(line);
        const oneLine = attribute && !/[[{(]\s*$/.test(line) && !line.trimStart().startsWith('#');
        if (!oneLine || (run.length && run[0]?.indent !== indent)) flush();
        if (oneLine) run.push({ indent, column: line.indexOf('='), line: i + 1 });
      });
      flush();
    }
    expect(problems).toEqual([]);
  });

  it('declares every variable it uses, uses every variable it declares, and describes each', () => {
    const used = new Set<string>();
    const problems: string[] = [];
    for (const { file, json } of tfFiles) {
      for (const { path, text } of expressions(json)) {
        for (const [, name] of text.matchAll(/(?<![\w.])var\.([A-Za-z_][\w-]*)/g)) {
          used.add(name as string);
          if (!terraform.variables.has(name as string)) problems.push(`${file}: ${path} uses var.${name}, which variables.tf does not declare`);
        }
        for (const [, name] of text.matchAll(/(?<![\w.])local\.([A-Za-z_][\w-]*)/g)) {
          if (!terraform.locals.has(name as string)) problems.push(`${file}: ${path} uses local.${name}, which no locals block declares`);
        }
      }
    }
    for (const [name, { file, body }] of terraform.variables) {
      if (file !== join(TF, 'variables.tf')) problems.push(`${file}: variable ${name} belongs in variables.tf`);
      if (!used.has(name)) problems.push(`${file}: variable ${name} is never used`);
      if (typeof body.description !== 'string' || !body.description) problems.push(`${file}: variable ${name} has no description`);
    }
    expect(problems).toEqual([]);
  });

  it('refers only to resources and data sources it declares', () => {
    const providers = Object.keys(((tfFiles.flatMap((f) => (f.json.terraform ?? []) as Json[])[0]?.required_providers as Json[] | undefined)?.[0] ?? {}) as Json);
    expect(providers).toContain('azurerm');
    const resourceRef = new RegExp(`(?<![\\w.])((?:${providers.join('|')})_[a-z0-9_]+)\\.([A-Za-z_][\\w-]*)`, 'g');
    const problems: string[] = [];
    for (const { file, json } of tfFiles) {
      for (const { path, text } of expressions(json)) {
        for (const [ref, type, name] of text.matchAll(resourceRef)) {
          if (!resourceNamed(type as string, name as string)) problems.push(`${file}: ${path} refers to ${ref}, which is not declared`);
        }
        for (const [ref, type, name] of text.matchAll(/(?<![\w.])data\.([a-z0-9_]+)\.([A-Za-z_][\w-]*)/g)) {
          if (!terraform.data.some((d) => d.type === type && d.name === name)) problems.push(`${file}: ${path} refers to ${ref}, which is not declared`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('describes every output', () => {
    expect(terraform.outputs.size).toBeGreaterThan(0);
    const undescribed = [...terraform.outputs].filter(([, { body }]) => typeof body.description !== 'string' || !body.description).map(([name, { file }]) => `${file}: output ${name}`);
    expect(undescribed).toEqual([]);
  });

  it('pins Terraform >= 1.6 and azurerm 4.x', () => {
    const settings = tfFiles.flatMap((f) => (f.json.terraform ?? []) as Json[]);
    expect(settings).toHaveLength(1);
    expect(settings[0]?.required_version).toBe('>= 1.6');
    const azurerm = ((settings[0]?.required_providers as Json[])[0] as Record<string, { source: string; version: string }>).azurerm;
    expect(azurerm?.source).toBe('hashicorp/azurerm');
    expect(azurerm?.version).toMatch(/^~> 4\./);
  });

  it('messaging: 32 pheromone partitions, a consumer group per tenant, ants-tasks with sessions and three deliveries, alerts', async () => {
    const hubs = resourceOfType('azurerm_eventhub').filter((r) => r.body.name === 'ants-pheromones');
    expect(hubs.length, 'azurerm_eventhub named ants-pheromones').toBe(1);
    expect(hubs[0]?.body.partition_count, `${hubs[0]?.file}: partition_count`).toBe(32);
    // Workers rebuild their trails from the hub: it must keep events as long as the longest trail lives.
    expect(Number(hubs[0]?.body.message_retention) * 24 * 3_600_000, `${hubs[0]?.file}: message_retention`).toBeGreaterThanOrEqual(MAX_TTL_MS);
    // Consumer groups per tenant, for notices and for the cache, named as the Event Hubs adapter names them.
    const groups = resourceOfType('azurerm_eventhub_consumer_group');
    expect(groups.length, 'one consumer group resource, for_each over the tenants').toBe(1);
    expect(String(groups[0]?.body.eventhub_name)).toContain(`azurerm_eventhub.${hubs[0]?.name}.name`);
    const naming = JSON.stringify(tfFiles.find((f) => f.file === groups[0]?.file)?.json.locals ?? []);
    for (const part of ['var.tenants', 'ants-${tenant}', '-cache', 'ants.field', 'ants.field-cache']) expect(naming, `${groups[0]?.file}: consumer group naming`).toContain(part);
    // The group name rule is the adapter's, character for character, so the names it picks exist.
    const rule = /const GROUP_NAME = \/(.+)\/;/.exec(readFileSync('activities/swarm/event-hubs/consumer-groups.ts', 'utf8'))?.[1];
    expect(rule, 'the adapter\'s GROUP_NAME rule').toBeDefined();
    expect(naming, 'the adapter\'s GROUP_NAME rule').toContain(JSON.stringify(rule).slice(1, -1));

    const queues = Object.fromEntries(resourceOfType('azurerm_servicebus_queue').map((q) => [String(q.body.name), q]));
    // The queues the Service Bus adapter names are exactly the ones Terraform creates.
    const named: string[] = Object.values(SERVICE_BUS_QUEUES);
    const ingress: readonly string[] = INGRESS_QUEUES;
    expect(Object.keys(queues).sort()).toEqual([...named].sort());
    for (const name of ingress) expect(queues[name]?.body.requires_session, `${queues[name]?.file}: ${name} requires_session`).toBe(true);
    for (const [name, queue] of Object.entries(queues)) if (!ingress.includes(name)) expect(queue.body.requires_session ?? false, `${queue.file}: ${name} is read without sessions`).toBe(false);
    const tasks = queues['ants-tasks'] as Block;
    expect(tasks.body.requires_session, `${tasks.file}: ants-tasks requires_session`).toBe(true);
    expect(tasks.body.max_delivery_count, `${tasks.file}: ants-tasks max_delivery_count`).toBe(3);
    expect(tasks.body.dead_lettering_on_message_expiration, `${tasks.file}: ants-tasks dead-lettering on expiration`).toBe(true);
    expect(tasks.body.lock_duration && tasks.body.default_message_ttl, `${tasks.file}: ants-tasks lock duration and TTL`).toBeTruthy();
    const sku = terraform.variables.get('servicebus_sku')?.body.default;
    expect(['Standard', 'Premium'], 'sessions need a Standard or Premium namespace').toContain(sku);

    const alerts = resourceOfType('azurerm_monitor_metric_alert').map((a) => ((a.body.criteria as Json[])[0] as Json).metric_name);
    expect(alerts.sort()).toEqual(['ActiveMessages', 'DeadletteredMessages']);
  });

  it('state and identity: Cosmos container by /tenant, pgvector, AKS workload identity + KEDA, roles for the pods', async () => {
    // The Cosmos adapter keeps agents, awards and slots in one container (an award and its slot are one
    // transactional batch); the pods' data-plane role cannot create containers, so Terraform must create that one.
    const containers = resourceOfType('azurerm_cosmosdb_sql_container');
    expect(containers.map((c) => c.body.name)).toEqual([DEFAULT_SWARM_CONTAINER]);
    for (const c of containers) expect(c.body.partition_key_paths, `${c.file}: ${c.type}.${c.name}`).toEqual(['/tenant']);
    expect(((resourceOfType('azurerm_cosmosdb_account')[0]?.body.consistency_policy as Json[])[0] as Json).consistency_level).toBe('Session');

    const extensions = resourceOfType('azurerm_postgresql_flexible_server_configuration').find((c) => c.body.name === 'azure.extensions');
    expect(String(extensions?.body.value).split(',')).toContain('VECTOR');

    const aks = resourceOfType('azurerm_kubernetes_cluster')[0]?.body ?? {};
    expect([aks.oidc_issuer_enabled, aks.workload_identity_enabled]).toEqual([true, true]);
    expect(((aks.workload_autoscaler_profile as Json[])[0] as Json).keda_enabled).toBe(true);

    const deployments = resourceOfType('azurerm_cognitive_deployment').map((d) => String(((d.body.model as Json[])[0] as Json).name));
    const models = deployments.map((ref) => String((terraform.variables.get(/var\.(\w+)\.name/.exec(ref)?.[1] ?? '')?.body.default as Json | undefined)?.name));
    expect(models.sort()).toEqual(['gpt-4o-mini', 'text-embedding-3-small']);
    expect(resourceOfType('azurerm_cognitive_account')[0]?.body.kind).toBe('OpenAI');

    // The federated credential must name the namespace and service account the Kubernetes manifests create.
    const credential = resourceOfType('azurerm_federated_identity_credential')[0]?.body ?? {};
    const subject = String(credential.subject).replace(/\$\{var\.(\w+)\}/g, (_, name: string) => String(terraform.variables.get(name)?.body.default));
    const account = find(rendered('azure'), 'ServiceAccount', 'ants')?.object;
    expect(subject).toBe(`system:serviceaccount:${account?.metadata.namespace}:${account?.metadata.name}`);

    const roles = new Set(tfFiles.flatMap((f) => literals(f.json)).filter(({ path }) => path.endsWith('.role')).map(({ text }) => text));
    for (const role of ['Azure Event Hubs Data Sender', 'Azure Event Hubs Data Receiver', 'Azure Service Bus Data Sender', 'Azure Service Bus Data Receiver', 'Cognitive Services OpenAI User', 'Storage Blob Data Contributor']) {
      expect(roles, role).toContain(role);
    }
    const cosmosRole = resourceOfType('azurerm_cosmosdb_sql_role_assignment')[0]?.body.role_definition_id;
    expect(String(cosmosRole)).toMatch(/sqlRoleDefinitions\/00000000-0000-0000-0000-000000000002$/);

    const replica = resourceOfType('azurerm_netapp_volume').filter((v) => Array.isArray(v.body.data_protection_replication));
    expect(replica.length, 'a replicated NetApp volume').toBe(1);
    expect(resourceOfType('azurerm_netapp_volume').filter((v) => Array.isArray(v.body.data_protection_snapshot_policy)).length, 'a snapshot policy on the source volume').toBe(1);
  });

  it('commits no secret, and the example tfvars sets only declared variables', async () => {
    const problems: string[] = [];
    const secretLike = /(password|secret|_key|token)$/i;
    for (const { file, json } of tfFiles) {
      for (const { path } of literals(json)) if (secretLike.test(path.replace(/\[\d+\]/g, ''))) problems.push(`${file}: ${path} is a literal credential`);
    }
    for (const [name, { file, body }] of terraform.variables) if (secretLike.test(name) && body.default !== undefined) problems.push(`${file}: variable ${name} has a default`);
    const example = join(TF, 'terraform.tfvars.example');
    const values = await parseHcl('terraform.tfvars.example', readFileSync(example, 'utf8'));
    for (const name of Object.keys(values)) {
      if (!terraform.variables.has(name)) problems.push(`${example}: ${name} is not a variable`);
      if (/password|secret|key|token/i.test(name)) problems.push(`${example}: ${name} looks like a secret`);
    }
    expect(problems).toEqual([]);
  });
});
