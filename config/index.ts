/**
 * The one place stack configuration is read. `loadStackConfig()` turns `pulumi config` into one typed,
 * validated `StackConfig`, or throws a `ConfigError` before any resource is registered.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ACM_MAX_DOMAIN_NAME_LENGTH, certificateDomains, defaultZoneName, zoneHolds } from "../lib/dns";
import {
    Color,
    IdentityMode,
    RawStackConfig,
    STRING_KEYS,
    ServiceConfigInput,
    stackConfigSchema,
} from "./schema";

import { findPlaceholders, placeholderMessage } from "./placeholders";
import { KARPENTER_NAMESPACE } from "../lib/labels";

export * from "./schema";
export { findPlaceholders, placeholderMessage, placeholderReasons } from "./placeholders";

/** Alarm thresholds with the ones left unset taken from the service's `switchGuard`. */
export type ServiceAlarms = Required<ServiceConfigInput["alarms"]>;

/** A service with everything resolved from the stack: namespace, active color, identity mode, alarm thresholds. */
export interface ServiceConfig extends Omit<ServiceConfigInput, "activeColor" | "namespace" | "alarms"> {
    readonly namespace: string;
    readonly alarms: ServiceAlarms;
    readonly activeColor: Color;
    readonly inactiveColor: Color;
    readonly identityMode: IdentityMode;
}

/** `dns` once resolved: the hosted zone with its name, or `null` when the stack manages no DNS. */
export interface DnsConfig {
    readonly zoneId: string;
    /** `dns.zoneName`, or gateway.hostname without its `*.`. */
    readonly zoneName: string;
    readonly createCertificate: boolean;
    readonly includeApex: boolean;
}

export interface StackConfig extends Omit<RawStackConfig, "services" | "clusterName" | "dns"> {
    readonly project: string;
    readonly stack: string;
    readonly clusterName: string;
    readonly dns: DnsConfig | null;
    readonly services: ServiceConfig[];
}

/**
 * A configuration error. It extends `pulumi.RunError` so that `pulumi up` prints the message alone, with no
 * stack trace; the offline plan prints the same line and exits 2.
 */
export class ConfigError extends pulumi.RunError {
    readonly problems: readonly string[];
    constructor(problems: string[]) {
        super(`Invalid stack config: ${problems.join("; ")}`);
        this.name = "ConfigError";
        this.problems = problems;
    }
}

/** Keys that existed before, with what replaces them. */
const REPLACED_KEYS: Record<string, string> = {
    adminPrincipalArns: `'adminPrincipalArns' was replaced by 'deployers', expected each principal there as {"principalArn": "<arn>", "access": "admin"}`,
};

function describe(value: unknown): string {
    if (value === undefined) return "(missing)";
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function keyPath(path: readonly PropertyKey[]): string {
    return path.reduce<string>((acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), "");
}

/** The value at a problem's path in the decoded input; a path through a missing value, null or a scalar reads as missing. */
export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
    let v: unknown = root;
    for (const p of path) {
        if (v === null || typeof v !== "object") return undefined;
        v = (v as Record<PropertyKey, unknown>)[p];
    }
    return v;
}

/** What a size bound counts, by zod's `origin` of the bound (numbers are bounded by value). */
const SIZE_UNITS: Record<string, string> = { array: " item(s)", string: " character(s)" };

/** One readable phrase per zod issue: the key, the bad value, what is allowed. */
function formatIssue(issue: z.core.$ZodIssue, input: unknown, project: string, knownKeys: readonly string[]): string {
    const path = issue.path;
    if (issue.code === "unrecognized_keys") {
        return issue.keys
            .map((k) => {
                const key = keyPath([...path, k]);
                if (path.length === 0 && k in REPLACED_KEYS) return REPLACED_KEYS[k];
                return path.length === 0
                    ? `unknown key '${project}:${k}' (known keys: ${knownKeys.join(", ")})`
                    : `unknown key '${key}'`;
            })
            .join("; ");
    }
    if (issue.code === "invalid_key") {
        const badKey = path[path.length - 1];
        return `'${keyPath(path.slice(0, -1))}' has key ${JSON.stringify(badKey)}, expected ${issue.issues.map((i) => i.message).join(" and ")}`;
    }
    const key = keyPath(path);
    const value = valueAt(input, path);
    let allowed = issue.message;
    if (issue.code === "invalid_value") allowed = `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    else if (issue.code === "invalid_type") allowed = `a value of type ${issue.expected}`;
    else if (issue.code === "too_small") allowed = `${issue.origin === "number" ? "≥" : "at least"} ${String(issue.minimum)}${SIZE_UNITS[issue.origin] ?? ""}`;
    else if (issue.code === "too_big") allowed = `${issue.origin === "number" ? "≤" : "at most"} ${String(issue.maximum)}${SIZE_UNITS[issue.origin] ?? ""}`;
    // Every other issue (invalid_format, custom and the rest) says what is allowed in its own message.
    return `'${key}' is ${describe(value)}, expected ${allowed}`;
}

/**
 * Parses the raw `<key>: <string>` map (project namespace stripped) into JSON values: plain-string keys stay
 * strings, the others must be JSON (objects, lists, numbers, booleans).
 */
function decodeRaw(raw: Record<string, string>, problems: string[], knownKeys: readonly string[], stringKeys: ReadonlySet<string>): Record<string, unknown> {
    const decoded: Record<string, unknown> = {};
    const known = new Set(knownKeys);
    for (const [key, text] of Object.entries(raw)) {
        // Unknown keys stay as written; the strict schema reports them by name.
        if (stringKeys.has(key) || !known.has(key)) {
            decoded[key] = text;
            continue;
        }
        try {
            decoded[key] = JSON.parse(text);
        } catch {
            problems.push(`'${key}' is ${describe(text)}, expected a JSON value (object, list, number or boolean)`);
        }
    }
    return decoded;
}

function duplicates(values: readonly string[]): string[] {
    return [...new Set(values.filter((v, i) => values.indexOf(v) !== i))];
}

/**
 * Whether a listener hostname serves a route hostname. A wildcard covers exactly one more label: that is what
 * an ACM wildcard certificate covers, so deeper names would attach to the listener but fail TLS.
 */
export function servedBy(listenerHostname: string, host: string): boolean {
    if (!listenerHostname.startsWith("*.")) return host === listenerHostname;
    const suffix = listenerHostname.slice(1);
    return host.endsWith(suffix) && !host.slice(0, -suffix.length).includes(".") && host.length > suffix.length;
}

/** The stack's DNS: what needs the zone, and which names the zone must be able to hold. */
function dnsProblems(cfg: RawStackConfig): string[] {
    const problems: string[] = [];
    const dns = cfg.dns;
    if (dns.zoneId === undefined) {
        if (dns.createCertificate) {
            problems.push(`'dns.createCertificate' is true, expected dns.zoneId to be set as well (the certificate is validated by records in that zone)`);
        }
        if (dns.zoneName !== undefined) {
            problems.push(`'dns.zoneName' is ${JSON.stringify(dns.zoneName)}, expected dns.zoneId to be set as well (zoneName names that zone)`);
        }
        cfg.services.forEach((s, i) => {
            if (s.cutover) {
                problems.push(`'services[${i}].cutover' is set for service ${s.name}, expected dns.zoneId to be set as well (the weighted records live in that zone)`);
            }
        });
    }
    if (dns.includeApex && !dns.createCertificate) {
        problems.push(`'dns.includeApex' is true, expected false without dns.createCertificate (it only shapes the issued certificate)`);
    }
    if (dns.includeApex && !cfg.gateway.hostname.startsWith("*.")) {
        problems.push(`'dns.includeApex' is true, expected false with the exact gateway.hostname ${JSON.stringify(cfg.gateway.hostname)} (an apex exists only under a wildcard)`);
    }
    if (cfg.gateway.certificateArns.length === 0 && !dns.createCertificate) {
        problems.push(`'gateway.certificateArns' is [], expected at least one ACM certificate ARN, or dns.createCertificate true`);
    }
    if (dns.createCertificate) {
        // An ALB listener takes a default certificate and at most 25 more; the issued certificate is the default.
        if (cfg.gateway.certificateArns.length > 25) {
            problems.push(`'gateway.certificateArns' has ${cfg.gateway.certificateArns.length} certificates, expected at most 25 with dns.createCertificate (the issued certificate is the listener's default)`);
        }
        if (cfg.gateway.hostname.length > ACM_MAX_DOMAIN_NAME_LENGTH) {
            problems.push(`'gateway.hostname' is ${JSON.stringify(cfg.gateway.hostname)}, expected at most ${ACM_MAX_DOMAIN_NAME_LENGTH} characters to be an ACM certificate's domain name`);
        }
    }
    if (dns.zoneId !== undefined) {
        const zoneName = dns.zoneName ?? defaultZoneName(cfg.gateway.hostname);
        const source = dns.zoneName === undefined ? "dns.zoneName, from gateway.hostname" : "dns.zoneName";
        const names: [string, string][] = [];
        if (dns.createCertificate) {
            const [domain, ...alternatives] = certificateDomains(cfg.gateway.hostname, dns.includeApex);
            names.push(["gateway.hostname", domain], ...alternatives.map((d): [string, string] => ["dns.includeApex", d]));
        }
        cfg.services.forEach((s, i) => {
            s.hostnames.forEach((h, j) => names.push([`services[${i}].hostnames[${j}]`, h]));
            names.push([`services[${i}].previewHostname`, s.previewHostname]);
        });
        for (const [key, name] of names) {
            if (!zoneHolds(zoneName, name)) {
                problems.push(`'${key}' is ${JSON.stringify(name)}, expected a name the hosted zone ${zoneName} can hold (${source})`);
            }
        }
    }
    return problems;
}

/** Namespaces no application may take in a platform stack: its own and Kubernetes' (by name and by prefix). */
export function platformReservedNamespaces(gatewayNamespace: string): { names: string[]; prefixes: string[] } {
    return { names: ["default", KARPENTER_NAMESPACE, gatewayNamespace], prefixes: ["kube-"] };
}

/** What the service rules check against: the stack's defaults and what the platform keeps for itself. */
export interface ServiceRuleContext {
    /** The config key the services are listed under (`services`). */
    readonly key: string;
    /** The stack's `activeColor`, which a service without its own follows. */
    readonly activeColor: Color;
    /** The HTTPS listener's hostname (usually a wildcard): every route hostname must be served by it. */
    readonly gatewayHostname: string;
    /** Namespaces no service may take, by name and by prefix. */
    readonly reservedNamespaces: { readonly names: readonly string[]; readonly prefixes: readonly string[] };
    /** How the refusal describes the reserved namespaces ("not default, kube-*, ..."). */
    readonly reservedText: string;
    /** Hostnames routed elsewhere (another stack's services), which a service here may not take. */
    readonly takenHostnames?: readonly string[];
}

/**
 * The service-level rules that span keys, shared by every project that composes BlueGreenService (the platform's
 * `services` and a team stack's): unique names, hostnames and namespaces, namespaces of their own, hostnames the
 * Gateway serves, and the blue/green switching refusals.
 */
export function serviceProblems(services: readonly ServiceConfigInput[], ctx: ServiceRuleContext): string[] {
    const problems: string[] = [];
    const k = ctx.key;
    for (const d of duplicates(services.map((s) => s.name))) {
        problems.push(`'${k}' has two services named ${JSON.stringify(d)}, expected unique names`);
    }
    const hosts = services.flatMap((s) => [...s.hostnames, s.previewHostname]);
    for (const d of duplicates(hosts)) {
        problems.push(`'${k}' routes hostname ${JSON.stringify(d)} twice, expected each hostname in one service`);
    }
    const taken = new Set(ctx.takenHostnames);
    const namespaces = services.map((s) => s.namespace ?? s.name);
    const reserved = (ns: string) => ctx.reservedNamespaces.names.includes(ns) || ctx.reservedNamespaces.prefixes.some((p) => ns.startsWith(p));
    services.forEach((s, i) => {
        const where = s.namespace ? `${k}[${i}].namespace` : `${k}[${i}].name`;
        if (reserved(namespaces[i])) {
            problems.push(`'${where}' gives service ${s.name} the namespace ${JSON.stringify(namespaces[i])}, expected a namespace of its own (${ctx.reservedText})`);
        }
        // A route whose hostnames the listener does not serve never attaches: refuse it here, not as a silent 404.
        [...s.hostnames.map((h, j) => [h, `${k}[${i}].hostnames[${j}]`]), [s.previewHostname, `${k}[${i}].previewHostname`]].forEach(([host, key]) => {
            if (!servedBy(ctx.gatewayHostname, host)) {
                problems.push(`'${key}' is ${JSON.stringify(host)}, expected a hostname the Gateway serves (gateway.hostname ${JSON.stringify(ctx.gatewayHostname)})`);
            } else if (taken.has(host)) {
                problems.push(`'${key}' is ${JSON.stringify(host)}, expected a hostname no platform service routes (two routes on one hostname split its traffic)`);
            }
        });
        const first = namespaces.indexOf(namespaces[i]);
        if (first !== i) {
            problems.push(
                `'${k}[${i}].namespace' is ${JSON.stringify(namespaces[i])} for service ${s.name}, expected a namespace no other service uses (service ${services[first].name} owns it: each service creates and labels its own namespace)`,
            );
        }
    });
    services.forEach((s, i) => {
        const active = s.activeColor ?? ctx.activeColor;
        const inactive: Color = active === "blue" ? "green" : "blue";
        const where = s.activeColor ? `${k}[${i}].activeColor` : "activeColor";
        if (s.image[active] === null) {
            problems.push(`'${where}' is "${active}" for service ${s.name}, expected a color with an image: ${k}[${i}].image.${active} is not set`);
        }
        const held = s.scaledDown[active];
        if (held !== undefined) {
            problems.push(
                `'${where}' is "${active}" for service ${s.name}, expected a color that autoscales: ${k}[${i}].scaledDown.${active} holds it at ${held} (remove it and pulumi up to warm ${active} before switching)`,
            );
        }
        if (s.canaryWeight > 0 && (s.image[inactive] === null || s.scaledDown[inactive] === 0)) {
            problems.push(
                `'${k}[${i}].canaryWeight' is ${s.canaryWeight}, expected 0 while the inactive color ${inactive} has ${s.image[inactive] === null ? "no image" : "0 replicas"}`,
            );
        }
    });
    return problems;
}

/** Each service with what it takes from the stack: namespace, active and inactive color, identity mode. */
export function resolveServices(services: readonly ServiceConfigInput[], activeColor: Color, identityMode: IdentityMode): ServiceConfig[] {
    return services.map((s) => {
        const active = s.activeColor ?? activeColor;
        return {
            ...s,
            namespace: s.namespace ?? s.name,
            activeColor: active,
            inactiveColor: active === "blue" ? "green" : "blue",
            identityMode: s.aws.identityMode ?? identityMode,
            // Alarms hold the service to its switch guard's limits unless set apart.
            alarms: {
                ...s.alarms,
                maxErrorRatePercent: s.alarms.maxErrorRatePercent ?? s.switchGuard.maxErrorRatePercent,
                maxLatencyMs: s.alarms.maxLatencyMs ?? s.switchGuard.maxLatencyMs,
            },
        };
    });
}

/** Rules that span keys: uniqueness and the blue/green switching refusals. */
function crossKeyProblems(cfg: RawStackConfig, stack: string): string[] {
    const problems: string[] = [...dnsProblems(cfg)];
    // An ALB only takes ACM certificates from its own region.
    cfg.gateway.certificateArns.forEach((arn, i) => {
        const certRegion = arn.split(":")[3];
        if (certRegion !== cfg.region) {
            problems.push(`'gateway.certificateArns[${i}]' is in region ${certRegion}, expected a certificate in the stack's region ${cfg.region}`);
        }
    });
    if (cfg.gateway.webAclArn !== null) {
        const aclRegion = cfg.gateway.webAclArn.split(":")[3];
        if (aclRegion !== cfg.region) {
            problems.push(`'gateway.webAclArn' is in region ${aclRegion}, expected a web ACL in the stack's region ${cfg.region}`);
        }
    }
    for (const d of duplicates(cfg.nodePools.map((p) => p.name))) {
        problems.push(`'nodePools' has two pools named ${JSON.stringify(d)}, expected unique names`);
    }
    problems.push(
        ...serviceProblems(cfg.services, {
            key: "services",
            activeColor: cfg.activeColor,
            gatewayHostname: cfg.gateway.hostname,
            reservedNamespaces: platformReservedNamespaces(cfg.gateway.namespace),
            reservedText: `not default, kube-*, karpenter or the gateway's ${cfg.gateway.namespace}`,
        }),
    );
    problems.push(...accessProblems(cfg));
    if (cfg.existingVpc !== null && cfg.gateway.scheme === "internet-facing" && cfg.previewAccess.sourceCidrs.length === 0) {
        problems.push(
            `'previewAccess.sourceCidrs' is [], expected the networks that may reach previews when existingVpc is set and the Gateway is internet-facing (clients in the VPC reach it from its NAT gateways' public IPs, which this stack does not know)`,
        );
    }
    if (stack === "prod" && cfg.previewAccess.sourceCidrs.includes("0.0.0.0/0")) {
        problems.push(`'previewAccess.sourceCidrs' contains "0.0.0.0/0", expected no preview open to every network in prod (it serves the color that is not live, with prod's permissions)`);
    }
    if (stack === "prod" && cfg.clusterEndpoint.publicAccessCidrs.includes("0.0.0.0/0")) {
        problems.push(`'clusterEndpoint.publicAccessCidrs' contains "0.0.0.0/0", expected no open API endpoint in prod`);
    }
    return problems;
}

/**
 * Who can reach the cluster's API: someone must hold `admin` (pulumi writes cluster-scoped objects), and the
 * role both providers assume must be covered exactly once (listed, or the caller entry, never both: EKS refuses
 * a second access entry for one principal).
 */
function accessProblems(cfg: RawStackConfig): string[] {
    const problems: string[] = [];
    if (!cfg.clusterCreatorAdmin && !cfg.deployers.some((d) => d.access === "admin")) {
        problems.push(
            `'deployers' has no principal with access "admin", expected one (the role that runs pulumi up) or clusterCreatorAdmin true: no access entry would let pulumi reach the Kubernetes API`,
        );
    }
    const role = cfg.deployIdentity.roleArn;
    if (role !== null) {
        const listed = cfg.deployers.findIndex((d) => d.principalArn === role);
        if (listed >= 0 && cfg.clusterCreatorAdmin) {
            problems.push(
                `'clusterCreatorAdmin' is true, expected false: the caller ${role} (deployIdentity.roleArn) is deployers[${listed}], and EKS allows one access entry per principal`,
            );
        }
        if (listed < 0 && !cfg.clusterCreatorAdmin) {
            problems.push(
                `'deployIdentity.roleArn' is ${JSON.stringify(role)}, expected a role listed in deployers (or clusterCreatorAdmin true): pulumi runs as it and needs an access entry`,
            );
        }
    }
    return problems;
}

/**
 * Decodes and validates raw config against a project's strict top-level schema: every problem at once, one
 * phrase each (key, value, what is allowed). `stringKeys` are the keys whose config value is a plain string.
 */
export function validateConfig<S extends z.ZodObject>(raw: Record<string, string>, project: string, schema: S, stringKeys: ReadonlySet<string>): z.infer<S> {
    const problems: string[] = [];
    const knownKeys = Object.keys(schema.shape);
    const decoded = decodeRaw(raw, problems, knownKeys, stringKeys);
    if (problems.length) throw new ConfigError(problems);
    const result = schema.safeParse(decoded);
    if (!result.success) throw new ConfigError(result.error.issues.map((i) => formatIssue(i, decoded, project, knownKeys)));
    return result.data;
}

/**
 * Validates raw stack config (keys without the project prefix, values as `pulumi config` stores them).
 * Pure: the offline harness and tests call it directly.
 */
export function parseStackConfig(raw: Record<string, string>, project: string, stack: string): StackConfig {
    const cfg = validateConfig(raw, project, stackConfigSchema, STRING_KEYS);
    const crossProblems = crossKeyProblems(cfg, stack);
    if (crossProblems.length) throw new ConfigError(crossProblems);

    return {
        ...cfg,
        project,
        stack,
        clusterName: cfg.clusterName === "" ? `service-${stack}` : cfg.clusterName,
        dns:
            cfg.dns.zoneId === undefined
                ? null
                : {
                      zoneId: cfg.dns.zoneId,
                      zoneName: cfg.dns.zoneName ?? defaultZoneName(cfg.gateway.hostname),
                      createCertificate: cfg.dns.createCertificate,
                      includeApex: cfg.dns.includeApex,
                  },
        services: resolveServices(cfg.services, cfg.activeColor, cfg.identityMode),
    };
}

/**
 * A stack still holding the shipped example values, run for real. Like ConfigError it is a `RunError`: the CLI
 * prints the one-line message alone.
 */
export class PlaceholderError extends pulumi.RunError {
    constructor(message: string) {
        super(message);
        this.name = "PlaceholderError";
    }
}

/**
 * Whether the program runs under Pulumi's test mocks (the offline plan, unit tests) rather than a real
 * deployment: the SDK records the monitor address "mock" when `setMocks` installs one.
 */
export function runningUnderMocks(): boolean {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const state = require("@pulumi/pulumi/runtime/state") as { getStore(): { settings?: { options?: { monitorAddr?: string } } } };
    return state.getStore().settings?.options?.monitorAddr === "mock";
}

/**
 * Refuses a real deployment of a config that still holds example values (account 123456789012, example.com,
 * documentation networks, placeholder certificate ids), listing every one with its path, unless the stack sets
 * `allowPlaceholders: true`. Mocked runs are never refused: the shipped stacks exist to be planned offline.
 */
export function assertNoPlaceholders(cfg: StackConfig, mocked: boolean): void {
    if (mocked || cfg.allowPlaceholders) return;
    const { project: _project, stack, allowPlaceholders: _allow, ...values } = cfg;
    const found = findPlaceholders(values);
    if (found.length) throw new PlaceholderError(placeholderMessage(stack, found));
}

/** Reads every key of the project's namespace from `pulumi config`, validates it, and guards real deployments. */
export function loadStackConfig(): StackConfig {
    const project = pulumi.getProject();
    const prefix = `${project}:`;
    const raw: Record<string, string> = {};
    for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
        if (key.startsWith(prefix)) raw[key.slice(prefix.length)] = value;
    }
    const cfg = parseStackConfig(raw, project, pulumi.getStack());
    assertNoPlaceholders(cfg, runningUnderMocks());
    return cfg;
}
