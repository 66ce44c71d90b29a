/**
 * The offline plan: runs the real `index.ts` under Pulumi's in-process mocks with a stack's config and
 * records every resource registration (inputs, parent, provider, dependencies). The plan CLI, the tests and
 * the benchmark all go through `runPlan`.
 */
import * as path from "path";
import * as vm from "vm";
import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig } from "../config";
import { PlanMocks } from "./mocks";
import type { Plan, PlannedAlias, PlannedResource } from "./model";
import { listStacks, PROJECT_ROOT, projectName, resolveStackConfig } from "./stackConfig";

export type { Plan, PlannedAlias, PlannedResource } from "./model";
export { find, ofType } from "./model";

// Internal SDK modules: the monitor lives in the runtime store, the RPC serializer turns inputs back into JSON.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtimeState: { getStore(): { settings: { monitor: unknown; options: { monitorAddr?: string }; rpcDone?: unknown } } } = require("@pulumi/pulumi/runtime/state");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const rpc: { deserializeProperties(struct: unknown): Record<string, unknown> } = require("@pulumi/pulumi/runtime/rpc");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings: { waitForRPCs(): Promise<void> } = require("@pulumi/pulumi/runtime/settings");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const callbackProto: { Callback: new () => { setTarget(t: string): void; setToken(t: string): void } } = require("@pulumi/pulumi/proto/callback_pb");

export interface PlanOptions {
    readonly stack: string;
    /** `key=value` assignments applied over the stack file, as `pulumi config set --path` would. */
    readonly set?: readonly string[];
    /**
     * IAM role or user ARN the plan runs as (what STS reports). Default: the stack's first `admin` deployer, as if
     * CI's deploy role ran it; without one, a user named offline-plan.
     */
    readonly caller?: string;
    /** Use this config map instead of reading the stack files (keys `<namespace>:<key>`). */
    readonly config?: Record<string, string>;
    /** With `config`: the keys the CLI would report as secret. */
    readonly secretKeys?: readonly string[];
    /**
     * Run the program as it runs under the real CLI rather than under test mocks (the SDK reports a real
     * monitor), so that its refusals of example values for real deployments can be tested. Resources are still
     * only recorded, never created.
     */
    readonly asDeployment?: boolean;
    /** Program to run; defaults to the project's `index.ts`. */
    readonly program?: string;
    /**
     * Directory of the Pulumi project to plan (its `Pulumi.yaml`, stack files and `index.ts`); defaults to the
     * platform project. `bootstrap/` is the other one.
     */
    readonly root?: string;
    /**
     * Loads the program module afresh. Default: Node's `require` after forgetting the project's modules.
     * Jest keeps its own module registry, so the test harness passes a loader built on `jest.isolateModules`.
     */
    readonly load?: (program: string) => unknown;
}

function requireFresh(program: string): unknown {
    forgetProjectModules();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(program);
}

interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getProvider(): string;
    getProvidersMap(): { toObject(): [string, string][] };
    getCustom(): boolean;
    getProtect(): boolean;
    getObject(): unknown;
    getDependenciesList(): string[];
    getTransformsList(): { getToken(): string }[];
    getPropertydependenciesMap(): { forEach(cb: (value: { getUrnsList(): string[] }, key: string) => void): void };
    getAliasesList(): AliasMessage[];
    getCustomtimeouts(): { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined;
    getRetainondelete(): boolean | undefined;
}

interface RegisterOutputsRequest {
    getUrn(): string;
    getOutputs(): unknown;
}

interface AliasMessage {
    getUrn(): string;
    getSpec():
        | { getName(): string; getType(): string; getStack(): string; getProject(): string; hasParenturn(): boolean; getParenturn(): string; getNoparent(): boolean }
        | undefined;
}

interface MockMonitorLike {
    registerResource(req: RegisterRequest, callback: (err: unknown, res?: { getUrn(): string }) => void): Promise<void>;
    registerResourceOutputs(req: RegisterOutputsRequest, callback: (err: unknown, res?: unknown) => void): void;
}

function aliasUrns(req: RegisterRequest): { aliases?: string[] } {
    const urns = req.getAliasesList().map((a) => a.getUrn()).filter((u) => u !== "");
    return urns.length > 0 ? { aliases: urns } : {};
}

/** The `customTimeouts` option, when it sets any (the SDK sends empty strings for the ones not set). */
function customTimeouts(req: RegisterRequest): { customTimeouts?: PlannedResource["customTimeouts"] } {
    const t = req.getCustomtimeouts();
    const set = Object.entries({ create: t?.getCreate(), update: t?.getUpdate(), delete: t?.getDelete() }).filter(([, v]) => v);
    return set.length > 0 ? { customTimeouts: Object.fromEntries(set) } : {};
}

function propertyDependencies(req: RegisterRequest): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((deps, key) => {
        if (deps.getUrnsList().length > 0) out[key] = deps.getUrnsList();
    });
    return out;
}

function aliasSpecs(req: RegisterRequest): { aliasSpecs?: PlannedAlias[] } {
    const defined = <T>(v: T) => (v === "" || v === false ? undefined : v);
    const specs = req
        .getAliasesList()
        .filter((a) => !a.getUrn() && a.getSpec())
        .map((a): PlannedAlias => {
            const spec = a.getSpec()!;
            return {
                name: defined(spec.getName()),
                type: defined(spec.getType()),
                stack: defined(spec.getStack()),
                project: defined(spec.getProject()),
                parentUrn: spec.hasParenturn() ? defined(spec.getParenturn()) : undefined,
                noParent: defined(spec.getNoparent()),
            };
        });
    return specs.length > 0 ? { aliasSpecs: specs } : {};
}

/**
 * Forgets the project's own modules so that the next `require` runs the program again from scratch. Node also
 * lists a loaded module among its first importer's `children`: the modules that stay (this harness, the SDK) would
 * otherwise keep every earlier run of the program alive, with all its resources, in a process that plans many times.
 */
function forgetProjectModules(): void {
    const nodeModules = `${path.sep}node_modules${path.sep}`;
    const forgotten = new Set<NodeJS.Module>();
    for (const [file, module] of Object.entries(require.cache)) {
        if (module && file.startsWith(PROJECT_ROOT) && !file.includes(nodeModules) && !file.startsWith(path.join(PROJECT_ROOT, "plan"))) {
            forgotten.add(module);
            delete require.cache[file];
        }
    }
    for (const module of Object.values(require.cache)) {
        if (module?.children.some((child) => forgotten.has(child))) module.children = module.children.filter((child) => !forgotten.has(child));
    }
}

/**
 * Stands in for the SDK's transform callback server (a gRPC server the engine calls back): under mocks no
 * engine runs the transforms, so each is kept by token for the plan to record with its resource.
 */
function recordTransforms(): Map<string, pulumi.ResourceTransform> {
    const byToken = new Map<string, pulumi.ResourceTransform>();
    const store = runtimeState.getStore() as unknown as { supportsTransforms: boolean; callbacks: unknown };
    store.supportsTransforms = true;
    store.callbacks = {
        async registerTransform(transform: pulumi.ResourceTransform) {
            const token = `transform-${byToken.size}`;
            byToken.set(token, transform);
            const callback = new callbackProto.Callback();
            callback.setTarget("offline-plan");
            callback.setToken(token);
            return callback;
        },
        async awaitStackRegistrations() {},
    };
    return byToken;
}

let running = false;

/** How long a failed program may take to settle its remaining registrations before the plan returns. */
const SETTLE_TIMEOUT_MS = 2_000;

/** A StackReference's view of a planned stack: its outputs and which of them hold secrets. */
export interface ReferencedStack {
    readonly outputs: Record<string, unknown>;
    readonly secretOutputNames: readonly string[];
}

/** Platform plans already computed in this process, by stack: a --diff plans the same platform twice. */
const platformPlans = new Map<string, Promise<ReferencedStack>>();

/**
 * The config key through which a project names the platform stack it reads (the apps project's `platformStack`,
 * `<org>/<project>/<stack>`). Offline, the named platform stack is planned first and its planned outputs are what
 * the StackReference returns, so the two plans agree by construction.
 */
export const PLATFORM_STACK_KEY = "platformStack";

/** Raised when `platformStack` names nothing the offline plan can plan. Named ConfigError: one line, exit 2. */
class PlatformStackError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ConfigError";
    }
}

/** The platform stack a project's config names, or undefined when it reads none. */
function referencedPlatform(config: Record<string, string>, project: string): { name: string; stack: string } | undefined {
    const name = config[`${project}:${PLATFORM_STACK_KEY}`];
    if (name === undefined || project === projectName(PROJECT_ROOT)) return undefined;
    const parts = name.split("/");
    const platformProject = projectName(PROJECT_ROOT);
    // Anything malformed is left to the program's own validation, which names the key and what is allowed.
    if (parts.length !== 3 || parts.some((p) => p === "")) return undefined;
    if (parts[1] !== platformProject) {
        throw new PlatformStackError(
            `'${PLATFORM_STACK_KEY}' is ${JSON.stringify(name)}, expected <org>/${platformProject}/<stack>: the offline plan reads only this repository's platform project`,
        );
    }
    return { name, stack: parts[2] };
}

/**
 * Runs the program offline and returns what it registered. Runs are serialized: the SDK state is global. A project
 * that reads a platform stack (`platformStack`) gets that stack's planned outputs through its StackReference.
 */
export async function runPlan(options: PlanOptions): Promise<Plan> {
    const root = options.root ?? PROJECT_ROOT;
    const project = projectName(root);
    const resolved = options.config
        ? { config: options.config, secretKeys: [...(options.secretKeys ?? [])] }
        : resolveStackConfig(options.stack, options.set ?? [], root);
    const platform = referencedPlatform(resolved.config, project);
    const references: Record<string, ReferencedStack> = {};
    if (platform) {
        let planned = platformPlans.get(platform.stack);
        if (!planned) {
            if (!listStacks().includes(platform.stack)) {
                throw new PlatformStackError(
                    `'${PLATFORM_STACK_KEY}' is ${JSON.stringify(platform.name)}, expected a platform stack of this repository (${listStacks().join(", ")}): there is no Pulumi.${platform.stack}.yaml`,
                );
            }
            planned = planOnce({ stack: platform.stack, load: options.load }, projectName(PROJECT_ROOT), resolveStackConfig(platform.stack, [], PROJECT_ROOT)).then((p) => ({
                outputs: p.rawOutputs ?? {},
                secretOutputNames: p.secretOutputNames ?? [],
            }));
            platformPlans.set(platform.stack, planned);
            planned.catch(() => platformPlans.delete(platform.stack));
        }
        references[platform.name] = await planned.catch((err: Error) => {
            throw new PlatformStackError(`'${PLATFORM_STACK_KEY}' is ${JSON.stringify(platform.name)}: the plan of platform stack ${platform.stack} failed: ${err.message.split("\n")[0]}`);
        });
    }
    const plan = await planOnce(options, project, resolved, references);
    return platform ? { ...plan, platform: { ...platform, outputs: references[platform.name].outputs } } : plan;
}

async function planOnce(
    options: PlanOptions,
    project: string,
    resolved: { config: Record<string, string>; secretKeys: string[] },
    references: Record<string, ReferencedStack> = {},
): Promise<Plan> {
    if (running) throw new Error("runPlan is not re-entrant: await the previous plan first");
    running = true;
    const resources: PlannedResource[] = [];
    try {
        const root = options.root ?? PROJECT_ROOT;
        const { config, secretKeys } = resolved;
        // Validate exactly as the program will, before the SDK starts: a ConfigError then surfaces as one clean
        // rejection instead of racing the stack's own registration.
        const prefix = `${project}:`;
        const parsed =
            options.program || root !== PROJECT_ROOT
                ? undefined
                : parseStackConfig(
                      Object.fromEntries(Object.entries(config).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v])),
                      project,
                      options.stack,
                  );
        const caller = options.caller ?? parsed?.deployers.find((d) => d.access === "admin")?.principalArn;
        // The stack's own hosted zone is assumed to be what the config says it is (a public zone of that name).
        const assumedHostedZones = parsed?.dns ? { [parsed.dns.zoneId]: { name: parsed.dns.zoneName, privateZone: false } } : {};

        const disableDefaultProviders = config["pulumi:disable-default-providers"];
        await pulumi.runtime.setMocks(new PlanMocks(caller, { assumedHostedZones, stacks: references, disableDefaultProviders }), project, options.stack, false);
        pulumi.runtime.setAllConfig(config, secretKeys);
        // The SDK marks a mocked run by its monitor address; a deployment has the engine's address there.
        if (options.asDeployment) runtimeState.getStore().settings.options.monitorAddr = "127.0.0.1:0";
        const transforms = recordTransforms();

        const monitor = runtimeState.getStore().settings.monitor as MockMonitorLike;
        const register = monitor.registerResource.bind(monitor);
        monitor.registerResource = (req, callback) =>
            register(req, (err, res) => {
                if (!err && res) {
                    resources.push({
                        urn: res.getUrn(),
                        type: req.getType(),
                        name: req.getName(),
                        parent: req.getParent() || undefined,
                        provider: req.getProvider() || undefined,
                        providers: Object.fromEntries(req.getProvidersMap().toObject()),
                        custom: req.getCustom(),
                        protect: req.getProtect(),
                        inputs: rpc.deserializeProperties(req.getObject()),
                        dependencies: req.getDependenciesList(),
                        transforms: req.getTransformsList().map((cb) => transforms.get(cb.getToken())?.name || "(anonymous)"),
                        ...aliasUrns(req),
                        ...aliasSpecs(req),
                        propertyDependencies: propertyDependencies(req),
                        ...customTimeouts(req),
                        // Only when set, like customTimeouts: plans of resources without it stay as they were.
                        ...(req.getRetainondelete() ? { retainOnDelete: true } : {}),
                    });
                }
                callback(err, res);
            });
        // A component's `registerOutputs` (the stack's own outputs are the plan's `outputs`).
        const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
        monitor.registerResourceOutputs = (req, callback) =>
            registerOutputs(req, (err, res) => {
                const i = resources.findIndex((r) => r.urn === req.getUrn());
                if (!err && i >= 0 && resources[i].type !== "pulumi:pulumi:Stack") {
                    resources[i] = { ...resources[i], outputs: rpc.deserializeProperties(req.getOutputs()) };
                }
                callback(err, res);
            });

        return { ...(await execute(options, project, config, resources)), secretKeys };
    } catch (err) {
        // Callers (and tests) can check that a failed program registered nothing beyond the stack.
        if (err instanceof Error) Object.assign(err, { registered: resources.map((r) => r.type) });
        throw err;
    } finally {
        running = false;
    }
}

/** Runs the program in a Pulumi stack and waits for every registration. */
async function execute(options: PlanOptions, project: string, config: Record<string, string>, resources: PlannedResource[]): Promise<Plan> {
    const program = options.program ?? path.join(options.root ?? PROJECT_ROOT, "index.ts");
    // A failing program rejects several SDK promises at once; collect the strays instead of crashing the process.
    // The first one fails the plan, as the language host's unhandled-rejection handler fails `pulumi up`: a
    // registration whose input rejected never resolves its outputs, so waiting for the stack would never end.
    const strays: unknown[] = [];
    let fail: (reason: unknown) => void = () => undefined;
    const failed = new Promise<never>((_, reject) => (fail = reject));
    const onRejection = (reason: unknown) => {
        strays.push(reason);
        fail(programError(reason));
    };
    // The harness is the language host here and owns unhandled rejections while the program runs. Under jest the
    // global `process` is a copy; the process the rejections are emitted on is the main context's.
    const host = vm.runInThisContext("process") as NodeJS.Process;
    const previous = host.listeners("unhandledRejection");
    host.removeAllListeners("unhandledRejection");
    host.on("unhandledRejection", onRejection);
    try {
        const plan = await Promise.race([executeProgram(program, options, project, config, resources), failed]);
        // A registration whose input rejected after the stack's outputs resolved would otherwise leave a plan
        // without that resource: let pending rejections arrive, and fail on the first.
        await new Promise((resolve) => setImmediate(resolve));
        if (strays.length > 0) throw strays[0];
        return plan;
    } catch (err) {
        throw err;
    } finally {
        // A program that failed this way is still settling: its other registrations fail one after another. Let
        // them finish (bounded: an output may never resolve), their rejections still collected here, before the
        // listener goes and before another plan in this process reuses the SDK's global state.
        let timer: NodeJS.Timeout | undefined;
        const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, SETTLE_TIMEOUT_MS)));
        const quiet = { settled: false };
        await Promise.race([settings.waitForRPCs().catch(() => undefined), bound, quietLoop(() => resources.length + strays.length, quiet)]);
        quiet.settled = true;
        clearTimeout(timer);
        await new Promise((resolve) => setImmediate(resolve));
        host.off("unhandledRejection", onRejection);
        for (const listener of previous) host.on("unhandledRejection", listener as (...args: unknown[]) => void);
    }
}

/** Event-loop turns without a new registration, rejection or RPC after which a failed program counts as settled. */
const QUIET_TURNS = 20;

/**
 * Resolves once the program has gone quiet: for `QUIET_TURNS` turns of the event loop no registration was recorded,
 * no rejection arrived and no RPC started. The mocks answer in-process, without I/O or timers, so a program that is
 * still settling makes progress every turn; one that went quiet is waiting on an output that will never resolve
 * (the input that rejected), which `waitForRPCs` alone would wait on until the bound.
 */
async function quietLoop(progress: () => number, until: { settled: boolean }): Promise<void> {
    const state = () => [progress(), runtimeState.getStore().settings.rpcDone] as const;
    let seen = state();
    for (let idle = 0; idle < QUIET_TURNS && !until.settled; ) {
        await new Promise((resolve) => setImmediate(resolve));
        const now = state();
        idle = now[0] === seen[0] && now[1] === seen[1] ? idle + 1 : 0;
        seen = now;
    }
}

/**
 * The error a stray rejection stands for. A config check that needs the account (the program throws a
 * `pulumi.RunError` reading "Invalid stack config: …" inside an `apply`) arrives wrapped by the SDK's input
 * serialization, as the CLI prints it ("error serializing property …: Invalid stack config: …"); it is the
 * user's to fix, so it is named a `ConfigError` (one line, exit 2 in the plan CLI), its message kept.
 */
function programError(reason: unknown): Error {
    const err = reason instanceof Error ? reason : new Error(String(reason));
    if (err.message.includes("Invalid stack config: ")) err.name = "ConfigError";
    return err;
}

/** Paths (within the exported value) of every secret Output, nested ones included. */
async function secretPaths(value: unknown, at: readonly (string | number)[] = [], seen = new Set<unknown>()): Promise<(string | number)[][]> {
    if (pulumi.Output.isInstance(value)) return (await pulumi.isSecret(value)) ? [[...at]] : [];
    if (value === null || typeof value !== "object" || seen.has(value) || pulumi.Resource.isInstance(value)) return [];
    seen.add(value);
    const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
    const found: (string | number)[][] = [];
    for (const [k, v] of entries) found.push(...(await secretPaths(v, [...at, k], seen)));
    return found;
}

/** A copy of `value` with the value at each path replaced by `[secret]`. */
function masked(value: unknown, paths: readonly (readonly (string | number)[])[]): unknown {
    if (paths.some((p) => p.length === 0)) return "[secret]";
    if (value === null || typeof value !== "object") return value;
    const copy = (Array.isArray(value) ? [...value] : { ...value }) as Record<string | number, unknown>;
    for (const key of new Set(paths.map((p) => p[0]))) {
        copy[key] = masked(copy[key], paths.filter((p) => p[0] === key).map((p) => p.slice(1)));
    }
    return copy;
}

async function executeProgram(program: string, options: PlanOptions, project: string, config: Record<string, string>, resources: PlannedResource[]): Promise<Plan> {
    const secrets = new Map<string, (string | number)[][]>();
    const outputs =
        (await pulumi.runtime.runInPulumiStack(async () => {
            const loaded = (options.load ?? requireFresh)(program);
            // `export = async () => { ...; return outputs; }`: the CLI's language host awaits the function's result.
            const exported = (typeof loaded === "function" ? await (loaded as () => unknown)() : loaded) as Record<string, unknown>;
            for (const [key, value] of Object.entries(exported ?? {})) {
                const paths = await secretPaths(value);
                if (paths.length) secrets.set(key, paths);
            }
            return exported;
        })) ?? {};
    // Registrations started inside applies may still be in flight when the stack outputs resolve.
    await settings.waitForRPCs();
    const shown = Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, secrets.has(k) ? masked(v, secrets.get(k) ?? []) : v]));
    return { project, stack: options.stack, config, resources, outputs: shown, rawOutputs: outputs, secretOutputNames: [...secrets.keys()] };
}
