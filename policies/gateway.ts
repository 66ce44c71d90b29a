/**
 * Gateway API on the AWS Load Balancer Controller: HTTPS listeners negotiate TLS 1.2 or newer, and production
 * Gateways do not admit routes from every namespace.
 *
 * The ALB's TLS policy is not on the Gateway: it is `sslPolicy` of the matching `HTTPS:<port>` entry of the
 * LoadBalancerConfiguration the Gateway names in `spec.infrastructure.parametersRef`. Without one, the controller
 * uses `ELBSecurityPolicy-2016-08`, which still accepts TLS 1.0 — hence a stack policy that follows the reference.
 */
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { EnvironmentConfig, environmentProperty } from "./environment";
import { KubeObject, namespaceOf, objectName } from "./kube";
import { Gateway, GatewayView, LoadBalancerConfiguration, LoadBalancerConfigurationView } from "./types";

/** The load balancer controller's listener default when no sslPolicy is given. */
export const CONTROLLER_DEFAULT_SSL_POLICY = "ELBSecurityPolicy-2016-08";
const LBC_GROUP = "gateway.k8s.aws";

/** ELB security policies whose minimum protocol is TLS 1.2 or 1.3 (TLS13-1-2/1-3, TLS-1-2, FS-1-2 families). */
export function isTls12OrNewer(policy: string): boolean {
    return /^ELBSecurityPolicy-(TLS13-1-[23]|TLS-1-2|FS-1-2)-/.test(policy);
}

function httpsListenerConfigs(lbc: LoadBalancerConfigurationView) {
    return (lbc.spec?.listenerConfigurations ?? []).filter((l) => l.protocolPort.toUpperCase().startsWith("HTTPS:"));
}

export const gatewayHttpsTlsPolicy: StackValidationPolicy = {
    name: "gateway-https-tls-policy",
    description: "HTTPS listeners of ALB Gateways use an ELB security policy with TLS 1.2 or newer (set in the LoadBalancerConfiguration).",
    severity: "high",
    validateStack: (args, reportViolation) => {
        const configs = args.resources.filter((r) => r.isType(LoadBalancerConfiguration));
        for (const r of configs) {
            for (const listener of httpsListenerConfigs(r.props as LoadBalancerConfigurationView)) {
                const policy = listener.sslPolicy ?? CONTROLLER_DEFAULT_SSL_POLICY;
                if (!isTls12OrNewer(policy)) {
                    const shown = listener.sslPolicy ? policy : `no sslPolicy, so the controller's default ${policy}`;
                    reportViolation(
                        `LoadBalancerConfiguration ${objectName(r)} listener ${listener.protocolPort} uses ${shown}, which accepts TLS older than 1.2: use e.g. ELBSecurityPolicy-TLS13-1-2-2021-06.`,
                        r.urn,
                    );
                }
            }
        }
        for (const r of args.resources.filter((res) => res.isType(Gateway))) {
            const gateway = r.props as GatewayView;
            const ref = gateway.spec?.infrastructure?.parametersRef;
            const lbc: PolicyResource | undefined =
                ref?.group === LBC_GROUP && ref.kind === "LoadBalancerConfiguration"
                    ? configs.find((c) => namespaceOf(c.props as KubeObject) === namespaceOf(gateway) && (c.props as KubeObject).metadata?.name === ref.name)
                    : undefined;
            for (const listener of (gateway.spec?.listeners ?? []).filter((l) => l.protocol === "HTTPS")) {
                const entry = lbc && httpsListenerConfigs(lbc.props as LoadBalancerConfigurationView).find((l) => l.protocolPort.toUpperCase() === `HTTPS:${listener.port}`);
                if (!entry) {
                    const why = !ref ? "names no LoadBalancerConfiguration" : !lbc ? `names LoadBalancerConfiguration ${ref.name}, which is not in the stack` : `has no HTTPS:${listener.port} entry in LoadBalancerConfiguration ${ref.name}`;
                    reportViolation(
                        `Gateway ${objectName(r)} HTTPS listener "${listener.name}" ${why}: the controller's default ${CONTROLLER_DEFAULT_SSL_POLICY} accepts TLS 1.0.`,
                        r.urn,
                    );
                }
            }
        }
    },
};

export const gatewayAllowedRoutes: ResourceValidationPolicy = {
    name: "gateway-allowed-routes-restricted",
    description: "Production Gateways admit routes from selected namespaces only (allowedRoutes.namespaces.from is not All).",
    severity: "high",
    configSchema: { properties: { ...environmentProperty } },
    validateResource: validateResourceOfType(Gateway, (gateway, args, reportViolation) => {
        const { environment } = args.getConfig<EnvironmentConfig>();
        if (environment !== "prod") return;
        for (const listener of gateway.spec?.listeners ?? []) {
            if (listener.allowedRoutes?.namespaces?.from === "All") {
                reportViolation(
                    `Gateway ${objectName({ name: args.name, props: gateway })} listener "${listener.name}" admits routes from every namespace (allowedRoutes.namespaces.from: All) in prod: use Selector or Same.`,
                );
            }
        }
    }),
};

export const gatewayPolicies = [gatewayHttpsTlsPolicy, gatewayAllowedRoutes];
