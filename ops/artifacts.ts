/**
 * What a deploy pulls from the internet, checked against recorded sha256 sums before `pulumi up`:
 * the Gateway API and load balancer controller CRD manifests (raw files), the controller's Helm chart (a
 * tarball from its chart repository) and Karpenter's OCI charts (the manifest digest the registry serves).
 * `npm run artifacts -- --stack <s>` verifies (exit 1 on a mismatch or an unrecorded artifact);
 * `--record` writes the sums into `artifacts.lock.json`, to be reviewed and committed like code.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { controllerCrdsUrls, gatewayApiCrdsUrl, LOAD_BALANCER_CONTROLLER_CHART } from "../components/loadBalancerController";
import { KARPENTER_CHART, KARPENTER_CRD_CHART } from "../components/karpenter";
import type { VersionsConfig } from "../config";

export type Artifact =
    | { readonly kind: "file"; readonly url: string }
    | { readonly kind: "helm"; readonly repo: string; readonly chart: string; readonly version: string }
    | { readonly kind: "oci"; readonly ref: string; readonly version: string };

/** The key an artifact has in the lock file. */
export function artifactKey(a: Artifact): string {
    return a.kind === "file" ? a.url : a.kind === "helm" ? `${a.repo}#${a.chart}@${a.version}` : `${a.ref}:${a.version}`;
}

/** Everything a stack with these versions pulls. */
export function artifactsFor(versions: VersionsConfig): Artifact[] {
    const crds = controllerCrdsUrls(versions.awsLoadBalancerController);
    return [
        { kind: "file", url: gatewayApiCrdsUrl(versions.gatewayApi) },
        { kind: "file", url: crds.elbv2 },
        { kind: "file", url: crds.gateway },
        { kind: "helm", repo: LOAD_BALANCER_CONTROLLER_CHART.repo, chart: LOAD_BALANCER_CONTROLLER_CHART.chart, version: versions.awsLoadBalancerController },
        { kind: "oci", ref: KARPENTER_CHART, version: versions.karpenter },
        { kind: "oci", ref: KARPENTER_CRD_CHART, version: versions.karpenter },
    ];
}

/** `sha256:<hex>` per artifact key; null means "not recorded yet". */
export type Lock = Record<string, string | null>;

export interface Verdict {
    readonly key: string;
    readonly ok: boolean;
    readonly detail: string;
}

export function compare(artifacts: readonly Artifact[], lock: Lock, observed: Record<string, string>): Verdict[] {
    return artifacts.map((a) => {
        const key = artifactKey(a);
        const want = lock[key];
        const got = observed[key];
        if (!want) return { key, ok: false, detail: `not recorded in artifacts.lock.json (run npm run artifacts -- --stack <s> --record, review, commit); served ${got}` };
        return want === got ? { key, ok: true, detail: want } : { key, ok: false, detail: `MISMATCH: recorded ${want}, served ${got}` };
    });
}

export type Fetch = (url: string, init?: { headers?: Record<string, string> }) => Promise<{ ok: boolean; status: number; text(): Promise<string>; arrayBuffer(): Promise<ArrayBuffer>; headers: { get(name: string): string | null } }>;

function sha256(data: ArrayBuffer | string): string {
    return `sha256:${crypto.createHash("sha256").update(typeof data === "string" ? data : Buffer.from(data)).digest("hex")}`;
}

async function get(fetch: Fetch, url: string, headers?: Record<string, string>) {
    const res = await fetch(url, { headers });
    if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
    return res;
}

/** The digest an artifact has where a deploy would fetch it. */
export async function observe(a: Artifact, fetch: Fetch): Promise<string> {
    if (a.kind === "file") return sha256(await (await get(fetch, a.url)).arrayBuffer());
    if (a.kind === "helm") {
        const index = parse(await (await get(fetch, `${a.repo}/index.yaml`)).text()) as { entries: Record<string, { version: string; urls: string[] }[]> };
        const entry = index.entries[a.chart]?.find((e) => e.version === a.version);
        if (!entry) throw new Error(`${a.chart} ${a.version} is not in ${a.repo}/index.yaml`);
        const url = new URL(entry.urls[0], `${a.repo}/`).toString();
        return sha256(await (await get(fetch, url)).arrayBuffer());
    }
    // OCI: anonymous pull token, then the manifest digest the registry serves for the tag (what Helm pulls).
    const { host, pathname } = new URL(a.ref.replace(/^oci:/, "https:"));
    const repository = pathname.replace(/^\//, "");
    const token = (JSON.parse(await (await get(fetch, `https://${host}/token?scope=repository:${repository}:pull`)).text()) as { token: string }).token;
    const res = await get(fetch, `https://${host}/v2/${repository}/manifests/${a.version}`, {
        authorization: `Bearer ${token}`,
        accept: "application/vnd.oci.image.manifest.v1+json",
    });
    return res.headers.get("docker-content-digest") ?? sha256(await res.arrayBuffer());
}

export const LOCK_FILE = path.resolve(__dirname, "..", "artifacts.lock.json");

export function readLock(file = LOCK_FILE): Lock {
    return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as Lock) : {};
}
