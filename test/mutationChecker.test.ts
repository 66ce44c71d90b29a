/**
 * The TypeScript checker of `npm run mutate` (test/mutation/checker.mjs) on a three-file project
 * (test/fixtures/checker: b.ts imports a.ts, c.ts stands alone). What it must agree on with Stryker's own checker
 * (@stryker-mutator/typescript-checker's TypescriptChecker.check and createGroups, whose verdicts docs/MUTATION.md
 * compares on recorded runs): a mutant is a CompileError when its file or a file importing it no longer compiles,
 * and mutants checked together never take each other's errors.
 *
 * The checker is an ES module that loads Stryker's (ES-only) API: it runs in a Node process of its own, as Stryker
 * runs it, not in jest's module registry.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const FIXTURE = path.join(__dirname, "fixtures/checker");
const CHECKER = path.join(__dirname, "mutation/checker.mjs");

interface Mutant {
    id: string;
    fileName: string;
    replacement: string;
    location: { start: { line: number; column: number }; end: { line: number; column: number } };
}

/** A mutant replacing the first `original` in `file` (zero-based lines and columns, as Stryker's mutants). */
function mutant(id: string, file: string, original: string, replacement: string): Mutant {
    const fileName = path.join(FIXTURE, file);
    const text = fs.readFileSync(fileName, "utf8");
    const at = text.indexOf(original);
    if (at < 0) throw new Error(`${original} not in ${file}`);
    const position = (offset: number) => {
        const lines = text.slice(0, offset).split("\n");
        return { line: lines.length - 1, column: lines[lines.length - 1].length };
    };
    return { id, fileName, replacement, location: { start: position(at), end: position(at + original.length) } };
}

interface Run {
    groups: string[][];
    checks: Record<string, { status: string; reason?: string }>[];
}

/** Starts the checker on the fixture, groups `mutants`, then checks each of `checks` (mutant ids) as one call. */
function run(mutants: Mutant[], checks: string[][]): Run {
    const script = `
        const { IncrementalTypescriptChecker } = await import(${JSON.stringify(CHECKER)});
        const log = { info() {}, debug() {}, warn() {}, trace() {}, error() {}, isDebugEnabled: () => false };
        const checker = new IncrementalTypescriptChecker(log, { tsconfigFile: "tsconfig.json" });
        await checker.init();
        const mutants = ${JSON.stringify(mutants)};
        const byId = new Map(mutants.map((m) => [m.id, m]));
        const groups = await checker.group(mutants);
        const checks = [];
        for (const ids of ${JSON.stringify(checks)}) checks.push(await checker.check(ids.map((id) => byId.get(id))));
        process.stdout.write(JSON.stringify({ groups, checks }));`;
    const result = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: FIXTURE, encoding: "utf8" });
    if (result.status !== 0) throw new Error(result.stderr);
    return JSON.parse(result.stdout) as Run;
}

const bodyOfA = mutant("body", "a.ts", '"hello "', '""');
const returnTypeOfA = mutant("returnType", "a.ts", "return 1", 'return "1"');
const literalOfC = mutant("literal", "c.ts", '= "c"', '= ""');
const bodyOfB = mutant("inB", "b.ts", 'greet("b")', 'greet("")');
const brokenA = mutant("brokenA", "a.ts", "return 1", "return undefinedName");

let result: Run;
beforeAll(() => {
    result = run([bodyOfA, returnTypeOfA, literalOfC, bodyOfB, brokenA], [["body"], ["returnType"], ["literal"], ["returnType", "literal"], ["brokenA", "literal"]]);
});

describe("type-checking mutants (test/mutation/checker.mjs)", () => {
    test("a mutant that compiles passes", () => {
        expect(result.checks[0]).toEqual({ body: { status: "passed" } });
    });

    test("a mutant whose file compiles but breaks a file importing it is a compile error, with the importer's error", () => {
        // count() now returns a string: a.ts compiles, b.ts's `total: number = count() + 1` does not.
        expect(result.checks[1].returnType.status).toBe("compileError");
        expect(result.checks[1].returnType.reason).toMatch(/b\.ts\(4,14\): error TS2322/);
    });

    test("a mutant breaking its own file is a compile error", () => {
        expect(result.checks[2].literal.status).toBe("compileError");
        expect(result.checks[2].literal.reason).toMatch(/c\.ts\(1,14\): error TS2322/);
    });

    test("mutants checked together keep their own errors", () => {
        expect(result.checks[3].returnType.reason).toMatch(/b\.ts/);
        expect(result.checks[3].returnType.reason).not.toMatch(/c\.ts/);
        expect(result.checks[3].literal.reason).toMatch(/c\.ts/);
        expect(result.checks[3].literal.reason).not.toMatch(/b\.ts/);
        expect(result.checks[4].brokenA.reason).toMatch(/a\.ts\(6,12\): error TS\d+: Cannot find name 'undefinedName'/);
        expect(result.checks[4].literal.status).toBe("compileError");
    });

    test("groups: never two mutants of one file, nor of a file and a file importing it", () => {
        const together = (a: string, b: string) => result.groups.some((g) => g.includes(a) && g.includes(b));
        expect(result.groups.flat().sort()).toEqual(["body", "brokenA", "inB", "literal", "returnType"]);
        expect(together("body", "returnType")).toBe(false);
        expect(together("body", "inB")).toBe(false);
        expect(together("returnType", "inB")).toBe(false);
        // c.ts shares nothing with a.ts or b.ts: checked with the first group.
        expect(together("body", "literal")).toBe(true);
    });
});
