/**
 * Structural checks of the GitHub Actions workflows in `.github/workflows/` (the delivery pipeline):
 * valid YAML of the workflow shape, every job's steps, pinned actions, minimal permissions, OIDC only where
 * AWS is assumed, deploys serialized per stack and bound to the right GitHub environment, prod behind
 * `production`, no secret printed and no user input interpolated into a shell script.
 */
import { validateWorkflow } from "@action-validator/core";
import * as fs from "fs";
import * as path from "path";
import * as semver from "semver";
import { parse, parseDocument } from "yaml";

const ROOT = path.resolve(__dirname, "..");
const WORKFLOW_DIR = path.join(ROOT, ".github", "workflows");

type Json = unknown;
interface Step {
    name?: string;
    id?: string;
    uses?: string;
    run?: string;
    with?: Record<string, Json>;
    env?: Record<string, Json>;
    if?: string;
}
interface Job {
    name?: string;
    "runs-on"?: Json;
    needs?: string | string[];
    if?: string;
    environment?: string | { name: string; url?: string };
    concurrency?: string | { group: string; "cancel-in-progress"?: boolean | string };
    permissions?: Record<string, string> | string;
    env?: Record<string, Json>;
    steps?: Step[];
    strategy?: { matrix?: Record<string, Json> };
    "timeout-minutes"?: number;
}
interface Workflow {
    file: string;
    text: string;
    name?: string;
    on?: Record<string, Json>;
    permissions?: Json;
    defaults?: { run?: { shell?: string } };
    env?: Record<string, Json>;
    jobs: Record<string, Job>;
}

const STACKS = fs
    .readdirSync(ROOT)
    .map((f) => /^Pulumi\.([\w-]+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();

function load(file: string): Workflow {
    const text = fs.readFileSync(path.join(WORKFLOW_DIR, file), "utf8");
    const doc = parseDocument(text, { uniqueKeys: true });
    if (doc.errors.length) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join("; ")}`);
    if (doc.warnings.length) throw new Error(`${file}: ${doc.warnings.map((e) => e.message).join("; ")}`);
    return { file, text, ...(doc.toJS() as Omit<Workflow, "file" | "text">) };
}

const FILES = fs.readdirSync(WORKFLOW_DIR).filter((f) => /\.ya?ml$/.test(f)).sort();
const WORKFLOWS = FILES.map(load);
const byFile = (file: string): Workflow => {
    const wf = WORKFLOWS.find((w) => w.file === file);
    if (!wf) throw new Error(`no workflow ${file}`);
    return wf;
};
const allJobs = (): [Workflow, string, Job][] =>
    WORKFLOWS.flatMap((wf) => Object.entries(wf.jobs).map(([id, job]): [Workflow, string, Job] => [wf, id, job]));

const steps = (job: Job): Step[] => job.steps ?? [];
const runs = (job: Job): string[] => steps(job).flatMap((s) => (typeof s.run === "string" ? [s.run] : []));
const usesAction = (job: Job, action: string): Step[] => steps(job).filter((s) => s.uses?.split("@")[0] === action);
const CONFIGURE_AWS = "aws-actions/configure-aws-credentials";
const PULUMI_ACTION = "pulumi/actions";

/** Jobs that change a stack: a `pulumi up` in a script or through the Pulumi action. */
function isDeployJob(job: Job): boolean {
    return (
        // `npm run switch` (without --dry-run) runs `pulumi up` through the Automation API.
        runs(job).some((r) => /\bpulumi up\b/.test(r) || (/\bnpm run --silent switch\b|\bnpm run switch\b/.test(r) && !r.includes("--dry-run"))) ||
        usesAction(job, PULUMI_ACTION).some((s) => ["up", "update", "destroy", "refresh"].includes(String(s.with?.command)))
    );
}

// ---------------------------------------------------------------------------------------------------------
// Checks as functions, so that each is also tested against a violating sample below.
// ---------------------------------------------------------------------------------------------------------

/** A remote action pinned to a full commit SHA, or a local action. */
const PINNED = /^(\.\/[\w./-]+|[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40})$/;
const VERSION_COMMENT = /^v\d+\.\d+\.\d+$/;

interface UsesLine {
    ref: string;
    comment?: string;
    line: number;
}

/** Every `uses:` line of a workflow's text with its trailing comment (comments are lost when parsed). */
function usesLines(text: string): UsesLine[] {
    const out: UsesLine[] = [];
    text.split("\n").forEach((line, i) => {
        const m = /^\s*(?:-\s+)?uses:\s*["']?([^\s"'#]+)["']?\s*(?:#\s*(\S+))?/.exec(line);
        if (m) out.push({ ref: m[1], comment: m[2], line: i + 1 });
    });
    return out;
}

/** Lines of a script that print a secret: `echo`/`printf` (or a heredoc to stdout) with `${{ secrets.* }}`. */
function secretPrints(script: string): string[] {
    return script
        .split("\n")
        .filter((line) => /\$\{\{\s*secrets\./.test(line) && /\b(echo|printf|cat|tee|print)\b/.test(line));
}

/**
 * Expressions in a script whose value an outsider or a dispatcher chooses: interpolated into the script
 * they are shell injection. They belong in `env:` and are read as "$VAR".
 */
function injectableExpressions(script: string): string[] {
    return (script.match(/\$\{\{[^}]*\}\}/g) ?? []).filter((e) =>
        /\b(inputs\.|github\.event\.|github\.head_ref|steps\.[\w-]+\.outputs\.|needs\.[\w-]+\.outputs\.)/.test(e),
    );
}

/** The GitHub environment a job gets for a stack; `fromJSON('{...}')[inputs.stack]` is evaluated. */
function environmentFor(job: Job, stack: string): string | undefined {
    const env = typeof job.environment === "object" ? job.environment.name : job.environment;
    if (env === undefined) return undefined;
    const mapped = /^\$\{\{\s*fromJSON\('(\{.*\})'\)\[inputs\.stack\]\s*\}\}$/.exec(env);
    if (mapped) return (JSON.parse(mapped[1]) as Record<string, string>)[stack];
    if (env.includes("${{")) throw new Error(`environment expression not understood by this test: ${env}`);
    return env;
}

/** The stacks a deploy job can act on: its literal `STACK`, or every option of the `stack` input. */
function stacksOf(wf: Workflow, job: Job): string[] {
    const stack = String(job.env?.STACK ?? "");
    if (/^\$\{\{\s*inputs\.stack\s*\}\}$/.test(stack)) {
        const input = (wf.on?.workflow_dispatch as { inputs?: Record<string, { options?: string[] }> } | undefined)?.inputs?.stack;
        return input?.options ?? [];
    }
    return stack ? [stack] : [];
}

/**
 * The repository variable naming the runner a job gets for a stack: `${{ vars.X }}`, or the switch's
 * `${{ inputs.stack == 'prod' && vars.A || vars.B }}` (or the same over `matrix.stack`), evaluated.
 */
function runnerVariableFor(job: Job, stack: string): string {
    const runsOn = String(job["runs-on"]);
    const plain = /^\$\{\{\s*vars\.(\w+)\s*\}\}$/.exec(runsOn);
    if (plain) return plain[1];
    const choice = /^\$\{\{\s*(?:inputs|matrix)\.stack == '(\w+)' && vars\.(\w+) \|\| vars\.(\w+)\s*\}\}$/.exec(runsOn);
    if (choice) return stack === choice[1] ? choice[2] : choice[3];
    throw new Error(`runs-on expression not understood by this test: ${runsOn}`);
}

const concurrencyOf = (job: Job): { group: string; cancel: unknown } | undefined =>
    typeof job.concurrency === "string"
        ? { group: job.concurrency, cancel: undefined }
        : job.concurrency && { group: job.concurrency.group, cancel: job.concurrency["cancel-in-progress"] };

// ---------------------------------------------------------------------------------------------------------

describe("the checks themselves", () => {
    test("pinning: a full SHA passes, tags and branches do not", () => {
        expect(PINNED.test("actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1")).toBe(true);
        expect(PINNED.test("./.github/actions/local")).toBe(true);
        for (const bad of ["actions/checkout@v4", "actions/checkout@main", "actions/checkout@v7.0.1", "actions/checkout", "docker://alpine:3"]) {
            expect(PINNED.test(bad)).toBe(false);
        }
        expect(usesLines("      - uses: a/b@0123456789012345678901234567890123456789 # v1.2.3\n")).toEqual([
            { ref: "a/b@0123456789012345678901234567890123456789", comment: "v1.2.3", line: 1 },
        ]);
    });

    test("a printed secret is flagged, a secret passed through env is not", () => {
        expect(secretPrints('echo "token ${{ secrets.PULUMI_ACCESS_TOKEN }}"')).toHaveLength(1);
        expect(secretPrints("printf '%s' ${{secrets.X}} > f")).toHaveLength(1);
        expect(secretPrints('curl -H "Authorization: $TOKEN" https://example.com\necho done')).toEqual([]);
    });

    test("inputs and step outputs interpolated into a script are flagged", () => {
        expect(injectableExpressions('pulumi config set activeColor ${{ inputs.color }}')).toHaveLength(1);
        expect(injectableExpressions('echo "${{ github.event.pull_request.title }}"')).toHaveLength(1);
        expect(injectableExpressions('echo "${{ steps.colors.outputs.target }}"')).toHaveLength(1);
        expect(injectableExpressions('pulumi config set activeColor "$COLOR" # ${{ runner.os }}')).toEqual([]);
    });

    test("the environment map of a dispatch job is evaluated per stack", () => {
        const job: Job = { environment: `\${{ fromJSON('{"dev":"dev","prod":"production"}')[inputs.stack] }}` };
        expect(environmentFor(job, "prod")).toBe("production");
        expect(environmentFor(job, "dev")).toBe("dev");
        expect(environmentFor({ environment: { name: "production" } }, "prod")).toBe("production");
    });
});

describe("workflow files", () => {
    test("the three workflows of the delivery pipeline exist", () => {
        expect(FILES).toEqual(["drift.yml", "main.yml", "pr.yml", "switch.yml"]);
        expect(STACKS).toEqual(["dev", "prod", "stage"]);
    });

    test.each(FILES)("%s is a workflow: name, on, jobs; bash with pipefail; minimal top-level permissions", (file) => {
        const wf = byFile(file);
        expect(typeof wf.name).toBe("string");
        expect(wf.on && typeof wf.on).toBe("object");
        expect(Object.keys(wf.jobs ?? {}).length).toBeGreaterThan(0);
        // `shell: bash` runs scripts with -eo pipefail; the runner's implicit default has no pipefail.
        expect(wf.defaults?.run?.shell).toBe("bash");
        expect(wf.permissions).toEqual({ contents: "read" });
    });

    test.each(FILES)("%s: every job runs on a runner, has a timeout and non-empty steps of `uses` or `run`", (file) => {
        for (const [id, job] of Object.entries(byFile(file).jobs)) {
            expect([id, typeof job["runs-on"] === "string" && job["runs-on"].length > 0]).toEqual([id, true]);
            expect([id, typeof job["timeout-minutes"]]).toEqual([id, "number"]);
            expect([id, Array.isArray(job.steps) && job.steps.length > 0]).toEqual([id, true]);
            for (const [i, step] of steps(job).entries()) {
                const kinds = [typeof step.uses === "string" && step.uses !== "", typeof step.run === "string" && step.run.trim() !== ""];
                expect([id, i, kinds.filter(Boolean).length]).toEqual([id, i, 1]);
            }
        }
    });

    // The maintained schema check: SchemaStore's workflow schema, compiled to WebAssembly.
    test.each(FILES)("%s validates against the GitHub workflow JSON schema (@action-validator/core)", (file) => {
        expect(validateWorkflow(byFile(file).text).errors).toEqual([]);
    });

    test("every action is pinned to a full commit SHA with its exact version as a comment, one pin per action", () => {
        const pins = new Map<string, Set<string>>();
        for (const wf of WORKFLOWS) {
            const lines = usesLines(wf.text);
            const parsed = allJobs()
                .filter(([w]) => w === wf)
                .flatMap(([, , job]) => steps(job).flatMap((s) => (s.uses ? [s.uses] : [])));
            expect(lines.map((l) => l.ref)).toEqual(parsed);
            for (const { ref, comment, line } of lines) {
                expect([wf.file, line, ref, PINNED.test(ref)]).toEqual([wf.file, line, ref, true]);
                if (ref.startsWith("./")) continue;
                expect([wf.file, line, ref, comment && VERSION_COMMENT.test(comment)]).toEqual([wf.file, line, ref, true]);
                const [action] = ref.split("@");
                pins.set(action, (pins.get(action) ?? new Set()).add(`${ref} # ${comment}`));
            }
        }
        for (const [action, refs] of pins) expect([action, [...refs]]).toEqual([action, [[...refs][0]]]);
        expect([...pins.keys()]).toEqual(expect.arrayContaining([CONFIGURE_AWS, PULUMI_ACTION, "actions/checkout", "actions/setup-node"]));
    });

    test("the Pulumi CLI matches the SDK in package.json, and every workflow uses the same Node.js", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> };
        const nodeVersions = new Set<unknown>();
        for (const wf of WORKFLOWS) {
            const installsPulumi = allJobs().some(([w, , job]) => w === wf && usesAction(job, PULUMI_ACTION).length > 0);
            if (installsPulumi) expect([wf.file, wf.env?.PULUMI_VERSION]).toEqual([wf.file, pkg.dependencies["@pulumi/pulumi"]]);
            nodeVersions.add(wf.env?.NODE_VERSION);
            for (const [, , job] of allJobs().filter(([w]) => w === wf)) {
                for (const s of usesAction(job, PULUMI_ACTION)) expect(s.with?.["pulumi-version"]).toBe("${{ env.PULUMI_VERSION }}");
                for (const s of usesAction(job, "actions/setup-node")) expect(s.with?.["node-version"]).toBe("${{ env.NODE_VERSION }}");
            }
        }
        expect(nodeVersions.size).toBe(1);
    });

    test("the workflows' Node.js, package.json engines, the README and every locked dependency's engines agree", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { engines: { node: string } };
        const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { engines?: { node?: unknown } }> };
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        const workflowMajor = String(WORKFLOWS[0].env?.NODE_VERSION);
        // The oldest Node.js the project admits is on the workflows' major line and is named in the README.
        const oldest = semver.minVersion(pkg.engines.node)!;
        expect(String(oldest.major)).toBe(workflowMajor);
        expect(readme).toContain(`Node.js ≥ ${oldest.major}.${oldest.minor}`);
        // npm warns (EBADENGINE) about any package whose engines exclude the running Node.js: none may, from the oldest admitted on.
        const excluded = Object.entries(lock.packages)
            .filter(([, p]) => typeof p.engines?.node === "string" && !semver.satisfies(oldest, p.engines.node as string))
            .map(([name, p]) => `${name} ${String(p.engines!.node)}`);
        expect(excluded).toEqual([]);
    });
});

describe("permissions and credentials", () => {
    test("job permissions: only contents, id-token and pull-requests, each only where needed", () => {
        for (const [wf, id, job] of allJobs()) {
            const where = `${wf.file}#${id}`;
            const perms = job.permissions ?? {};
            expect([where, typeof perms]).toEqual([where, "object"]);
            const p = perms as Record<string, string>;
            expect([where, Object.keys(p).filter((k) => !["contents", "id-token", "pull-requests"].includes(k))]).toEqual([where, []]);
            if (job.permissions) expect([where, p.contents]).toEqual([where, expect.stringMatching(/^(read|write)$/)]);

            const assumesAws = usesAction(job, CONFIGURE_AWS).length > 0;
            expect([where, "id-token", p["id-token"] === "write"]).toEqual([where, "id-token", assumesAws]);

            // Only a job that proposes its stack file (a branch push and a pull request) writes.
            const proposes = runs(job).some((r) => r.includes("scripts/propose-config.sh"));
            expect([where, "contents: write", p.contents === "write"]).toEqual([where, "contents: write", proposes]);

            const comments = usesAction(job, PULUMI_ACTION).some((s) => String(s.with?.["comment-on-pr"]) === "true");
            expect([where, "pull-requests", p["pull-requests"] === "write"]).toEqual([where, "pull-requests", comments || proposes]);
        }
    });

    test("AWS access is OIDC only: a role from a repository variable, never access keys", () => {
        const steps = allJobs().flatMap(([, , job]) => usesAction(job, CONFIGURE_AWS));
        expect(steps.length).toBeGreaterThan(0);
        for (const s of steps) {
            expect(s.with?.["role-to-assume"]).toMatch(/^\$\{\{\s*vars\.[A-Z_]+\s*\}\}$/);
            expect(s.with?.["aws-region"]).toBeDefined();
            for (const key of ["aws-access-key-id", "aws-secret-access-key", "aws-session-token"]) expect(s.with?.[key]).toBeUndefined();
        }
        for (const wf of WORKFLOWS) expect([wf.file, /secrets\.AWS_|AWS_SECRET_ACCESS_KEY|AWS_ACCESS_KEY_ID/.test(wf.text)]).toEqual([wf.file, false]);
    });

    test("no script prints a secret or interpolates user-chosen values", () => {
        for (const [wf, id, job] of allJobs()) {
            for (const script of runs(job)) {
                expect([wf.file, id, secretPrints(script)]).toEqual([wf.file, id, []]);
                expect([wf.file, id, injectableExpressions(script)]).toEqual([wf.file, id, []]);
            }
        }
    });

    test("no checkout keeps Git credentials; the write token is in the proposing step only; no install scripts", () => {
        for (const [wf, id, job] of allJobs()) {
            for (const c of usesAction(job, "actions/checkout")) expect([wf.file, id, c.with?.["persist-credentials"]]).toEqual([wf.file, id, false]);
            for (const step of steps(job)) {
                const usesToken = JSON.stringify(step.env ?? {}).includes("github.token") || JSON.stringify(step.env ?? {}).includes("app-token.outputs.token");
                const proposes = typeof step.run === "string" && step.run.includes("scripts/propose-config.sh");
                expect([wf.file, id, step.name ?? step.uses ?? step.run, usesToken]).toEqual([wf.file, id, step.name ?? step.uses ?? step.run, proposes]);
                // Dependencies' install scripts never run where a token or cloud credentials could be reached.
                if (typeof step.run === "string" && /\bnpm (ci|install)\b/.test(step.run)) expect([wf.file, id, step.run]).toEqual([wf.file, id, "npm ci --ignore-scripts"]);
            }
            // Config reaches main only through a pull request: nothing pushes to main.
            expect([wf.file, id, runs(job).some((r) => /git push[^\n]*\bmain\b/.test(r))]).toEqual([wf.file, id, false]);
        }
        const propose = fs.readFileSync(path.join(ROOT, "scripts", "propose-config.sh"), "utf8");
        expect(propose).toContain('push -q origin "HEAD:refs/heads/$branch"');
        expect(propose).toContain("gh pr create --base main");
        expect(propose).toContain("gh pr merge --auto --squash");
    });
});

describe("deploys", () => {
    const deploys = allJobs().filter(([, , job]) => isDeployJob(job));

    test("every deploy job names its stack, and there is one per stack in main.yml plus the switch", () => {
        expect(deploys.map(([wf, id]) => `${wf.file}#${id}`).sort()).toEqual([
            "main.yml#deploy-dev",
            "main.yml#deploy-prod",
            "main.yml#deploy-stage",
            "switch.yml#switch",
        ]);
        for (const [wf, , job] of deploys) expect(stacksOf(wf, job).sort()).toEqual(expect.arrayContaining([expect.any(String)]));
        expect(deploys.flatMap(([wf, , job]) => (wf.file === "main.yml" ? stacksOf(wf, job) : [])).sort()).toEqual(STACKS);
        expect(stacksOf(byFile("switch.yml"), byFile("switch.yml").jobs.switch).sort()).toEqual(STACKS);
    });

    test("prod deploys and the prod switch run in the `production` environment; dev and stage do not", () => {
        for (const [wf, id, job] of deploys) {
            for (const stack of stacksOf(wf, job)) {
                const env = environmentFor(job, stack);
                if (stack === "prod") expect([wf.file, id, env]).toEqual([wf.file, id, "production"]);
                else expect([wf.file, id, stack, env]).toEqual([wf.file, id, stack, stack]);
            }
        }
    });

    test("one concurrency group per stack, shared by all workflows, never cancelling a running update", () => {
        for (const [wf, id, job] of deploys) {
            const c = concurrencyOf(job);
            const stack = String(job.env?.STACK);
            expect([wf.file, id, c?.group]).toEqual([wf.file, id, stack.startsWith("${{") ? "pulumi-${{ inputs.stack }}" : `pulumi-${stack}`]);
            expect([wf.file, id, c?.cancel === true || c?.cancel === "true"]).toEqual([wf.file, id, false]);
        }
    });

    test("jobs that reach a cluster's API run where it is reachable: prod inside its network, never a GitHub-hosted runner", () => {
        // prod's endpoint is private (its stack file names the networks that get 443): only a self-hosted runner in
        // one of them reaches it. dev and stage accept their publicAccessCidrs only, which GitHub's pool is not in.
        const preview = byFile("pr.yml").jobs.preview;
        const jobs: [string, Job, string[]][] = [
            ...deploys.map(([wf, id, job]): [string, Job, string[]] => [`${wf.file}#${id}`, job, stacksOf(wf, job)]),
            ["pr.yml#preview", preview, (preview.strategy?.matrix?.stack as string[]) ?? []],
        ];
        for (const [id, job, stacks] of jobs) {
            expect([id, String(job["runs-on"]).includes("ubuntu")]).toEqual([id, false]);
            for (const stack of stacks) {
                expect([id, stack, runnerVariableFor(job, stack)]).toEqual([id, stack, stack === "prod" ? "PROD_DEPLOY_RUNNER" : "DEPLOY_RUNNER"]);
            }
        }
        const prodEndpoint = (parse(fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8")) as { config: Record<string, any> }).config["eks-platform:clusterEndpoint"];
        expect(prodEndpoint.publicAccess).toBe(false);
        expect(prodEndpoint.privateAccessCidrs.length).toBeGreaterThan(0);
    });

    test("each deploy verifies its artifacts, checks the stack offline, runs `pulumi up` with the policy pack, then proposes its config", () => {
        for (const [wf, id, job] of deploys.filter(([w]) => w.file === "main.yml")) {
            const scripts = runs(job);
            const at = (re: RegExp): number => scripts.findIndex((r) => re.test(r));
            const artifacts = at(/npm run artifacts -- --stack "\$STACK"/);
            const up = at(/pulumi up --stack "\$STACK" --yes/);
            const propose = at(/scripts\/propose-config\.sh "\$STACK"/);
            expect([wf.file, id, artifacts >= 0, up > artifacts, propose > up]).toEqual([wf.file, id, true, true, true]);
            expect(scripts[up]).toContain('--policy-pack policies --policy-pack-config "policies/config/$STACK.json"');
            if (id !== "deploy-prod") expect([id, at(/npm run plan -- --stack "\$STACK" --policy/) >= 0 && at(/npm run plan -- --stack "\$STACK" --policy/) < up]).toEqual([id, true]);
        }
    });

    test("main.yml: tests, validated inputs, dev and stage automatically, a saved plan of prod, then prod after approval", () => {
        const wf = byFile("main.yml");
        const { jobs } = wf;
        expect(wf.on).toHaveProperty("push.branches", ["main"]);
        // Application repositories announce images; the platform repository builds none.
        expect(wf.on).toHaveProperty("repository_dispatch.types", ["deploy-image"]);
        expect(Object.keys((wf.on?.workflow_dispatch as { inputs: object }).inputs).sort()).toEqual(["digest", "service", "tag"]);
        expect(Object.keys(jobs).sort()).toEqual(["deploy-dev", "deploy-prod", "deploy-stage", "inputs", "plan-prod", "test"]);
        expect(allJobs().flatMap(([, , job]) => usesAction(job, "docker/build-push-action"))).toEqual([]);
        expect(jobs.inputs.needs).toBe("test");
        expect(runs(jobs.inputs)).toContain('node scripts/delivery-inputs.js deploy >> "$GITHUB_OUTPUT"');
        expect(jobs["deploy-dev"].needs).toBe("inputs");
        expect(jobs["deploy-stage"].needs).toEqual(["inputs", "deploy-dev"]);
        expect(jobs["plan-prod"].needs).toEqual(["inputs", "deploy-stage"]);
        expect(jobs["deploy-prod"].needs).toEqual(["inputs", "plan-prod"]);
        expect(jobs["deploy-stage"].steps).toEqual(jobs["deploy-dev"].steps);
        // Images go to the inactive color by digest, never by tag.
        const deploy = runs(jobs["deploy-dev"]).join("\n");
        expect(deploy).toContain('node scripts/inactive-color.js "$STACK" "$SERVICE" --tag "$DIGEST"');
        expect(deploy).toContain('pulumi config set --stack "$STACK" --path --type string -- "services[$INDEX].image.$COLOR" "$DIGEST"');
        expect(deploy).toContain('--image-ids "imageDigest=$DIGEST"');
        // Before the approval: a read-only environment previews prod, saves the plan and shows it to the approver.
        const plan = jobs["plan-prod"];
        expect(plan.environment).toBe("production-plan");
        expect(plan.permissions).toEqual({ contents: "read", "id-token": "write" });
        const preview = runs(plan).find((r) => r.includes("pulumi preview"));
        expect(preview).toContain("--save-plan prod.plan.json");
        expect(preview).toContain('>> "$GITHUB_STEP_SUMMARY"');
        expect(usesAction(plan, "actions/upload-artifact")[0]?.with?.path).toBe("prod.plan.json\nPulumi.prod.yaml\n");
        // After it: exactly that plan (`up --plan` is experimental in the CLI, so the variable is set on that step).
        const prod = jobs["deploy-prod"];
        expect(prod.environment).toBe("production");
        expect(usesAction(prod, "actions/download-artifact")[0]?.with?.name).toBe(usesAction(plan, "actions/upload-artifact")[0]?.with?.name);
        const up = steps(prod).find((s) => s.run?.includes("pulumi up"));
        expect(up?.run).toContain("--plan prod.plan.json");
        expect(up?.env?.PULUMI_EXPERIMENTAL).toBe("true");
    });

    test("switch.yml: dispatched with stack, service and color; validated, then only the guarded switch moves traffic", () => {
        const wf = byFile("switch.yml");
        const inputs = (wf.on?.workflow_dispatch as { inputs: Record<string, { type: string; options?: string[]; required?: boolean }> }).inputs;
        expect(Object.keys(inputs).sort()).toEqual(["color", "service", "stack"]);
        expect(inputs.stack).toMatchObject({ type: "choice", required: true });
        expect([...(inputs.stack.options ?? [])].sort()).toEqual(STACKS);
        expect(inputs.color).toMatchObject({ type: "choice", options: ["blue", "green"], required: true });
        expect(inputs.service.required).toBe(true);
        const job = wf.jobs.switch;
        const scripts = runs(job);
        const script = scripts.join("\n");
        const at = (re: RegExp): number => scripts.findIndex((r) => re.test(r));
        // Inputs are validated before any credential is taken.
        const validate = at(/node scripts\/delivery-inputs\.js switch/);
        const credentials = steps(job).findIndex((s) => s.uses?.startsWith(CONFIGURE_AWS));
        expect(validate >= 0 && steps(job).findIndex((s) => s.run?.includes("delivery-inputs.js")) < credentials).toBe(true);
        // The dry run (URNs and checks) goes to the job summary first, then the guarded switch writes its report there.
        expect(script).toContain('npm run --silent switch -- --stack "$STACK" --service "$SERVICE" --to "$COLOR" --dry-run');
        expect(script).toContain('npm run --silent switch -- --stack "$STACK" --service "$SERVICE" --to "$COLOR" --report "$GITHUB_STEP_SUMMARY"');
        const dryRun = at(/--dry-run/);
        const guarded = at(/--report "\$GITHUB_STEP_SUMMARY"/);
        const propose = at(/scripts\/propose-config\.sh "\$STACK"/);
        expect([dryRun >= 0, guarded > dryRun, propose > guarded]).toEqual([true, true, true]);
        expect(usesAction(job, "actions/checkout")[0]?.with?.ref).toBe("main");
        // Nothing else sets colors or runs an untargeted update (the switch's own update carries the policy pack).
        expect(script).not.toMatch(/pulumi config set|pulumi up/);
        // The stack file is proposed whatever the outcome (a rollback included), so Git holds the final color.
        expect(steps(job).find((s) => s.name === "commit the stack config")?.if).toBe("always() && steps.switch.outcome != 'skipped'");
    });
});

describe("pull requests", () => {
    const wf = byFile("pr.yml");

    test("tests and the offline plan with policies of every stack, without credentials", () => {
        expect(wf.on).toHaveProperty("pull_request");
        const test = wf.jobs.test;
        const scripts = runs(test);
        expect(scripts.slice(0, 2)).toEqual(["npm ci --ignore-scripts", "npm test"]);
        for (const stack of STACKS) expect(scripts).toContain(`npm run plan -- --stack ${stack} --policy`);
        expect(test.permissions).toBeUndefined();
        expect(usesAction(test, CONFIGURE_AWS)).toEqual([]);
    });

    test("where a preview role is configured, `pulumi preview` of dev only with its policy config, commented on the PR", () => {
        const preview = wf.jobs.preview;
        expect(preview.if).toContain("vars.AWS_PREVIEW_ROLE_ARN != ''");
        // Pull requests from forks get no OIDC token and must not run on the deploy runner.
        expect(preview.if).toContain("github.event.pull_request.head.repo.full_name == github.repository");
        // A server-side dry run needs the write access it simulates (admin here): the preview role is a deployer of dev
        // only, so pull request code never holds admin on stage or prod.
        expect(preview.strategy?.matrix?.stack).toEqual(["dev"]);
        const deployers = (stack: string) =>
            (parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, { principalArn: string }[]> }).config[
                "eks-platform:deployers"
            ].map((d) => d.principalArn.split("/").pop());
        expect(deployers("dev")).toContain("eks-platform-dev-preview");
        for (const stack of ["stage", "prod"]) expect([stack, deployers(stack).some((d) => d?.endsWith("-preview"))]).toEqual([stack, false]);
        const [step] = usesAction(preview, PULUMI_ACTION);
        expect(step.with).toMatchObject({
            command: "preview",
            "stack-name": "${{ matrix.stack }}",
            policyPacks: "policies",
            policyPackConfigs: "policies/config/${{ matrix.stack }}.json",
            "comment-on-pr": true,
        });
        expect(usesAction(preview, CONFIGURE_AWS)[0].with?.["role-to-assume"]).toBe("${{ vars.AWS_PREVIEW_ROLE_ARN }}");
    });
});

describe("drift, ownership and updates", () => {
    test("drift.yml: every day, each stack compared with the cloud, read-only, failing with the drift in the summary", () => {
        const wf = byFile("drift.yml");
        expect(wf.on).toHaveProperty("schedule", [{ cron: "17 21 * * *" }]);
        const job = wf.jobs.drift;
        const include = (job.strategy?.matrix?.include as { stack: string; environment: string }[]).map((m) => [m.stack, m.environment]);
        expect(include).toEqual([
            ["dev", "dev-plan"],
            ["stage", "stage-plan"],
            ["prod", "production-plan"],
        ]);
        const compare = runs(job).find((r) => r.includes("pulumi preview"));
        expect(compare).toContain('pulumi preview --stack "$STACK" --refresh --expect-no-changes');
        expect(compare).toContain('"$GITHUB_STEP_SUMMARY"');
        expect(compare).toContain("exit 1");
        expect(job.permissions).toEqual({ contents: "read", "id-token": "write" });
    });

    test("CODEOWNERS guards delivery, policies, bootstrap and prod's stack file", () => {
        const owners = fs
            .readFileSync(path.join(ROOT, ".github", "CODEOWNERS"), "utf8")
            .split("\n")
            .filter((l) => l.trim() && !l.startsWith("#"))
            .map((l) => l.split(/\s+/)[0]);
        expect(owners).toEqual(["/.github/", "/policies/", "/bootstrap/", "/Pulumi.prod.yaml", "/artifacts.lock.json"]);
    });

    test("Dependabot keeps the action pins and npm versions current", () => {
        const config = parse(fs.readFileSync(path.join(ROOT, ".github", "dependabot.yml"), "utf8")) as { version: number; updates: { "package-ecosystem": string; directory: string }[] };
        expect(config.version).toBe(2);
        expect(config.updates.map((u) => `${u["package-ecosystem"]}:${u.directory}`)).toEqual(["github-actions:/", "npm:/", "npm:/policies"]);
    });
});

describe("notifications (scripts/notify.js)", () => {
    const notify = (job: Job, event: string): Step[] => steps(job).filter((s) => typeof s.run === "string" && s.run.includes(`node scripts/notify.js ${event} `));
    const webhooksFromSecrets = (s: Step) => {
        expect(s.env?.SLACK_WEBHOOK_URL).toBe("${{ secrets.SLACK_WEBHOOK_URL }}");
        expect(s.env?.TEAMS_WEBHOOK_URL).toBe("${{ secrets.TEAMS_WEBHOOK_URL }}");
    };

    test("main.yml: once prod's plan is saved (deploy-prod then waits for approval), the channel hears it", () => {
        const { jobs } = byFile("main.yml");
        const plan = jobs["plan-prod"];
        const [step] = notify(plan, "approval");
        expect(step.run).toContain("--stack prod");
        expect(step.if).toBeUndefined();
        // The last step: the plan the approvers review is already in the run's summary.
        expect(steps(plan)[steps(plan).length - 1]).toBe(step);
        expect(jobs["deploy-prod"].needs).toContain("plan-prod");
        webhooksFromSecrets(step);
    });

    test("main.yml: every deploy job posts when it fails", () => {
        for (const stack of ["dev", "stage", "prod"]) {
            const [step] = notify(byFile("main.yml").jobs[`deploy-${stack}`], "deploy-failed");
            expect(step.if).toBe("failure()");
            expect(step.run).toContain('--stack "$STACK"');
            webhooksFromSecrets(step);
        }
    });

    test("switch.yml: approval notice for prod only; how every guarded switch ended, with its exit code", () => {
        const wf = byFile("switch.yml");
        const [, notice] = Object.entries(wf.jobs).find(([, j]) => notify(j, "approval").length > 0)!;
        expect(notice.if).toBe("inputs.stack == 'prod'");
        expect(notice.environment).toBeUndefined();
        webhooksFromSecrets(notify(notice, "approval")[0]);
        const job = wf.jobs.switch;
        const guarded = steps(job).find((s) => s.id === "switch")!;
        // The exit code (0 switched, 1 refused, 3 rolled back, 4 rollback failed) is kept, and still fails the step.
        expect(guarded.run).toContain("|| code=$?\n");
        expect(guarded.run).toContain('echo "exit-code=$code" >> "$GITHUB_OUTPUT"');
        expect(guarded.run?.trim().endsWith('exit "$code"')).toBe(true);
        const [result] = notify(job, "switch-result");
        expect(result.if).toBe("always() && steps.switch.outcome != 'skipped'");
        expect(result.env?.EXIT_CODE).toBe("${{ steps.switch.outputs.exit-code }}");
        expect(result.run).toContain('--exit-code "${EXIT_CODE:-1}"');
        webhooksFromSecrets(result);
        // Posted after the stack file is proposed; a rollback by hand is told from the stack file's history.
        const scripts = runs(job);
        expect(scripts.indexOf(result.run!)).toBeGreaterThan(scripts.findIndex((r) => /scripts\/propose-config\.sh "\$STACK"/.test(r)));
        expect(usesAction(job, "actions/checkout")[0].with?.["fetch-depth"]).toBe(0);
    });

    test("drift.yml: a drift is posted to the channel", () => {
        const job = byFile("drift.yml").jobs.drift;
        const [step] = notify(job, "drift");
        expect(step.if).toBe("failure()");
        expect(step.run).toContain('node scripts/notify.js drift --stack "$STACK" --detail ');
        webhooksFromSecrets(step);
    });
});
