/**
 * The offline plan as users run it: `node scripts/run.js plan ...` (what `npm run plan --` calls), checked on
 * its exit code, stdout and stderr. Each case is a fresh process on purpose, unlike the rest of the suite (which
 * shares plans through the plan service): argument parsing, exit codes and output through a pipe are what it tests.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { parseAllDocuments } from "yaml";

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
    const r = spawnSync(process.execPath, [path.resolve(__dirname, "../scripts/run.js"), "plan", ...args], {
        encoding: "utf8",
        maxBuffer: 256 * 1024 * 1024,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("npm run plan", () => {
    test("--format json prints exactly one document with the VPC, the cluster and the system node group", () => {
        const r = run("--stack", "prod", "--format", "json");
        expect(r.status).toBe(0);
        const doc = JSON.parse(r.stdout);
        expect(doc.stack).toBe("prod");
        const byType = (t: string) => doc.resources.filter((x: { type: string }) => x.type === t);
        expect(byType("awsx:ec2:Vpc")).toHaveLength(1);
        const [cluster] = byType("eks:index:Cluster");
        expect(cluster.inputs).toMatchObject({ name: "service-prod", version: "1.35", createOidcProvider: true, endpointPublicAccess: false });
        expect(cluster.parent).toMatch(/eks-platform:cluster:Cluster::cluster$/);
        // A multi-language component takes its providers by package rather than one `provider`.
        expect(cluster.providers.aws).toMatch(/pulumi:providers:aws::aws::aws-provider-id$/);
        expect(byType("aws:eks/nodeGroup:NodeGroup")[0].inputs.scalingConfig).toEqual({ desiredSize: 2, minSize: 2, maxSize: 4 });
        for (const key of ["urn", "type", "name", "parent", "provider", "custom", "inputs"]) expect(cluster).toHaveProperty(key);
        expect(doc.outputs.clusterName).toBe("service-prod");
    });

    test("the default tree nests resources under components and counts them per type", () => {
        const r = run("--stack", "dev");
        expect(r.status).toBe(0);
        expect(r.stdout).toMatch(/^pulumi:pulumi:Stack\s+eks-platform-dev$/m);
        expect(r.stdout).toMatch(/^└─ eks-platform:cluster:Cluster\s+cluster$|^├─ eks-platform:cluster:Cluster\s+cluster$/m);
        expect(r.stdout).toMatch(/^\s+1\s+eks:index:Cluster$/m);
        expect(r.stdout).toMatch(/^Resources: \d+ to create \(stack dev\)$/m);
    });

    test("--format yaml is a stream of Kubernetes objects as they would be applied", () => {
        const r = run("--stack", "dev", "--format", "yaml");
        expect(r.status).toBe(0);
        const docs = parseAllDocuments(r.stdout).map((d) => d.toJS());
        for (const d of docs) {
            expect(typeof d.apiVersion).toBe("string");
            expect(typeof d.kind).toBe("string");
            expect(typeof d.metadata.name).toBe("string");
        }
    });

    test.each([
        ["kubernetesVersion=1.20", /^Invalid stack config: 'kubernetesVersion' is "1\.20", expected one of "1\.34", "1\.35", "1\.36"$/],
        [
            'systemNodeGroup={"instanceType":"t3.medium","desiredSize":9,"minSize":2,"maxSize":4}',
            /^Invalid stack config: 'systemNodeGroup\.desiredSize' is 9, expected ≤ maxSize \(4\)$/,
        ],
    ])("--set %s exits 2 with one line naming the key", (assignment, message) => {
        const r = run("--stack", "prod", "--set", assignment);
        expect(r.status).toBe(2);
        expect(r.stdout).toBe("");
        expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
        expect(r.stderr.trimEnd()).toMatch(message);
    });

    test("an unknown stack exits 2 with the list of stacks", () => {
        const r = run("--stack", "qa");
        expect(r.status).toBe(2);
        expect(r.stderr.trim()).toBe('Unknown stack "qa"; stacks: dev, prod, stage');
    });

    test("--diff lists the resources whose inputs change, field by field", () => {
        const r = run("--stack", "prod", "--diff", "kubernetesVersion=1.36", "--format", "json");
        expect(r.status).toBe(0);
        const { changes } = JSON.parse(r.stdout);
        const cluster = changes.find((c: { type: string }) => c.type === "eks:index:Cluster");
        expect(cluster.changes).toEqual([{ path: "version", before: "1.35", after: "1.36" }]);
        expect(changes.every((c: { op: string }) => c.op === "update")).toBe(true);
    });
});
