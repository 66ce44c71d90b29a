import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { IGateway } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/Gateway" with { "resolution-mode": "import" };
import type { IGatewayClass } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/GatewayClass" with { "resolution-mode": "import" };
import type { IGatewayStatus } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/GatewayStatus" with { "resolution-mode": "import" };
import type { IHTTPRoute } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute" with { "resolution-mode": "import" };
import type { IParentReference } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/ParentReference" with { "resolution-mode": "import" };
import type { IRouteNamespaces } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/RouteNamespaces" with { "resolution-mode": "import" };
import type { GatewayConfig } from "../config";
import {
    AWS_GATEWAY_API_VERSION,
    AWS_GATEWAY_GROUP,
    AWS_GATEWAY_KINDS,
    ElbAttribute,
    ListenerConfiguration,
    LoadBalancerConfiguration,
    LoadBalancerIpAddressType,
} from "../lib/awsLoadBalancerTypes";
import { GATEWAY_ROUTES_LABEL, RESTRICTED_POD_SECURITY, ROUTE_READY_WAIT } from "../lib/labels";
import { defaultDenyPolicy } from "../lib/networkPolicies";

export const GATEWAY_API_GROUP = "gateway.networking.k8s.io";
const GATEWAY_API_VERSION = "gateway.networking.k8s.io/v1" as const;

/** The ALB GatewayClass of the AWS Load Balancer Controller. */
export const ALB_GATEWAY_CLASS = { name: "alb", controllerName: "gateway.k8s.aws/alb" } as const;

/** Listener names of the shared Gateway: routes attach to `https`; `http` only carries the redirect. */
export const GATEWAY_LISTENERS = { https: "https", http: "http" } as const;

/** Makes the provider wait until the controller has programmed the ALB, so `status.addresses` is the ALB's. */
const WAIT_FOR_PROGRAMMED = { "pulumi.com/waitFor": "condition=Programmed" };

/** The gateway settings the objects are built from (the stack's `gateway` config). */
export type SharedGatewaySettings = Pick<
    GatewayConfig,
    "name" | "namespace" | "hostname" | "certificateArns" | "scheme" | "sslPolicy" | "allowedRoutes" | "accessLogs" | "webAclArn"
>;

/** ALB settings that come from outside the `gateway` config: the log bucket made for it, and deletion protection. */
export interface AlbSettings {
    /** Bucket for the access logs (the stack's own), or undefined when logs are off. */
    readonly accessLogBucket?: string;
    /** ELB deletion protection (the stack's `deletionProtection`). */
    readonly deletionProtection: boolean;
}

/** parentRef of an application HTTPRoute on the shared Gateway's HTTPS listener. */
export function sharedGatewayParentRef(gateway: Pick<GatewayConfig, "name" | "namespace">): IParentReference {
    return { group: GATEWAY_API_GROUP, kind: "Gateway", name: gateway.name, namespace: gateway.namespace, sectionName: GATEWAY_LISTENERS.https };
}

/** Name of the Gateway's LoadBalancerConfiguration. */
export function loadBalancerConfigurationName(gateway: Pick<GatewayConfig, "name">): string {
    return `${gateway.name}-alb`;
}

export function gatewayClassObject(): IGatewayClass {
    return {
        apiVersion: GATEWAY_API_VERSION,
        kind: "GatewayClass",
        metadata: { name: ALB_GATEWAY_CLASS.name },
        spec: { controllerName: ALB_GATEWAY_CLASS.controllerName, description: "Application Load Balancers (AWS Load Balancer Controller)" },
    };
}

/** ALB attributes: invalid headers dropped, deletion protection as configured, S3 access logs when on. */
export function loadBalancerAttributes(gateway: Pick<SharedGatewaySettings, "accessLogs">, alb: AlbSettings): ElbAttribute[] {
    const attributes: ElbAttribute[] = [
        { key: "routing.http.drop_invalid_header_fields.enabled", value: "true" },
        // Stated either way: an ALB protected by hand is unprotected again by the next apply, and the reverse.
        { key: "deletion_protection.enabled", value: String(alb.deletionProtection) },
    ];
    if (gateway.accessLogs.enabled) {
        if (alb.accessLogBucket === undefined) throw new Error("loadBalancerAttributes: access logs are on but no bucket was given");
        attributes.push({ key: "access_logs.s3.enabled", value: "true" }, { key: "access_logs.s3.bucket", value: alb.accessLogBucket });
        if (gateway.accessLogs.prefix) attributes.push({ key: "access_logs.s3.prefix", value: gateway.accessLogs.prefix });
    }
    return attributes;
}

/**
 * The ALB behind the Gateway: scheme, the HTTPS:443 listener's certificates (ACM ARNs: Gateway `certificateRefs` are
 * not supported by the controller) and TLS policy (the controller's default is the old ELBSecurityPolicy-2016-08),
 * attributes (access logs, deletion protection), and the WAFv2 web ACL when one is configured.
 */
export function loadBalancerConfigurationObject(gateway: SharedGatewaySettings, alb: AlbSettings, tags: Record<string, string> = {}): LoadBalancerConfiguration {
    const [defaultCertificate, ...others] = gateway.certificateArns;
    const https: ListenerConfiguration = { protocolPort: "HTTPS:443", defaultCertificate, sslPolicy: gateway.sslPolicy };
    if (others.length > 0) https.certificates = others;
    return {
        apiVersion: AWS_GATEWAY_API_VERSION,
        kind: AWS_GATEWAY_KINDS.loadBalancerConfiguration,
        metadata: { name: loadBalancerConfigurationName(gateway), namespace: gateway.namespace },
        spec: {
            scheme: gateway.scheme,
            listenerConfigurations: [https],
            loadBalancerAttributes: loadBalancerAttributes(gateway, alb),
            ...(gateway.webAclArn !== null ? { wafV2: { webACL: gateway.webAclArn } } : {}),
            ...(Object.keys(tags).length > 0 ? { tags } : {}),
        },
    };
}

/** The issued certificate becomes the HTTPS listener's default and the configured ARNs move to SNI. */
export function withIssuedCertificate(object: LoadBalancerConfiguration, certificateArn: string): LoadBalancerConfiguration {
    const listenerConfigurations = (object.spec.listenerConfigurations ?? []).map((listener) => {
        if (listener.protocolPort !== "HTTPS:443") return listener;
        const { defaultCertificate, certificates, ...rest } = listener;
        const sni = [...(defaultCertificate ? [defaultCertificate] : []), ...(certificates ?? [])];
        return { ...rest, defaultCertificate: certificateArn, ...(sni.length > 0 ? { certificates: sni } : {}) };
    });
    return { ...object, spec: { ...object.spec, listenerConfigurations } };
}

/** Which namespaces may attach routes to the HTTPS listener. */
export function routeNamespaces(mode: SharedGatewaySettings["allowedRoutes"]): IRouteNamespaces {
    switch (mode) {
        case "Selector":
            return { from: "Selector", selector: { matchLabels: { [GATEWAY_ROUTES_LABEL.key]: GATEWAY_ROUTES_LABEL.value } } };
        case "Same":
        case "All":
            return { from: mode };
    }
}

/**
 * The shared Gateway: HTTPS 443 for routes from the allowed namespaces, HTTP 80 for the redirect route only (its own
 * namespace), both on the configured (wildcard) hostname; the ALB settings come from the LoadBalancerConfiguration.
 */
export function gatewayObject(gateway: SharedGatewaySettings): IGateway {
    return {
        apiVersion: GATEWAY_API_VERSION,
        kind: "Gateway",
        metadata: { name: gateway.name, namespace: gateway.namespace, annotations: WAIT_FOR_PROGRAMMED },
        spec: {
            gatewayClassName: ALB_GATEWAY_CLASS.name,
            infrastructure: {
                parametersRef: { group: AWS_GATEWAY_GROUP, kind: AWS_GATEWAY_KINDS.loadBalancerConfiguration, name: loadBalancerConfigurationName(gateway) },
            },
            listeners: [
                {
                    name: GATEWAY_LISTENERS.https,
                    protocol: "HTTPS",
                    port: 443,
                    hostname: gateway.hostname,
                    allowedRoutes: { namespaces: routeNamespaces(gateway.allowedRoutes), kinds: [{ group: GATEWAY_API_GROUP, kind: "HTTPRoute" }] },
                },
                {
                    name: GATEWAY_LISTENERS.http,
                    protocol: "HTTP",
                    port: 80,
                    hostname: gateway.hostname,
                    allowedRoutes: { namespaces: { from: "Same" }, kinds: [{ group: GATEWAY_API_GROUP, kind: "HTTPRoute" }] },
                },
            ],
        },
    };
}

/** The HTTP listener's only route: a permanent (301) redirect of every request to HTTPS (port 443). */
export function httpsRedirectRouteObject(gateway: SharedGatewaySettings): IHTTPRoute {
    return {
        apiVersion: GATEWAY_API_VERSION,
        kind: "HTTPRoute",
        metadata: { name: `${gateway.name}-https-redirect`, namespace: gateway.namespace, annotations: { ...ROUTE_READY_WAIT } },
        spec: {
            parentRefs: [{ group: GATEWAY_API_GROUP, kind: "Gateway", name: gateway.name, sectionName: GATEWAY_LISTENERS.http }],
            rules: [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] }],
        },
    };
}

/** The typed objects this component creates as plain custom resources. */
type GatewayObject = IGatewayClass | IHTTPRoute | LoadBalancerConfiguration;

function customResource(name: string, object: GatewayObject, opts: pulumi.CustomResourceOptions): k8s.apiextensions.CustomResource {
    return new k8s.apiextensions.CustomResource(name, { ...object }, opts);
}

/** A Gateway whose `status` is a typed output. */
class GatewayResource extends k8s.apiextensions.CustomResource {
    declare public readonly status: pulumi.Output<IGatewayStatus | undefined>;

    constructor(name: string, gateway: IGateway, opts: pulumi.CustomResourceOptions) {
        // Naming `status` as a (empty) property makes the SDK expose it as an output.
        super(name, { ...gateway, status: undefined }, opts);
    }
}

export interface SharedGatewayArgs {
    /** The stack's `gateway` config (name, namespace, hostname, certificates, scheme, TLS policy, allowed routes, logs). */
    readonly gateway: SharedGatewaySettings;
    /** The CRD installs (Gateway API and the controller's); every object here depends on them. */
    readonly crds: pulumi.Input<pulumi.Resource>[];
    /**
     * The controller (its Helm release). Everything here that carries its finalizers (GatewayClass,
     * LoadBalancerConfiguration, Gateway) is created after it and deleted before it; the Gateway also waits for
     * `Programmed`, which only a running controller sets. Default: none.
     */
    readonly controller?: pulumi.Input<pulumi.Resource>;
    /** ELB deletion protection on the ALB (the controller cannot delete it while on). */
    readonly deletionProtection: boolean;
    /** The access-log bucket, required when `gateway.accessLogs.enabled`; the ALB's settings wait for `ready`. */
    readonly accessLogs?: { readonly bucketName: pulumi.Input<string>; readonly ready: readonly pulumi.Resource[] };
    /** AWS tags for the ALB and its target groups. Default: none. */
    readonly tags?: Record<string, string>;
    /**
     * An ACM certificate the stack issued, resolving once it is validated (`GatewayCertificate.certificateArn`): the
     * HTTPS listener's default certificate, with `gateway.certificateArns` added for SNI. Default: none.
     */
    readonly issuedCertificateArn?: pulumi.Input<string>;
}

/**
 * The platform's shared HTTPS entry point: the `alb` GatewayClass, the Gateway's namespace, its LoadBalancerConfiguration,
 * the Gateway, and the HTTP→HTTPS redirect route.
 */
export class SharedGateway extends pulumi.ComponentResource {
    public readonly gatewayName: pulumi.Output<string>;
    public readonly namespace: pulumi.Output<string>;
    /** Hostnames the HTTPS listener serves (the configured wildcard). */
    public readonly hostnames: pulumi.Output<string[]>;
    /** DNS name of the ALB, from the Gateway's `status.addresses` once it is programmed. */
    public readonly albDnsName: pulumi.Output<string>;
    /** parentRef for application HTTPRoutes (HTTPS listener). */
    public readonly httpsParentRef: IParentReference;
    /** Address families of the ALB (the controller's default `ipv4` unless the LoadBalancerConfiguration says otherwise). */
    public readonly ipAddressType: LoadBalancerIpAddressType;

    constructor(name: string, args: SharedGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-platform:gateway:SharedGateway", name, {}, opts);
        const gw = args.gateway;

        const namespace = new k8s.core.v1.Namespace(
            `${name}-ns`,
            { metadata: { name: gw.namespace, labels: { ...RESTRICTED_POD_SECURITY, "app.kubernetes.io/managed-by": "pulumi" } } },
            { parent: this },
        );
        // The namespace holds configuration only; should a pod ever land in it, it reaches nothing and nothing reaches it.
        const denyAll = defaultDenyPolicy(gw.namespace);
        new k8s.networking.v1.NetworkPolicy(`${name}-netpol-${denyAll.metadata.name}`, { metadata: denyAll.metadata, spec: denyAll.spec }, { parent: this, dependsOn: [namespace] });
        // The controller puts finalizers on the GatewayClass, the LoadBalancerConfiguration and the Gateway, and only a
        // running controller removes them: each depends on the controller, so `pulumi destroy` deletes them (and the
        // controller deletes the ALB) before the controller goes. Otherwise they stay Terminating, with their CRDs.
        const controller = args.controller ? [args.controller] : [];
        const afterController: pulumi.CustomResourceOptions = { parent: this, dependsOn: [...args.crds, ...controller] };
        const inNamespace: pulumi.CustomResourceOptions = { parent: this, dependsOn: [...args.crds, namespace, ...controller] };

        const gatewayClass = customResource(`${name}-class`, gatewayClassObject(), afterController);
        if (gw.accessLogs.enabled && !args.accessLogs) throw new Error(`${name}: gateway.accessLogs.enabled needs an access-log bucket`);
        const alb = (accessLogBucket?: string): AlbSettings => ({ accessLogBucket, deletionProtection: args.deletionProtection });
        const bucketName: pulumi.Output<string | undefined> =
            gw.accessLogs.enabled && args.accessLogs ? pulumi.output(args.accessLogs.bucketName) : pulumi.output<string | undefined>(undefined);
        // An issued certificate's ARN resolves only once ACM has issued it: the Gateway, created after this, never
        // sees a pending one.
        const issuedArn = pulumi.output(args.issuedCertificateArn);
        // ELB checks that it may write to the bucket when access logs are turned on: the bucket policy comes first.
        const lbConfig = new k8s.apiextensions.CustomResource(
            `${name}-lb-config`,
            {
                ...loadBalancerConfigurationObject(gw, alb("bucket")),
                spec: pulumi.all([bucketName, issuedArn]).apply(([bucket, arn]) => {
                    const object = loadBalancerConfigurationObject(gw, alb(bucket), args.tags);
                    return (arn === undefined ? object : withIssuedCertificate(object, arn)).spec;
                }),
            },
            { ...inNamespace, dependsOn: [...args.crds, namespace, ...controller, ...(gw.accessLogs.enabled ? (args.accessLogs?.ready ?? []) : [])] },
        );
        const gateway = new GatewayResource(name, gatewayObject(gw), {
            ...inNamespace,
            dependsOn: [...args.crds, namespace, gatewayClass, lbConfig, ...controller],
            // An ALB takes a few minutes to provision.
            customTimeouts: { create: "20m", update: "20m" },
        });
        customResource(`${name}-https-redirect`, httpsRedirectRouteObject(gw), { parent: this, dependsOn: [...args.crds, gateway] });

        this.gatewayName = gateway.metadata.name;
        this.namespace = gateway.metadata.namespace;
        this.hostnames = pulumi.output([gw.hostname]);
        this.albDnsName = gateway.status.apply((s) => s?.addresses?.[0]?.value ?? "");
        this.httpsParentRef = sharedGatewayParentRef(gw);
        // The object's shape does not depend on the bucket's name: a stand-in reads its address type.
        this.ipAddressType = loadBalancerConfigurationObject(gw, alb("bucket")).spec.ipAddressType ?? "ipv4";
        this.registerOutputs({
            gatewayName: this.gatewayName,
            namespace: this.namespace,
            hostnames: this.hostnames,
            albDnsName: this.albDnsName,
            httpsParentRef: this.httpsParentRef,
        });
    }
}
