// Validates Kubernetes objects against their upstream schemas with the kubernetes-models validators.
// Those packages are ESM-only: jest's CommonJS runtime cannot load them, so the test plan service's planners import
// this module (`validateObjects`); run as a script it reads a JSON array of objects on stdin and writes the results.
// A result is {kind, name, error}: error null when valid, "no-model" when no schema is known.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

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

export async function validateObjects(objects) {
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
    return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
    process.stdout.write(JSON.stringify(await validateObjects(JSON.parse(readFileSync(0, "utf8")))));
}
