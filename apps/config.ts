/**
 * A team stack's config: read once and validated before any resource is registered, with the platform's own
 * machinery (`validateConfig`: one phrase per problem, every problem at once; `ConfigError`: one line, no trace).
 * Services have exactly the platform's `services` shape (the same zod schema) and pass the same service rules
 * (`serviceProblems`), checked against what the platform stack's contract says it keeps for itself.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import {
    COLORS,
    ConfigError,
    deployIdentitySchema,
    findPlaceholders,
    IDENTITY_MODES,
    PlaceholderError,
    placeholderMessage,
    resolveServices,
    ServiceConfig,
    serviceProblems,
    serviceSchema,
    tagsSchema,
    validateConfig,
} from "../config";
import { PlatformContract, QUALIFIED_STACK } from "../lib/platformContract";

const dnsLabel = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export const appsConfigSchema = z
    .object({
        /** `<org>/<project>/<stack>` of the platform stack of this environment. */
        platformStack: z.string().regex(QUALIFIED_STACK, "a qualified platform stack such as example-org/eks-platform/prod"),
        /** The owning team: a DNS label; its services' namespaces are `<team>` or `<team>-*`. */
        team: z.string().regex(dnsLabel, "the team's name as a DNS label, such as payments"),
        activeColor: z.enum(COLORS),
        /** Empty: the platform's identity mode. */
        identityMode: z.enum([...IDENTITY_MODES, ""]),
        services: z.array(serviceSchema).min(1),
        deployIdentity: deployIdentitySchema,
        tags: tagsSchema,
        allowPlaceholders: z.boolean(),
    })
    .strict();

export type AppsConfig = z.infer<typeof appsConfigSchema> & { readonly project: string; readonly stack: string };

const STRING_KEYS: ReadonlySet<string> = new Set(["platformStack", "team", "activeColor", "identityMode"]);

/** Validates raw config (keys without the project prefix, values as `pulumi config` hands them over). Pure. */
export function parseAppsConfig(raw: Record<string, string>, project: string, stack: string): AppsConfig {
    return { ...validateConfig(raw, project, appsConfigSchema, STRING_KEYS), project, stack };
}

/**
 * The team's services, resolved, once the platform's contract is known: the platform's service rules against
 * the contract's Gateway hostname and reserved namespaces and hostnames, plus the team's own boundary (its
 * namespaces start with its name, so two team stacks can never claim one namespace) and a Gateway that admits
 * routes by namespace label. Throws one ConfigError listing every problem.
 */
export function teamServices(cfg: AppsConfig, contract: PlatformContract): ServiceConfig[] {
    const reserved = contract.reservedNamespaces;
    const problems = serviceProblems(cfg.services, {
        key: "services",
        activeColor: cfg.activeColor,
        gatewayHostname: contract.gateway.hostname,
        reservedNamespaces: reserved,
        reservedText: `not ${[...reserved.names, ...reserved.prefixes.map((p) => `${p}*`)].join(", ")}: the platform stack ${cfg.platformStack} owns those`,
        takenHostnames: contract.reservedHostnames,
    });
    cfg.services.forEach((s, i) => {
        const ns = s.namespace ?? s.name;
        if (ns !== cfg.team && !ns.startsWith(`${cfg.team}-`)) {
            const where = s.namespace ? `services[${i}].namespace` : `services[${i}].name`;
            problems.push(`'${where}' gives service ${s.name} the namespace ${JSON.stringify(ns)}, expected ${cfg.team} or a name starting with ${cfg.team}- (team ${cfg.team} owns only those)`);
        }
    });
    if (contract.gateway.routeNamespaceSelector === null) {
        problems.push(
            `'platformStack' is ${JSON.stringify(cfg.platformStack)}, whose Gateway does not admit routes by namespace label (gateway.allowedRoutes is not Selector), expected a platform stack with gateway.allowedRoutes Selector: team routes attach only through it`,
        );
    }
    if (problems.length) throw new ConfigError(problems);
    return resolveServices(cfg.services, cfg.activeColor, cfg.identityMode === "" ? contract.identity.defaultMode : cfg.identityMode);
}

/** Refuses a real deployment that still holds example values, like the platform (`allowPlaceholders` overrides). */
export function assertNoAppPlaceholders(cfg: AppsConfig, mocked: boolean): void {
    if (mocked || cfg.allowPlaceholders) return;
    const { project: _project, stack, allowPlaceholders: _allow, ...values } = cfg;
    const found = findPlaceholders(values);
    if (found.length) throw new PlaceholderError(placeholderMessage(stack, found));
}

/** Reads every key of the project's namespace (a misspelt key is refused by name, not ignored). */
export function loadAppsConfig(): AppsConfig {
    const project = pulumi.getProject();
    const prefix = `${project}:`;
    const raw = Object.fromEntries(
        Object.entries(pulumi.runtime.allConfig())
            .filter(([k]) => k.startsWith(prefix))
            .map(([k, v]) => [k.slice(prefix.length), v]),
    );
    return parseAppsConfig(raw, project, pulumi.getStack());
}
