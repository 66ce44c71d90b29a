/**
 * `npm run policy -- --stack <s> --plan <file.json> [--format json]`: the pack, with the stack's policy config,
 * over a plan document in the `--format json` shape. The review behind issue 17 fed the pack resources that should
 * fail and all passed; here each of them, added to the real prod plan, produces its violation through the CLI.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { allPolicies } from "../policies/all";
import { planDocument } from "../plan/render";
import type { Violation } from "../plan/render";
import { plan } from "./harness";
import { requestCli } from "./planService/client";
import { CASES, DocResource } from "./reviewCases";

const ROOT = path.resolve(__dirname, "..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-cli-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** `npm run policy -- <args>`, run by the plan service's planner (the same `main` as scripts/run.js, output captured). */
function cli(...args: string[]) {
    return requestCli(["policy", ...args]);
}

function write(name: string, doc: unknown): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, typeof doc === "string" ? doc : JSON.stringify(doc));
    return file;
}

let prodDoc: { resources: DocResource[] };

beforeAll(async () => {
    prodDoc = planDocument(await plan("prod")) as unknown as { resources: DocResource[] };
});

describe("npm run policy over the prod plan", () => {
    test("as planned: exit 0, no violation", async () => {
        const run = await cli("--stack", "prod", "--plan", write("prod.json", prodDoc), "--format", "json");
        expect(run.stderr).toBe("");
        expect(run.status).toBe(0);
        expect(JSON.parse(run.stdout)).toEqual({ violations: [] });
    });

    test("each of the review's cases produces its violation (exit 1), in JSON and in text", async () => {
        const file = write("review.json", { ...prodDoc, resources: [...prodDoc.resources, ...CASES.map(([, r]) => r)] });
        const run = await cli("--stack", "prod", "--plan", file, "--format", "json");
        expect(run.stderr).toBe("");
        expect(run.status).toBe(1);
        const { violations } = JSON.parse(run.stdout) as { violations: Violation[] };
        const missing = CASES.filter(([, r, policy]) => !violations.some((v) => v.urn === r.urn && v.policy === policy)).map(([name, , policy]) => `${name}: ${policy}`);
        expect(missing).toEqual([]);
        for (const v of violations) expect(Object.keys(v)).toEqual(["policy", "level", "urn", "message"]);
        // Every one at prod's level.
        const levels = Object.fromEntries(CASES.map(([name, r, policy]) => [name, violations.find((v) => v.urn === r.urn && v.policy === policy)?.level]));
        expect(Object.entries(levels).filter(([, level]) => level !== "mandatory")).toEqual([]);

        const text = await cli("--stack", "prod", "--plan", file);
        expect(text.status).toBe(1);
        expect(text.stdout).toMatch(new RegExp(`^Policies: ${allPolicies.length} evaluated, \\d+ violation\\(s\\)\\n  mandatory \\(\\d+\\):\\n`));
        expect(text.stdout).toContain(`[iam-managed-policy-allow-list] ${CASES[10][1].urn}`);
    });

    test("an edited plan: the same document with the cluster's endpoint opened", async () => {
        const edited = structuredClone(prodDoc);
        const cluster = edited.resources.find((r) => r.type === "eks:index:Cluster") as DocResource;
        Object.assign(cluster.inputs, { endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/1", "128.0.0.0/1"] });
        const run = await cli("--stack", "prod", "--plan", write("edited.json", edited), "--format", "json");
        expect(run.status).toBe(1);
        const { violations } = JSON.parse(run.stdout) as { violations: Violation[] };
        expect(violations.filter((v) => v.level === "mandatory").map((v) => [v.policy, v.urn])).toEqual([
            ["eks-endpoint-not-open", cluster.urn],
            ["eks-endpoint-private-prod", cluster.urn],
        ]);
    });

    test("the stack's policy config decides the level: the same cases are advisory in dev (exit 0)", async () => {
        const file = write("review-dev.json", { resources: CASES.map(([, r]) => r) });
        const run = await cli("--stack", "dev", "--plan", file, "--format", "json");
        expect(run.status).toBe(0);
        const { violations } = JSON.parse(run.stdout) as { violations: Violation[] };
        expect(new Set(violations.map((v) => v.level))).toEqual(new Set(["advisory"]));
    });
});

describe("bad input: exit 2, one line", () => {
    test.each([
        ["a file that is not JSON", () => ["--stack", "prod", "--plan", write("broken.json", "{ resources: ")], /^.*broken\.json is not valid JSON \(.*\)\n$/],
        ["a document without resources", () => ["--stack", "prod", "--plan", write("empty.json", { stack: "prod" })], /^.*empty\.json: resources must be an array of resources\n$/],
        [
            "resources of the wrong shape, every problem at once",
            () => ["--stack", "prod", "--plan", write("shape.json", { resources: [{ type: "x" }, { urn: "urn:pulumi:prod::p::kubernetes:core/v1:Pod::p", inputs: [] }, "nope"] })],
            /^.*shape\.json: resources\[0\]\.urn must be a non-empty string; resources\[1\]\.inputs must be an object; resources\[2\] must be an object\n$/,
        ],
        ["a missing file", () => ["--stack", "prod", "--plan", path.join(dir, "absent.json")], /^cannot read plan document .*absent\.json: ENOENT\n$/],
        ["a stack without policy config", () => ["--stack", "qa", "--plan", write("qa.json", { resources: [] })], /^no policy config for stack 'qa' \(policies\/config has dev, prod, stage\)\n$/],
        ["no --plan", () => ["--stack", "prod"], /^--plan is required \(a plan document in the --format json shape, or - for stdin\) \(npm run policy -- --help\)\n$/],
        ["an unknown format", () => ["--stack", "prod", "--plan", "x.json", "--format", "yaml"], /^--format must be one of text, json, got "yaml" \(npm run policy -- --help\)\n$/],
        ["an unknown flag", () => ["--stack", "prod", "--plan", "x.json", "--policy"], /^unknown flag --policy \(npm run policy -- --help\)\n$/],
    ])("%s", async (_name, args, message) => {
        const run = await cli(...args());
        expect(run.stdout).toBe("");
        expect(run.stderr).toMatch(message);
        expect(run.status).toBe(2);
    });

    test("--help prints the usage and exits 0; --flag=value works like --flag value", async () => {
        const help = await cli("--help");
        expect(help.status).toBe(0);
        expect(help.stdout).toContain("usage: npm run policy -- --stack <stack> --plan <file.json|-> [--format text|json]");
        const run = await cli("--stack=prod", `--plan=${write("none.json", { resources: [] })}`, "--format=json");
        expect(run.stderr).toBe("");
        expect(run.status).toBe(0);
        expect(JSON.parse(run.stdout)).toEqual({ violations: [] });
    });

    test("a document whose resources name only a URN is enough (type and name come from it); stdin works", async () => {
        // A real process: the document comes through its standard input.
        const urn = "urn:pulumi:prod::eks-platform::kubernetes:core/v1:Service::np";
        const run = spawnSync(process.execPath, [path.join(ROOT, "scripts/run.js"), "policy", "--stack", "prod", "--plan", "-", "--format", "json"], {
            cwd: ROOT,
            encoding: "utf8",
            input: JSON.stringify({ resources: [{ urn, inputs: { metadata: { name: "np", namespace: "apps" }, spec: { type: "NodePort" } } }] }),
        });
        expect(run.stderr).toBe("");
        expect(run.status).toBe(1);
        expect((JSON.parse(run.stdout) as { violations: Violation[] }).violations.filter((v) => v.policy === "no-loadbalancer-services")).toEqual([
            { policy: "no-loadbalancer-services", level: "mandatory", urn, message: "Service apps/np is of type NodePort: expose it through an HTTPRoute on the shared Gateway instead." },
        ]);
    });
});
