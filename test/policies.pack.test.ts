/**
 * The policy pack stands on its own, as `pulumi preview --policy-pack policies` loads it: `policies/package.json`
 * declares every package its files import (type-only imports included), at the versions the project installs;
 * `policies/tsconfig.json` is as strict as the project's (and `npm test` type-checks the pack with it); and the pack
 * loads in a child process that may resolve only its declared dependencies.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import { builtinModules } from "module";
import * as path from "path";
import * as ts from "typescript";
import { allPolicies } from "../policies/all";
import { DECLARED_DEPENDENCIES_ONLY } from "./crossguard";

const ROOT = path.resolve(__dirname, "..");
const PACK = path.join(ROOT, "policies");

interface Manifest {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
    scripts?: Record<string, string>;
}

const manifest = (dir: string): Manifest => JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as Manifest;
const packageName = (request: string) => (request.startsWith("@") ? request.split("/").slice(0, 2).join("/") : request.split("/")[0]);
/** ts-node and TypeScript: peer dependencies of @pulumi/pulumi that run a TypeScript pack; the pack does not import them. */
const TYPESCRIPT_RUNTIME = ["ts-node", "typescript"];

/** Every module specifier of every pack file: imports, `import type`, re-exports, `require` and `import()`. */
function packImports(): { file: string; request: string }[] {
    return fs
        .readdirSync(PACK)
        .filter((f) => f.endsWith(".ts"))
        .flatMap((file) => ts.preProcessFile(fs.readFileSync(path.join(PACK, file), "utf8"), true, true).importedFiles.map((i) => ({ file, request: i.fileName })));
}

describe("policies/package.json", () => {
    const declared = manifest(PACK).dependencies ?? {};

    test("declares every package the pack's files import, and nothing else but the TypeScript runtime", () => {
        const bare = packImports().filter(({ request }) => !request.startsWith("."));
        expect(bare.length).toBeGreaterThan(10);
        const undeclared = bare.filter(({ request }) => !(packageName(request) in declared) && !builtinModules.includes(packageName(request.replace(/^node:/, ""))));
        expect(undeclared).toEqual([]);
        const used = new Set(bare.map(({ request }) => packageName(request)));
        expect(Object.keys(declared).filter((d) => !used.has(d)).sort()).toEqual(TYPESCRIPT_RUNTIME);
    });

    test("the pack no longer reaches for @pulumi/eks (it describes the component's inputs itself)", () => {
        expect(packImports().filter(({ request }) => request.startsWith("@pulumi/eks"))).toEqual([]);
        expect("@pulumi/eks" in declared).toBe(false);
    });

    test("pins the same versions the project installs, so the pack and the program share one copy of each SDK", () => {
        const root = { ...manifest(ROOT).dependencies, ...manifest(ROOT).devDependencies };
        for (const [name, version] of Object.entries(declared)) {
            // @pulumi/policy is the pack's alone.
            if (name in root) expect(`${name}@${root[name]}`).toBe(`${name}@${version}`);
            const installed = JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`, { paths: [PACK] }), "utf8")) as { version: string };
            // @pulumi/policy writes its version with a leading v.
            expect(`${name}@${installed.version.replace(/^v/, "")}`).toBe(`${name}@${version}`);
        }
    });
});

describe("policies/tsconfig.json", () => {
    const options = (file: string) => {
        const { config, error } = ts.readConfigFile(file, ts.sys.readFile);
        expect(error).toBeUndefined();
        return (config as { compilerOptions: Record<string, unknown>; "ts-node"?: Record<string, unknown> });
    };
    const project = options(path.join(ROOT, "tsconfig.json"));
    const pack = options(path.join(PACK, "tsconfig.json"));

    test("is at least as strict as the project's: every check the project turns on, and the same module system", () => {
        const checks = Object.entries(project.compilerOptions).filter(([, v]) => v === true).map(([k]) => k);
        expect(checks).toEqual(expect.arrayContaining(["strict", "noImplicitReturns", "noUnusedLocals", "noUnusedParameters", "noFallthroughCasesInSwitch"]));
        for (const check of checks) expect(`${check}: ${String(pack.compilerOptions[check])}`).toBe(`${check}: true`);
        for (const key of ["module", "moduleResolution", "target"]) expect(pack.compilerOptions[key]).toBe(project.compilerOptions[key]);
    });

    test("the CLI's ts-node transpiles only; npm test type-checks the pack with this tsconfig (no jest or node types)", () => {
        expect(pack["ts-node"]).toEqual({ transpileOnly: true });
        expect(pack.compilerOptions.types).toEqual([]);
        expect(manifest(ROOT).scripts?.typecheck).toContain("tsc --noEmit -p policies/tsconfig.json");
        // npm test (scripts/test.js) runs the same two type checks next to jest.
        expect(manifest(ROOT).scripts?.test).toBe("node scripts/test.js");
        expect(fs.readFileSync(path.join(ROOT, "scripts", "test.js"), "utf8")).toContain('typecheckArgs(path.join("policies", "tsconfig.json"), "pack")');
        expect(fs.readFileSync(path.join(ROOT, "scripts", "test.js"), "utf8")).toContain('return ["--noEmit", "-p", project, "--incremental"');
    });
});

describe("loading the pack with its declared dependencies only", () => {
    // Real processes: the loader hook must be the only one, installed before anything else loads.
    const node = (code: string, { tsNode = true } = {}) =>
        spawnSync(process.execPath, ["-r", DECLARED_DEPENDENCIES_ONLY, ...(tsNode ? ["-r", "ts-node/register"] : []), "-e", code], {
            cwd: PACK,
            encoding: "utf8",
            env: { ...process.env, NODE_PATH: "", TS_NODE_PROJECT: path.join(PACK, "tsconfig.json") },
        });

    test("every module of the pack loads, through ts-node with the pack's tsconfig", () => {
        const modules = fs.readdirSync(PACK).filter((f) => f.endsWith(".ts") && f !== "index.ts");
        const run = node(`for (const m of ${JSON.stringify(modules)}) require("./" + m); console.log(require("./all.ts").allPolicies.length);`);
        expect(run.stderr).toBe("");
        expect(Number(run.stdout.trim())).toBeGreaterThan(30);
    });

    test("the loader refuses a package the pack does not declare (zod is the program's, hoisted next to the pack's)", () => {
        // A require issued from a file inside policies/, as a pack module importing zod would.
        const probe = `const Module = require("module"); const parent = new Module(require("path").join(process.cwd(), "probe.ts")); parent.filename = parent.id; parent.paths = Module._nodeModulePaths(process.cwd()); try { Module._load("zod", parent); console.log("loaded"); } catch (e) { console.log(e.message); }`;
        // The probe loads no TypeScript: no ts-node (which only costs a second of loading the compiler).
        const run = node(probe, { tsNode: false });
        expect(run.stdout.trim()).toBe('undeclared dependency: probe.ts requires "zod", which policies/package.json does not declare');
        // Outside the hook, zod resolves from the pack's directory: the check is what stops it, not a missing file.
        expect(require.resolve("zod", { paths: [PACK] })).toContain(`${path.sep}node_modules${path.sep}zod`);
    });
});

describe("docs/POLICIES.md", () => {
    const text = fs.readFileSync(path.join(ROOT, "docs", "POLICIES.md"), "utf8");
    const names = allPolicies.map((p) => p.name);
    /** The first column of the table rows of a section. */
    const firstColumn = (heading: string) => {
        const section = text.split(/^## /m).find((s) => s.startsWith(heading)) ?? "";
        return section
            .split("\n")
            .filter((l) => l.startsWith("| `"))
            .map((l) => l.split("|")[1].trim());
    };

    test("describes every policy of the pack once, and no other", () => {
        expect(firstColumn("What each policy checks").map((c) => c.replace(/`/g, "")).sort()).toEqual([...names].sort());
        expect(text).toContain(`a CrossGuard pack (\`@pulumi/policy\`) of ${names.length} policies`);
    });

    test("the CIS and awsguard mappings name only policies that exist", () => {
        for (const heading of ["CIS Amazon EKS Benchmark", "awsguard"]) {
            const section = text.split(/^## /m).find((s) => s.startsWith(heading)) ?? "";
            const rows = section.split("\n").filter((l) => /^\| [^-]/.test(l) && !l.startsWith("| control") && !l.startsWith("| awsguard rule"));
            expect(rows.length).toBeGreaterThan(10);
            for (const row of rows) {
                const [, , status, cited] = heading === "awsguard" ? ["", ...row.split("|").slice(1)] : row.split("|").slice(1);
                const citedPolicies = [...(cited ?? "").matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]).filter((n) => n.includes("-"));
                for (const name of citedPolicies) expect(`${name}: ${names.includes(name)}`).toBe(`${name}: true`);
                expect(status.trim()).toMatch(/^(covered|partly covered|not covered|not applicable|covered \((prod|policies)\))$/);
            }
        }
    });
});
