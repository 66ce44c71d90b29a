// Validates Kubernetes objects against their upstream schemas with the kubernetes-models validators.
// Those packages are ESM-only, so this runs as its own Node process: JSON array of objects on stdin,
// JSON array of {kind, name, error} on stdout (error null when valid, "no-model" when no schema is known).
import { readFileSync } from "node:fs";

const packages = [
    { groups: /^(karpenter\.sh|karpenter\.k8s\.aws)$/, base: "@kubernetes-models/karpenter" },
    { groups: /^gateway\.networking\.k8s\.io$/, base: "@kubernetes-models/gateway-api" },
    { groups: /^([a-z]+|[a-z.]+\.k8s\.io)$/, base: "kubernetes-models" },
];

function modulePath(apiVersion, kind) {
    const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
    const pkg = packages.find((p) => p.groups.test(group));
    if (group && !pkg) return null;
    return group ? `${pkg.base}/${group}/${version}/${kind}` : `kubernetes-models/${version}/${kind}`;
}

const objects = JSON.parse(readFileSync(0, "utf8"));
const results = [];
for (const obj of objects) {
    const name = obj?.metadata?.name ?? "";
    let error = null;
    try {
        const path = modulePath(obj.apiVersion, obj.kind);
        if (path === null) throw Object.assign(new Error("no model"), { code: "ERR_MODULE_NOT_FOUND" });
        const mod = await import(path);
        const Model = mod[obj.kind] ?? mod.default;
        new Model(obj).validate();
    } catch (err) {
        error = err && (err.code === "ERR_MODULE_NOT_FOUND" || err.code === "ERR_PACKAGE_PATH_NOT_EXPORTED") ? "no-model" : String(err && err.message ? err.message : err);
    }
    results.push({ kind: obj.kind, name, error });
}
process.stdout.write(JSON.stringify(results));
