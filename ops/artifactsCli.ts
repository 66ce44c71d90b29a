/** `npm run artifacts -- --stack <s> [--record]`: see `artifacts.ts`. Exit 0 all match, 1 a mismatch or unrecorded, 2 bad input. */
import * as fs from "fs";
import { parseStackConfig } from "../config";
import { projectName, stackConfig } from "../plan/stackConfig";
import { artifactKey, artifactsFor, compare, Fetch, LOCK_FILE, observe, readLock } from "./artifacts";

export async function main(argv: readonly string[], fetch: Fetch = globalThis.fetch as unknown as Fetch): Promise<number> {
    const stackAt = argv.indexOf("--stack");
    const stack = stackAt >= 0 ? argv[stackAt + 1] : undefined;
    const unknown = argv.filter((a, i) => a.startsWith("--") && !["--stack", "--record"].includes(a) && argv[i - 1] !== "--stack");
    if (!stack || unknown.length > 0) {
        process.stderr.write(`${unknown.length ? `unknown argument ${unknown[0]}; ` : ""}usage: npm run artifacts -- --stack <stack> [--record]\n`);
        return 2;
    }
    let versions;
    try {
        const project = projectName();
        const raw = Object.fromEntries(Object.entries(stackConfig(stack)).filter(([k]) => k.startsWith(`${project}:`)).map(([k, v]) => [k.slice(project.length + 1), v]));
        versions = parseStackConfig(raw, project, stack).versions;
    } catch (err) {
        process.stderr.write(`${(err as Error).message}\n`);
        return 2;
    }
    const artifacts = artifactsFor(versions);
    const observed: Record<string, string> = {};
    for (const a of artifacts) observed[artifactKey(a)] = await observe(a, fetch);
    const lock = readLock();
    if (argv.includes("--record")) {
        const next = { ...lock, ...observed };
        fs.writeFileSync(LOCK_FILE, `${JSON.stringify(Object.fromEntries(Object.entries(next).sort()), null, 2)}\n`);
        process.stdout.write(`recorded ${artifacts.length} artifact(s) of ${stack} in artifacts.lock.json: review the diff and commit it\n`);
        return 0;
    }
    const verdicts = compare(artifacts, lock, observed);
    for (const v of verdicts) process.stdout.write(`${v.ok ? "ok      " : "FAILED  "}${v.key}  ${v.detail}\n`);
    return verdicts.every((v) => v.ok) ? 0 : 1;
}
