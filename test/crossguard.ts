/**
 * The real thing, for comparison with the offline evaluator: serves `policies/index.ts` the way the Pulumi CLI
 * does (a child process in the pack's directory, compiled by ts-node with the pack's own tsconfig, running the
 * pack's `PolicyPack`, which prints its gRPC port) and drives it through the analyzer protocol the engine uses:
 * `Configure` with each policy's resolved level and settings, `Analyze` per resource, then `AnalyzeStack`.
 * The child may load only the packages `policies/package.json` declares (`fixtures/declared-dependencies.js`), as
 * when the pack is installed on its own.
 */
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import type { PolicyPackConfig } from "@pulumi/policy";
import * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import { allPolicies } from "../policies/all";
import type { Plan, PlannedResource } from "../plan/harness";
import { enforcementLevelOf, policySettings } from "../plan/policy";
import type { Violation } from "../plan/render";

const PACK_DIR = path.resolve(__dirname, "..", "policies");
/** Preload that refuses packages the pack does not declare. */
export const DECLARED_DEPENDENCIES_ONLY = path.join(__dirname, "fixtures", "declared-dependencies.js");

// The SDK's own copies of gRPC and protobuf (transitive dependencies of @pulumi/pulumi, loaded where it loads them).
const sdkDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
/* eslint-disable @typescript-eslint/no-require-imports */
const grpc = require(require.resolve("@grpc/grpc-js", { paths: [sdkDir] })) as {
    credentials: { createInsecure(): unknown };
};
const { Struct } = require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [sdkDir] })) as {
    Struct: { fromJavaScript(value: Record<string, unknown>): unknown };
};
const { Empty } = require(require.resolve("google-protobuf/google/protobuf/empty_pb", { paths: [sdkDir] })) as { Empty: new () => unknown };
const { AnalyzerClient } = require("@pulumi/pulumi/proto/analyzer_grpc_pb") as {
    AnalyzerClient: new (address: string, credentials: unknown) => AnalyzerRpc;
};
/* eslint-enable @typescript-eslint/no-require-imports */

type Callback<T> = (err: Error | null, res: T) => void;
interface AnalyzerRpc {
    configure(req: analyzerPb.ConfigureAnalyzerRequest, cb: Callback<unknown>): void;
    analyze(req: analyzerPb.AnalyzeRequest, cb: Callback<analyzerPb.AnalyzeResponse>): void;
    analyzeStack(req: analyzerPb.AnalyzeStackRequest, cb: Callback<analyzerPb.AnalyzeResponse>): void;
    getAnalyzerInfo(req: unknown, cb: Callback<analyzerPb.AnalyzerInfo>): void;
    close(): void;
}

function call<Req, Res>(fn: (req: Req, cb: Callback<Res>) => void, req: Req): Promise<Res> {
    return new Promise((resolve, reject) => fn(req, (err, res) => (err ? reject(err) : resolve(res))));
}

const LEVELS: Record<string, analyzerPb.EnforcementLevel> = {
    advisory: analyzerPb.EnforcementLevel.ADVISORY,
    mandatory: analyzerPb.EnforcementLevel.MANDATORY,
    remediate: analyzerPb.EnforcementLevel.REMEDIATE,
    disabled: analyzerPb.EnforcementLevel.DISABLED,
};
const LEVEL_NAMES = Object.fromEntries(Object.entries(LEVELS).map(([k, v]) => [v, k]));

/** A served policy pack. */
export class ServedPack {
    private constructor(
        private readonly child: ChildProcess,
        private readonly client: AnalyzerRpc,
    ) {}

    /** Starts `policies/index.ts` with ts-node (transpile only), as the CLI's nodejs policy runtime does. */
    static async start(): Promise<ServedPack> {
        const child = spawn(process.execPath, ["-r", DECLARED_DEPENDENCIES_ONLY, "-r", "ts-node/register", "-e", 'require("./index.ts")'], {
            cwd: PACK_DIR,
            stdio: ["ignore", "pipe", "pipe"],
            env: { ...process.env, NODE_PATH: "", TS_NODE_PROJECT: path.join(PACK_DIR, "tsconfig.json") },
        });
        const port = await new Promise<string>((resolve, reject) => {
            let out = "";
            let err = "";
            child.stdout?.on("data", (d: Buffer) => {
                out += d.toString();
                const m = /^(\d+)\n/.exec(out);
                if (m) resolve(m[1]);
            });
            child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
            child.on("exit", (code) => reject(new Error(`policy pack exited with ${code}: ${err}`)));
        });
        return new ServedPack(child, new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure()));
    }

    async policyNames(): Promise<string[]> {
        const info = await call(this.client.getAnalyzerInfo.bind(this.client), new Empty());
        return info.getPoliciesList().map((p) => p.getName());
    }

    /** `Configure`: the engine sends every policy's resolved level and settings (schema defaults filled in). */
    async configure(config: PolicyPackConfig): Promise<void> {
        const req = new analyzerPb.ConfigureAnalyzerRequest();
        for (const policy of allPolicies) {
            const pc = new analyzerPb.PolicyConfig();
            pc.setEnforcementlevel(LEVELS[enforcementLevelOf(policy, config)]);
            pc.setProperties(Struct.fromJavaScript(policySettings(policy.configSchema, config[policy.name])) as never);
            req.getPolicyconfigMap().set(policy.name, pc);
        }
        await call(this.client.configure.bind(this.client), req);
    }

    /** Every diagnostic of `Analyze` over each resource and `AnalyzeStack` over all of them, as violations. */
    async analyze(plan: Plan): Promise<Violation[]> {
        const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
        const provider = (r: PlannedResource) => {
            if (!r.provider) return undefined;
            const p = byUrn.get(r.provider.slice(0, r.provider.lastIndexOf("::")));
            if (!p) return undefined;
            const pr = new analyzerPb.AnalyzerProviderResource();
            pr.setType(p.type);
            pr.setName(p.name);
            pr.setUrn(p.urn);
            pr.setProperties(Struct.fromJavaScript(p.inputs) as never);
            return pr;
        };
        const options = (r: PlannedResource) => {
            const o = new analyzerPb.AnalyzerResourceOptions();
            o.setProtect(r.protect);
            if (r.parent) o.setParent(r.parent);
            return o;
        };
        const toViolations = (res: analyzerPb.AnalyzeResponse, urn: string): Violation[] =>
            res.getDiagnosticsList().map((d) => ({
                policy: d.getPolicyname(),
                level: LEVEL_NAMES[d.getEnforcementlevel()],
                urn: d.getUrn() || urn,
                // The SDK prefixes the policy's description.
                message: d.getMessage().slice(d.getDescription().length + 1),
            }));

        // What `Analyze` and `AnalyzeStack` say of each resource alike (the two messages share these fields).
        const describe = <M extends analyzerPb.AnalyzeRequest | analyzerPb.AnalyzerResource>(message: M, r: PlannedResource): M => {
            message.setType(r.type);
            message.setName(r.name);
            message.setUrn(r.urn);
            message.setProperties(Struct.fromJavaScript(r.inputs) as never);
            message.setOptions(options(r));
            const p = provider(r);
            if (p) message.setProvider(p);
            return message;
        };

        const resources = plan.resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
        // All at once, as the engine analyzes resources while it steps through them in parallel: one round trip per
        // resource in turn would spend most of the time waiting.
        const perResource = await Promise.all(
            resources.map((r) => call(this.client.analyze.bind(this.client), describe(new analyzerPb.AnalyzeRequest(), r)).then((res) => toViolations(res, r.urn))),
        );
        const out: Violation[] = perResource.flat();
        const stackReq = new analyzerPb.AnalyzeStackRequest();
        stackReq.setResourcesList(
            plan.resources.map((r) => {
                const ar = describe(new analyzerPb.AnalyzerResource(), r);
                if (r.parent) ar.setParent(r.parent);
                ar.setDependenciesList([...r.dependencies]);
                return ar;
            }),
        );
        const stackUrn = plan.resources.find((r) => r.type === "pulumi:pulumi:Stack")?.urn ?? "";
        out.push(...toViolations(await call(this.client.analyzeStack.bind(this.client), stackReq), stackUrn));
        return out;
    }

    stop(): void {
        this.client.close();
        this.child.kill();
    }
}
