import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

/**
 * Renders a kustomization the way `kubectl kustomize` does, for the subset of kustomize the manifests in
 * infra/k8s use: resources (files and directories), namespace, labels (metadata only), images, and patches
 * (strategic merge of maps, RFC 6902 JSON patches). No kustomize binary runs in CI, and anything outside that
 * subset is refused rather than ignored, so what this renders is what a cluster would get.
 */
export type K8sObject = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
};

export interface Rendered {
  object: K8sObject;
  /** The file the object came from, relative to the working directory (for messages). */
  source: string;
}

interface PatchRef {
  path: string;
  target?: { kind?: string; name?: string };
}

interface Kustomization {
  apiVersion?: string;
  kind?: string;
  resources?: string[];
  namespace?: string;
  labels?: { pairs: Record<string, string>; includeSelectors?: boolean; includeTemplates?: boolean }[];
  images?: { name: string; newName?: string; newTag?: string; digest?: string }[];
  patches?: PatchRef[];
}

interface JsonPatchOp {
  op: 'add' | 'remove' | 'replace' | 'test';
  path: string;
  value?: unknown;
}

const SUPPORTED_KEYS = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'labels', 'images', 'patches']);
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PersistentVolume', 'StorageClass', 'PriorityClass']);

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses YAML as Kubernetes does: YAML 1.1, so `0440` is an octal file mode, not the decimal 440. */
export function parseK8sYaml(text: string, file: string): unknown[] {
  return parseAllDocuments(text, { version: '1.1' }).flatMap((doc) => {
    if (doc.errors.length) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value: unknown = doc.toJS();
    return value === null || value === undefined ? [] : [value];
  });
}

function readKustomization(dir: string): Kustomization {
  const file = join(dir, 'kustomization.yaml');
  if (!existsSync(file)) throw new Error(`${dir}: no kustomization.yaml`);
  const [doc] = parseK8sYaml(readFileSync(file, 'utf8'), file);
  if (!isMap(doc)) throw new Error(`${file}: not a mapping`);
  const unsupported = Object.keys(doc).filter((key) => !SUPPORTED_KEYS.has(key));
  if (unsupported.length) throw new Error(`${file}: ${unsupported.join(', ')} not supported by this renderer`);
  for (const label of (doc.labels as Kustomization['labels']) ?? []) {
    if (label.includeSelectors || label.includeTemplates) throw new Error(`${file}: labels with includeSelectors/includeTemplates not supported by this renderer`);
  }
  return doc as Kustomization;
}

function asObject(value: unknown, source: string): K8sObject {
  if (!isMap(value) || typeof value.apiVersion !== 'string' || typeof value.kind !== 'string' || !isMap(value.metadata) || typeof value.metadata.name !== 'string') {
    throw new Error(`${source}: every document must be a Kubernetes object with apiVersion, kind and metadata.name`);
  }
  return value as K8sObject;
}

function strategicMerge(target: Json, patch: Json, where: string): Json {
  const merged: Json = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else if (Array.isArray(value)) throw new Error(`${where}.${key}: list merges are not supported by this renderer; use a JSON 6902 patch`);
    else if (isMap(value) && isMap(merged[key])) merged[key] = strategicMerge(merged[key], value, `${where}.${key}`);
    else merged[key] = value;
  }
  return merged;
}

function pointer(path: string): string[] {
  if (!path.startsWith('/')) throw new Error(`JSON pointer ${path} must start with /`);
  return path.slice(1).split('/').map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function applyJsonPatch(doc: Json, ops: JsonPatchOp[], where: string): Json {
  const root = structuredClone(doc);
  for (const op of ops) {
    const parts = pointer(op.path);
    const last = parts.pop() ?? '';
    let parent: unknown = root;
    for (const part of parts) {
      parent = Array.isArray(parent) ? parent[Number(part)] : isMap(parent) ? parent[part] : undefined;
      if (parent === undefined) throw new Error(`${where}: ${op.op} ${op.path}: no such path`);
    }
    const container = parent as Json | unknown[];
    const index = Array.isArray(container) ? (last === '-' ? container.length : Number(last)) : -1;
    const current = Array.isArray(container) ? container[index] : container[last];
    switch (op.op) {
      case 'test':
        if (JSON.stringify(current) !== JSON.stringify(op.value)) throw new Error(`${where}: test ${op.path} expected ${JSON.stringify(op.value)}, found ${JSON.stringify(current)}`);
        break;
      case 'remove':
      case 'replace':
        if (current === undefined) throw new Error(`${where}: ${op.op} ${op.path}: no such path`);
        if (Array.isArray(container)) container.splice(index, 1, ...(op.op === 'replace' ? [op.value] : []));
        else if (op.op === 'replace') container[last] = op.value;
        else delete container[last];
        break;
      case 'add':
        if (Array.isArray(container)) container.splice(index, 0, op.value);
        else container[last] = op.value;
        break;
      default:
        throw new Error(`${where}: JSON patch op ${(op as { op: string }).op} not supported by this renderer`);
    }
  }
  return root;
}

function matches(object: K8sObject, target: PatchRef['target'] | undefined, patch?: K8sObject): boolean {
  const kind = target?.kind ?? patch?.kind;
  const name = target?.name ?? patch?.metadata.name;
  return (!kind || object.kind === kind) && (!name || object.metadata.name === name);
}

/** Pod specs of the workload kinds used here, whose containers the images transformer rewrites. */
function podSpecs(object: K8sObject): Json[] {
  const spec = object.spec;
  if (!isMap(spec)) return [];
  if (object.kind === 'Pod') return [spec];
  if (object.kind === 'CronJob') {
    const jobSpec = isMap(spec.jobTemplate) && isMap(spec.jobTemplate.spec) ? spec.jobTemplate.spec : undefined;
    return jobSpec && isMap(jobSpec.template) && isMap(jobSpec.template.spec) ? [jobSpec.template.spec] : [];
  }
  return isMap(spec.template) && isMap(spec.template.spec) ? [spec.template.spec] : [];
}

function splitImage(image: string): { name: string; tag?: string; digest?: string } {
  const [withoutDigest = '', digest] = image.split('@');
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > slash ? { name: withoutDigest.slice(0, colon), tag: withoutDigest.slice(colon + 1), digest } : { name: withoutDigest, digest };
}

function setImages(object: K8sObject, images: NonNullable<Kustomization['images']>): void {
  for (const podSpec of podSpecs(object)) {
    for (const key of ['initContainers', 'containers']) {
      for (const container of (podSpec[key] as Json[] | undefined) ?? []) {
        if (typeof container.image !== 'string') continue;
        const current = splitImage(container.image);
        const rule = images.find((image) => image.name === current.name);
        if (!rule) continue;
        const name = rule.newName ?? current.name;
        if (rule.digest) container.image = `${name}@${rule.digest}`;
        else if (rule.newTag !== undefined) container.image = `${name}:${rule.newTag}`;
        else container.image = `${name}${current.tag ? `:${current.tag}` : ''}${current.digest ? `@${current.digest}` : ''}`;
      }
    }
  }
}

/** The objects `kubectl kustomize <dir>` would print, each with the file it came from. */
export function renderKustomization(dir: string): Rendered[] {
  const base = resolve(dir);
  const kustomization = readKustomization(base);
  let rendered: Rendered[] = [];
  for (const entry of kustomization.resources ?? []) {
    const path = resolve(base, entry);
    if (statSync(path).isDirectory()) {
      rendered.push(...renderKustomization(path));
      continue;
    }
    const source = relative(process.cwd(), path);
    rendered.push(...parseK8sYaml(readFileSync(path, 'utf8'), source).map((doc) => ({ object: asObject(structuredClone(doc), source), source })));
  }

  for (const ref of kustomization.patches ?? []) {
    const file = resolve(base, ref.path);
    const where = relative(process.cwd(), file);
    const [patch] = parseK8sYaml(readFileSync(file, 'utf8'), where);
    if (Array.isArray(patch)) {
      if (!ref.target?.kind || !ref.target.name) throw new Error(`${where}: a JSON 6902 patch needs a target kind and name`);
      const hits = rendered.filter((r) => matches(r.object, ref.target));
      if (!hits.length) throw new Error(`${where}: no ${ref.target.kind}/${ref.target.name} to patch`);
      for (const hit of hits) hit.object = asObject(applyJsonPatch(hit.object, patch as JsonPatchOp[], where), hit.source);
    } else {
      const smp = asObject(patch, where);
      const hits = rendered.filter((r) => matches(r.object, ref.target, smp));
      if (!hits.length) throw new Error(`${where}: no ${smp.kind}/${smp.metadata.name} to patch`);
      for (const hit of hits) hit.object = asObject(strategicMerge(hit.object, smp, `${where}: ${smp.kind}/${smp.metadata.name}`), hit.source);
    }
  }

  rendered = rendered.map(({ object, source }) => {
    const next = structuredClone(object);
    if (kustomization.namespace && !CLUSTER_SCOPED.has(next.kind)) next.metadata.namespace = kustomization.namespace;
    for (const { pairs } of kustomization.labels ?? []) next.metadata.labels = { ...next.metadata.labels, ...pairs };
    if (kustomization.images) setImages(next, kustomization.images);
    return { object: next, source };
  });

  const seen = new Set<string>();
  for (const { object, source } of rendered) {
    const id = `${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
    if (seen.has(id)) throw new Error(`${source}: ${object.kind}/${object.metadata.name} is declared twice`);
    seen.add(id);
  }
  return rendered;
}

/** For a look at the result: `npx tsx scripts/deploy/render-kustomize.ts infra/k8s/overlays/azure`. */
if (process.argv[1] && resolve(process.argv[1]) === resolve(dirname(new URL(import.meta.url).pathname), 'render-kustomize.ts')) {
  const target = process.argv[2];
  if (!target) throw new Error('usage: render-kustomize.ts <kustomization directory>');
  process.stdout.write(JSON.stringify(renderKustomization(target).map((r) => r.object), null, 2) + '\n');
}
