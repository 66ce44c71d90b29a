/**
 * Every Kubernetes resource type that carries a pod spec, and the containers in it.
 *
 * Workload rules must not be walked around by choosing another kind: a pod spec can arrive as a Pod, a PodTemplate,
 * a ReplicationController, a Deployment, StatefulSet, DaemonSet or ReplicaSet (apps, and the old extensions and
 * apps/v1beta* versions the SDK still has), a Job or a CronJob (batch/v1, v1beta1, v2alpha1), as the server-side
 * apply `Patch` variant of any of these, or as an item of their `List` kind. The kind is read from the Pulumi type
 * token, so every version is covered without listing SDK classes.
 *
 * A `Patch` changes an object that exists: fields it leaves out keep their live values, which the pack cannot see.
 * Checks therefore report what a patch sets to a forbidden value, never what it leaves out.
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { ObjectMetaView } from "./types";
import { orUnknown } from "./unknowns";

export type PodSpec = pulumi.Unwrap<k8s.types.input.core.v1.PodSpec>;
export type Container = pulumi.Unwrap<k8s.types.input.core.v1.Container>;
export type EphemeralContainer = pulumi.Unwrap<k8s.types.input.core.v1.EphemeralContainer>;

/** A Kubernetes Pulumi type token `kubernetes:<group>/<version>:<Kind>[Patch|List]`, parsed. */
export interface KubeType {
    /** `core` for the legacy group (`core/v1`). */
    readonly group: string;
    readonly version: string;
    /** The object kind, without the `Patch` or `List` suffix. */
    readonly kind: string;
    readonly patch: boolean;
    readonly list: boolean;
}

/** Parses a Kubernetes type token; undefined for other providers' types. */
export function parseKubeType(type: string): KubeType | undefined {
    const m = /^kubernetes:([^:]+)\/([^/:]+):([A-Za-z0-9]+)$/.exec(type);
    if (!m) return undefined;
    const [, group, version, name] = m;
    const patch = name.endsWith("Patch");
    const list = !patch && name.endsWith("List");
    const kind = patch ? name.slice(0, -"Patch".length) : list ? name.slice(0, -"List".length) : name;
    return { group, version, kind, patch, list };
}

/** Where the pod spec sits in each kind, and the API groups that serve that kind. */
const POD_SPEC_PATHS: Record<string, { readonly groups: readonly string[]; readonly path: readonly string[] }> = {
    Pod: { groups: ["core"], path: ["spec"] },
    PodTemplate: { groups: ["core"], path: ["template", "spec"] },
    ReplicationController: { groups: ["core"], path: ["spec", "template", "spec"] },
    Deployment: { groups: ["apps", "extensions"], path: ["spec", "template", "spec"] },
    StatefulSet: { groups: ["apps"], path: ["spec", "template", "spec"] },
    DaemonSet: { groups: ["apps", "extensions"], path: ["spec", "template", "spec"] },
    ReplicaSet: { groups: ["apps", "extensions"], path: ["spec", "template", "spec"] },
    Job: { groups: ["batch"], path: ["spec", "template", "spec"] },
    CronJob: { groups: ["batch"], path: ["spec", "jobTemplate", "spec", "template", "spec"] },
};

/** Kinds whose pods run to completion and never sit behind a Service. */
export const RUN_TO_COMPLETION_KINDS: readonly string[] = ["Job", "CronJob"];

/** One object with a pod spec, as the checks see it. */
export interface PodTemplateObject {
    readonly kind: string;
    readonly patch: boolean;
    readonly metadata: ObjectMetaView | undefined;
    /** Undefined when the object (a patch, typically) does not touch the pod spec. */
    readonly pod: PodSpec | undefined;
    /** The labels of the pods it makes (the pod template's, or a Pod's own). */
    readonly podLabels: Record<string, string>;
    /** `DaemonSet apps/agent` or `DeploymentPatch kube-system/coredns`, built only when a violation is reported. */
    readonly label: () => string;
}

function at(obj: unknown, path: readonly string[]): unknown {
    return path.reduce<unknown>((o, key) => (o !== null && typeof o === "object" ? (o as Record<string, unknown>)[key] : undefined), obj);
}

/** The pod-template kind of a resource type, or undefined when it carries no pod spec. */
function podTemplateType(type: string): KubeType | undefined {
    const t = parseKubeType(type);
    const spec = t && POD_SPEC_PATHS[t.kind];
    return t && spec && spec.groups.includes(t.group) ? t : undefined;
}

/**
 * The objects with a pod spec in a resource's inputs: one for a workload or its patch, one per item of a list, none
 * for any other type. `name` is the Pulumi name, shown when `metadata.name` is left to auto-naming.
 */
export function podTemplates(type: string, props: Record<string, unknown>, name: string): PodTemplateObject[] {
    const t = podTemplateType(type);
    if (!t) return [];
    const objects = t.list ? ((props.items as unknown[] | undefined) ?? []) : [props];
    return objects.map((obj, i) => {
        const metadata = at(obj, ["metadata"]) as ObjectMetaView | undefined;
        const kindLabel = `${t.kind}${t.patch ? "Patch" : ""}`;
        const fallbackName = t.list ? `${name}[${i}]` : name;
        return {
            kind: t.kind,
            patch: t.patch,
            metadata,
            pod: at(obj, POD_SPEC_PATHS[t.kind].path) as PodSpec | undefined,
            // The pod template's metadata sits next to its spec.
            podLabels: (at(obj, [...POD_SPEC_PATHS[t.kind].path.slice(0, -1), "metadata", "labels"]) ?? {}) as Record<string, string>,
            label: () =>
                `${kindLabel} ${orUnknown(() => metadata?.namespace ?? "default", "[unknown]")}/${orUnknown(() => metadata?.name ?? fallbackName, "[unknown]")}`,
        };
    });
}

export type ContainerRole = "container" | "init container" | "ephemeral container";

export interface ContainerEntry {
    readonly container: Container | EphemeralContainer;
    readonly role: ContainerRole;
    /** An init container with `restartPolicy: Always`: a native sidecar that runs, and is probed, with the pod. */
    readonly sidecar: boolean;
}

/** Every container of a pod spec: regular, init (sidecars marked) and ephemeral. */
export function containersOf(pod: PodSpec | undefined): ContainerEntry[] {
    if (!pod) return [];
    return [
        ...(pod.containers ?? []).map((container): ContainerEntry => ({ container, role: "container", sidecar: false })),
        ...(pod.initContainers ?? []).map((container): ContainerEntry => ({ container, role: "init container", sidecar: container.restartPolicy === "Always" })),
        ...(pod.ephemeralContainers ?? []).map((container): ContainerEntry => ({ container, role: "ephemeral container", sidecar: false })),
    ];
}

/** `DaemonSet apps/agent init container "setup"`. */
export function containerLabel(object: PodTemplateObject, entry: ContainerEntry): string {
    return `${object.label()} ${entry.sidecar ? "sidecar init container" : entry.role} "${entry.container.name}"`;
}
