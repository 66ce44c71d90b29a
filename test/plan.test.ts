/**
 * The offline plan as users run it: `npm run plan -- ...`, checked on its exit code, stdout and stderr. Most cases
 * run the CLI's own `main` inside a planner of the plan service (the SDK already loaded, output captured), which is
 * what `scripts/run.js` calls. Real processes are kept where the process itself is the point: the entry point's
 * exit codes, and output through a pipe (whose 64 KiB buffer a process that exits early would cut off).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import { generatedServicesConfig } from "../plan/bench";
import { requestCli } from "./planService/client";

const ROOT = path.resolve(__dirname, "..");
const RUN = path.join(ROOT, "scripts/run.js");

/** `npm run plan -- <args>` through the plan service: the CLI's `main`, its exit code and captured output. */
function run(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
    return requestCli(["plan", ...args]);
}

/** The same as a real process: `node scripts/run.js plan <args>`. */
function runProcess(...args: string[]): { status: number | null; stdout: string; stderr: string } {
    const r = spawnSync(process.execPath, [RUN, "plan", ...args], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the plan with its stdout through a real pipe (`| cat`), whose buffer holds only 64 KiB at a time. */
function throughPipe(args: string[]): { status: number | null; stdout: string; stderr: string } {
    const quoted = args.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
    // `set -o pipefail` keeps the plan's own exit code.
    const r = spawnSync("bash", ["-c", `set -o pipefail; '${process.execPath}' '${RUN}' plan ${quoted} | cat`], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A directory with this project's Pulumi.yaml and one stack file with `text`, for `--cwd`. */
function stackDir(stack: string, text: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-cli-"));
    dirs.push(dir);
    fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), text);
    return dir;
}

function expectOneLineError(r: { status: number | null; stdout: string; stderr: string }, message: RegExp): void {
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr.trimEnd()).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe("npm run plan", () => {
    test("--format json prints exactly one document with the VPC, the cluster and the system node group", async () => {
        const r = await run("--stack", "prod", "--format", "json");
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

    test("the default tree nests resources under components and counts them per type", async () => {
        const r = await run("--stack", "dev");
        expect(r.status).toBe(0);
        expect(r.stdout).toMatch(/^pulumi:pulumi:Stack\s+eks-platform-dev$/m);
        expect(r.stdout).toMatch(/^└─ eks-platform:cluster:Cluster\s+cluster$|^├─ eks-platform:cluster:Cluster\s+cluster$/m);
        expect(r.stdout).toMatch(/^\s+1\s+eks:index:Cluster$/m);
        expect(r.stdout).toMatch(/^Resources: \d+ to create \(stack dev\)$/m);
    });

    test("--format yaml is a stream of Kubernetes objects as they would be applied", async () => {
        const r = await run("--stack", "dev", "--format", "yaml");
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
    ])("--set %s exits 2 with one line naming the key", async (assignment, message) => {
        const r = await run("--stack", "prod", "--set", assignment);
        expect(r.status).toBe(2);
        expect(r.stdout).toBe("");
        expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
        expect(r.stderr.trimEnd()).toMatch(message);
    });

    test("output through a pipe is complete, for the shipped prod stack and for one with 50 services", async () => {
        const prod = throughPipe(["--stack", "prod", "--format", "json"]);
        expect(prod.status).toBe(0);
        expect(prod.stdout.length).toBeGreaterThan(65536);
        expect(JSON.parse(prod.stdout).stack).toBe("prod");

        const services = generatedServicesConfig("prod", 50)["eks-platform:services"];
        const big = throughPipe(["--stack", "prod", "--format", "json", "--set", `services=${services}`]);
        expect(big.status).toBe(0);
        const doc = JSON.parse(big.stdout);
        expect(doc.resources.filter((r: { type: string }) => r.type === "kubernetes:apps/v1:Deployment")).toHaveLength(100);
    });

    test.each([
        ["malformed --set", ["--stack", "dev", "--set", "activeColor"], /^expected key=value .*got "activeColor"$/],
        ["a path --set the CLI would refuse", ["--stack", "dev", "--set", "services[0].image[0]=x"], /^--set services\[0\]\.image\[0\]=x: services\[0\]\.image\[0\]: key for a map must be a string$/],
        ["structured key without JSON", ["--stack", "dev", "--set", "tags=team"], /^--set tags=team: tags is declared as object: give it as JSON/],
        ["a value of the wrong declared type", ["--stack", "dev", "--set", "deletionProtection=yes"], /^Stack 'dev' with configuration key 'deletionProtection' must be of type 'boolean'$/],
        ["unknown flag", ["--stack", "dev", "--verbose"], /^unknown flag --verbose \(npm run plan -- --help\)$/],
        ["bad format", ["--stack", "dev", "--format", "xml"], /^--format must be one of tree, json, yaml, got "xml"/],
        ["missing stack", ["--format", "json"], /^--stack is required/],
    ])("%s: one line, exit 2, no stack trace", async (_what, args, message) => {
        expectOneLineError(await run(...args), message);
    });

    test("a YAML syntax error in a stack file names the file, line and column: one line, exit 2", async () => {
        const dir = stackDir("broken", "config:\n  eks-platform:region: ap-northeast-2\n  eks-platform:tags: {owner: platform\n  eks-platform:activeColor: blue\n");
        expectOneLineError(await run("--stack", "broken", "--cwd", dir), /^Pulumi\.broken\.yaml:\d+:\d+: YAML syntax error: /);
    });

    test("an empty stack file is a stack without config, as for the CLI: the defaults alone are judged, with a note", async () => {
        const dir = stackDir("sandbox", "");
        const r = await run("--stack", "sandbox", "--cwd", dir, "--format", "json");
        // This project's defaults are deliberately not deployable (a private endpoint needs a source): one line, exit 2.
        expect(r.status).toBe(2);
        expect(r.stdout).toBe("");
        const [note, error, ...rest] = r.stderr.trimEnd().split("\n");
        expect(note).toBe("note: Pulumi.sandbox.yaml sets no config: every key takes its Pulumi.yaml default");
        expect(error).toMatch(/^Invalid stack config: 'clusterEndpoint\.privateAccessCidrs' is \[\], expected at least one source/);
        expect(rest).toEqual([]);
    });

    test("a key the stack file does not namespace belongs to the project: `activeColor: green` switches traffic", async () => {
        const prod = fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8");
        expect(prod).toMatch(/^ {2}eks-platform:activeColor: blue$/m);
        const dir = stackDir("prod", prod.replace(/^ {2}eks-platform:activeColor: blue$/m, "  activeColor: green"));
        const r = await run("--stack", "prod", "--cwd", dir, "--format", "json");
        expect(r.status).toBe(0);
        const route = JSON.parse(r.stdout).resources.find((x: { type: string; name: string }) => x.type.endsWith(":HTTPRoute") && x.name === "app-api-route");
        expect(route.inputs.spec.rules[0].backendRefs.map((b: { name: string; weight: number }) => [b.name, b.weight])).toEqual([
            ["app-api-blue", 0],
            ["app-api-green", 100],
        ]);
    });

    test("--help prints the usage with the exit codes and exits 0", async () => {
        const r = await run("--help");
        expect(r.status).toBe(0);
        expect(r.stdout).toMatch(/^usage: npm run plan -- --stack <stack>/m);
        expect(r.stdout).toMatch(/exit codes: 0 ok, 1 a mandatory policy violation or \(--diff\) a step pulumi would refuse, 2 bad input/);
    });

    test("--diff on a path shows exactly the one Deployment that changes", async () => {
        const r = await run("--stack", "prod", "--diff", "services[0].image.green=1.9.1", "--format", "json");
        expect(r.status).toBe(0);
        const { changes } = JSON.parse(r.stdout);
        expect(changes.map((c: { type: string; name: string; op: string }) => [c.op, c.type, c.name])).toEqual([["update", "kubernetes:apps/v1:Deployment", "app-api-green"]]);
        expect(changes[0].changes).toEqual([
            {
                path: "spec.template.spec.containers[0].image",
                before: "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/app-api:1.8.0",
                after: "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/app-api:1.9.1",
            },
        ]);
    });

    test("--diff with --format yaml prints the changed objects after the change; with --policy the pack judges the changed state", async () => {
        const yaml = await run("--stack", "prod", "--diff", "services[0].image.green=1.9.1", "--format", "yaml");
        expect(yaml.status).toBe(0);
        const docs = parseAllDocuments(yaml.stdout).map((d) => d.toJS());
        expect(docs.map((d) => [d.kind, d.metadata.name, d.spec.template.spec.containers[0].image])).toEqual([
            ["Deployment", "app-api-green", "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/app-api:1.9.1"],
        ]);
        // prod allows no HPA minimum below 2 (policies/workloads.ts): only the changed state violates it.
        const policy = await run("--stack", "prod", "--diff", "services[0].autoscaling.minReplicas=1", "--policy", "--format", "json");
        expect(policy.status).toBe(1);
        const doc = JSON.parse(policy.stdout);
        expect(doc.violations.some((v: { level: string }) => v.level === "mandatory")).toBe(true);
        expect((await run("--stack", "prod", "--policy", "--format", "json")).status).toBe(0);
    });

    test("npm start says what it is, shows the outputs like pulumi preview and names the next command", async () => {
        const r = await requestCli(["start"]);
        expect(r.status).toBe(0);
        expect(r.stdout).toMatch(/^Offline plan of stack 'dev'.*mocks/);
        expect(r.stdout).toMatch(/mocked/);
        // Outputs in name order, as pulumi preview lists them: the alarms first, then the access-log bucket and the ALB's DNS name.
        expect(r.stdout).toMatch(/^Outputs:\n {4}alarmNames +: /m);
        expect(r.stdout).toMatch(/^ {4}albAccessLogBucket +: "[^"]+"\n {4}albDnsName +: "/m);
        expect(r.stdout).toMatch(/^ {4}kubeconfig +: \[secret\]$/m);
        expect(r.stdout).toMatch(/^ {2}npm run plan -- --stack prod --diff activeColor=green/m);
        expect(r.stdout).toMatch(/^ {2}pulumi preview --stack dev$/m);
    });

    test("an unknown stack exits 2 with the list of stacks, from the entry point as from main", async () => {
        const r = await run("--stack", "qa");
        expect(r.status).toBe(2);
        expect(r.stderr.trim()).toBe('Unknown stack "qa"; stacks: dev, prod, stage');
        // The real entry point (scripts/run.js) hands main's exit code to the process.
        expect(runProcess("--stack", "qa")).toEqual({ status: 2, stdout: "", stderr: 'Unknown stack "qa"; stacks: dev, prod, stage\n' });
    });

    test("--diff lists the resources whose inputs change, field by field", async () => {
        const r = await run("--stack", "prod", "--diff", "kubernetesVersion=1.36", "--format", "json");
        expect(r.status).toBe(0);
        const { changes } = JSON.parse(r.stdout);
        const cluster = changes.find((c: { type: string }) => c.type === "eks:index:Cluster");
        expect(cluster.changes).toEqual([{ path: "version", before: "1.35", after: "1.36" }]);
        expect(changes.every((c: { op: string }) => c.op === "update")).toBe(true);
    });

    test("--diff clusterName=other marks the cluster replace, and prod's protection fails the preview (exit 1)", async () => {
        const r = await run("--stack", "prod", "--diff", "clusterName=other", "--format", "json");
        expect(r.status).toBe(1);
        const { changes } = JSON.parse(r.stdout);
        const cluster = changes.find((c: { type: string }) => c.type === "aws:eks/cluster:Cluster");
        expect(cluster).toMatchObject({ op: "replace", name: "cluster-eks-eksCluster", replaceReasons: ["name"] });
        expect(cluster.refused).toMatch(/currently marked for protection/);
        const text = await run("--stack", "prod", "--diff", "clusterName=other");
        expect(text.stdout).toMatch(/^ {2}\+- aws:eks\/cluster:Cluster cluster-eks-eksCluster \(inside cluster-eks\) \[replace: name\]$/m);
        expect(text.stdout).toMatch(/^error: \d+ step\(s\) would be refused; the preview fails$/m);
    });
});

describe("npm run plan --project", () => {
    test("bootstrap prod: the OIDC provider and a deploy role whose trust names exactly one repository and environment", async () => {
        const r = await run("--project", "bootstrap", "--stack", "prod", "--format", "json");
        expect(r.status).toBe(0);
        const doc = JSON.parse(r.stdout);
        expect(doc.project).toBe("eks-platform-bootstrap");
        const types = doc.resources.map((x: { type: string }) => x.type);
        expect(types).toContain("aws:iam/openIdConnectProvider:OpenIdConnectProvider");
        const deploy = doc.resources.find((x: { type: string; name: string }) => x.type === "aws:iam/role:Role" && x.name === "github-deploy");
        expect(JSON.parse(deploy.inputs.assumeRolePolicy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"]).toBe(
            "repo:example-org/eks-platform:environment:production",
        );
        const bad = await run("--project", "apps2", "--stack", "prod");
        expect(bad.status).toBe(2);
        expect(bad.stderr).toBe('--project must be one of bootstrap, apps, got "apps2" (npm run plan -- --help)\n');
    });
});
