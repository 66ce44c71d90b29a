/**
 * Types for the AWS Load Balancer Controller's own Gateway API extension kinds, group `gateway.k8s.aws`, version `v1`
 * (served and stored from controller v3.5.0; `v1beta1` is deprecated).
 *
 * Written by hand from the controller's CRD schemas at v3.5.0 (`config/crd/gateway/`); the kinds are not in
 * `@kubernetes-models/*`. Field names and nesting follow the CRDs exactly; closed value sets are string unions.
 * Only `spec` is typed for writing; `status` is set by the controller.
 */

/** API group of the controller's Gateway API extension kinds. */
export const AWS_GATEWAY_GROUP = "gateway.k8s.aws";

/** `apiVersion` of the controller's Gateway API extension kinds. */
export const AWS_GATEWAY_API_VERSION = "gateway.k8s.aws/v1";
export type AwsGatewayApiVersion = typeof AWS_GATEWAY_API_VERSION;

/** Kind names of the controller's Gateway API extension kinds. */
export const AWS_GATEWAY_KINDS = {
    loadBalancerConfiguration: "LoadBalancerConfiguration",
    targetGroupConfiguration: "TargetGroupConfiguration",
    listenerRuleConfiguration: "ListenerRuleConfiguration",
} as const;

/** The part of Kubernetes `ObjectMeta` a platform writes on these objects. */
export interface AwsGatewayObjectMeta {
    /** Object name, unique per kind in its namespace. */
    name: string;
    /** Namespace; all three kinds are namespaced. */
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
}

/** A key/value attribute as AWS ELBv2 takes it (load balancer, listener and target group attributes). */
export interface ElbAttribute {
    /** Attribute key, e.g. `deregistration_delay.timeout_seconds` or `access_logs.s3.enabled`. */
    key: string;
    /** Attribute value, always a string (`"30"`, `"true"`). */
    value: string;
}

// ---------------------------------------------------------------------------------------------------------------------
// TargetGroupConfiguration
// ---------------------------------------------------------------------------------------------------------------------

/** Target type of a target group; the controller infers `instance` when unset. */
export type TargetType = "instance" | "ip";
/** Protocol of health checks (GENEVE, TLS, UDP and TCP_UDP are not supported for health checks). */
export type HealthCheckProtocol = "HTTP" | "HTTPS" | "TCP";
/** Target group protocol; inferred when unset. */
export type TargetGroupProtocol = "HTTP" | "HTTPS" | "TCP" | "TLS" | "UDP" | "TCP_UDP";
/** Protocol version of HTTP/HTTPS target groups. */
export type TargetGroupProtocolVersion = "HTTP1" | "HTTP2" | "GRPC";
/** IP address type of a target group; inferred when unset. */
export type TargetGroupIpAddressType = "ipv4" | "ipv6";

/** Success codes of a health check. */
export interface HealthCheckMatcher {
    /** HTTP codes, e.g. `"200"`, `"200-299"` or `"200,204"`. */
    httpCode?: string;
    /** gRPC codes, e.g. `"12"` (for `protocolVersion: GRPC`). */
    grpcCode?: string;
}

/** Health check of a target group (`healthCheckConfig`). */
export interface HealthCheckConfiguration {
    /** Destination path of HTTP/HTTPS health checks, e.g. `/healthz`. */
    healthCheckPath?: string;
    /**
     * Port the load balancer health-checks targets on, as a string: a number, or `traffic-port` (the default: the port
     * on which each target receives traffic).
     */
    healthCheckPort?: string;
    /** Protocol of the health checks. */
    healthCheckProtocol?: HealthCheckProtocol;
    /** Approximate seconds between health checks of one target (int32). */
    healthCheckInterval?: number;
    /** Seconds without a response after which a health check fails (int32). */
    healthCheckTimeout?: number;
    /** Consecutive successes before an unhealthy target counts as healthy (int32). */
    healthyThresholdCount?: number;
    /** Consecutive failures before a target counts as unhealthy (int32). */
    unhealthyThresholdCount?: number;
    /** HTTP or gRPC codes that mean success. */
    matcher?: HealthCheckMatcher;
}

/** One requirement of a Kubernetes label selector. */
export interface LabelSelectorRequirement {
    /** Label key the selector applies to. */
    key: string;
    /** `In`, `NotIn`, `Exists` or `DoesNotExist`. */
    operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
    /** Non-empty for `In`/`NotIn`, empty for `Exists`/`DoesNotExist`. */
    values?: string[];
}

/** A Kubernetes label selector (requirements are ANDed). */
export interface LabelSelector {
    matchLabels?: Record<string, string>;
    matchExpressions?: LabelSelectorRequirement[];
}

/**
 * Target group properties (`defaultConfiguration`, and `targetGroupProps` of a route configuration).
 * A route-level block replaces the default block rather than merging with it.
 */
export interface TargetGroupProps {
    /** Name of the target group; generated when unset. */
    targetGroupName?: string;
    /** `instance` (the default when unset) or `ip`. Readiness gates work with `ip` only. */
    targetType?: TargetType;
    /** IPv4 or IPv6 target group; inferred when unset. */
    ipAddressType?: TargetGroupIpAddressType;
    /** Target group protocol; inferred when unset. */
    protocol?: TargetGroupProtocol;
    /** HTTP/HTTPS protocol version: `HTTP1`, `HTTP2` or `GRPC`. */
    protocolVersion?: TargetGroupProtocolVersion;
    /** Health check of the targets. */
    healthCheckConfig?: HealthCheckConfiguration;
    /** Target group attributes, e.g. `{ key: "deregistration_delay.timeout_seconds", value: "30" }` (AWS default 300 s). */
    targetGroupAttributes?: ElbAttribute[];
    /** For `instance` targets: only nodes matching this selector are registered. */
    nodeSelector?: LabelSelector;
    /** Tags on the target group. */
    tags?: Record<string, string>;
    /** Lets several clusters or Services use the generated target group ARN. */
    enableMultiCluster?: boolean;
    /** [ALB] Port on which targets communicate their capacity; immutable after creation (int32). */
    targetControlPort?: number;
}

/** The object a TargetGroupConfiguration applies to (usually a Service). */
export interface TargetGroupTargetReference {
    /** API group of the referent; `""` (the default) is the core group. */
    group?: string;
    /** Kind of the referent; defaults to `Service`. */
    kind?: string;
    /** Name of the referent, in the TargetGroupConfiguration's namespace. */
    name: string;
}

/** Identifies a route for a route-specific target group configuration. */
export interface RouteIdentifier {
    /** Route kind, e.g. `HTTPRoute`. */
    kind?: string;
    /** Route namespace. */
    namespace?: string;
    /** Route name. */
    name?: string;
}

/** Target group properties for one route; the longest prefix match of `kind:namespace:name` wins. */
export interface RouteConfiguration {
    /** The route this configuration is for. */
    routeIdentifier: RouteIdentifier;
    /** Target group properties used for that route (replacing the default block). */
    targetGroupProps: TargetGroupProps;
}

/** `spec` of a TargetGroupConfiguration: target group properties for the backends of a Service. */
export interface TargetGroupConfigurationSpec {
    /**
     * The object to attach the settings to (a Service). When omitted the configuration can only serve as a default
     * through a LoadBalancerConfiguration's `defaultTargetGroupConfiguration`.
     */
    targetReference?: TargetGroupTargetReference;
    /** Properties applied to all routes unless a route configuration overrides them. */
    defaultConfiguration?: TargetGroupProps;
    /** Per-route properties. */
    routeConfigurations?: RouteConfiguration[];
}

/** A `gateway.k8s.aws/v1` TargetGroupConfiguration object. */
export interface TargetGroupConfiguration {
    apiVersion: AwsGatewayApiVersion;
    kind: typeof AWS_GATEWAY_KINDS.targetGroupConfiguration;
    metadata: AwsGatewayObjectMeta;
    spec: TargetGroupConfigurationSpec;
}

// ---------------------------------------------------------------------------------------------------------------------
// LoadBalancerConfiguration
// ---------------------------------------------------------------------------------------------------------------------

/** Load balancer scheme; the controller's default is `internal`. */
export type LoadBalancerScheme = "internal" | "internet-facing";
/** IP address type of the load balancer. */
export type LoadBalancerIpAddressType = "ipv4" | "dualstack" | "dualstack-without-public-ipv4";
/** ALPN policy of a TLS listener. */
export type AlpnPolicy = "HTTP1Only" | "HTTP2Only" | "HTTP2Optional" | "HTTP2Preferred" | "None";
/** Listener protocol accepted in `protocolPort`. */
export type ListenerProtocol = "HTTP" | "HTTPS" | "TLS" | "TCP" | "UDP" | "TCP_UDP";
/** Listener identifier `PROTOCOL:PORT`, e.g. `HTTPS:443`. */
export type ProtocolPort = `${ListenerProtocol}:${number}`;
/** How Gateway- and GatewayClass-level configurations merge. */
export type MergingMode = "prefer-gateway" | "prefer-gateway-class";

/** Mutual TLS of an HTTPS listener. */
export interface MutualAuthentication {
    /** `off`, `passthrough` or `verify`; `trustStore` is required with `verify` and forbidden otherwise. */
    mode: "off" | "passthrough" | "verify";
    /** Name or ARN of the trust store. */
    trustStore?: string;
    /** Whether expired client certificates are ignored. */
    ignoreClientCertificateExpiry?: boolean;
    /** Whether trust store CA names are advertised: `on` or `off`. */
    advertiseTrustStoreCaNames?: "on" | "off";
}

/** Settings of one listener of the load balancer, matched to a Gateway listener by protocol and port. */
export interface ListenerConfiguration {
    /** Listener identifier `PROTOCOL:PORT`, e.g. `HTTPS:443`. */
    protocolPort: ProtocolPort;
    /** ACM ARN of the default certificate (Gateway listener `certificateRefs` are not supported). */
    defaultCertificate?: string;
    /** ACM ARNs of further certificates added to the listener (SNI). */
    certificates?: string[];
    /** Security policy of HTTPS/TLS listeners; the controller's default is the old `ELBSecurityPolicy-2016-08`. */
    sslPolicy?: string;
    /** ALPN policy; defaults to `None`. */
    alpnPolicy?: AlpnPolicy;
    /** Listener attributes. */
    listenerAttributes?: ElbAttribute[];
    /** Mutual TLS settings. */
    mutualAuthentication?: MutualAuthentication;
    /** [NLB] Upgrades UDP listeners to QUIC. */
    quicEnabled?: boolean;
    /** [NLB] Sticky routing across weighted target groups. */
    targetGroupStickiness?: boolean;
}

/** Subnet settings of the load balancer. */
export interface SubnetConfiguration {
    /** Subnet name or id. */
    identifier?: string;
    /** [NLB] EIP allocation for this subnet. */
    eipAllocation?: string;
    /** [NLB] Private IPv4 address in this subnet. */
    privateIPv4Allocation?: string;
    /** [NLB] IPv6 address in this subnet. */
    ipv6Allocation?: string;
    /** [NLB] IPv6 /80 prefix for source NAT, or `auto_assigned`. */
    sourceNatIPv6Prefix?: string;
}

/** `spec` of a LoadBalancerConfiguration: the load balancer behind a Gateway (or every Gateway of a GatewayClass). */
export interface LoadBalancerConfigurationSpec {
    /** Name of the load balancer (at most 32 characters); generated when unset. */
    loadBalancerName?: string;
    /** `internal` (the controller's default) or `internet-facing`. */
    scheme?: LoadBalancerScheme;
    /** IPv4 or dual-stack load balancer. */
    ipAddressType?: LoadBalancerIpAddressType;
    /** Per-listener settings (certificates, TLS policy, ALPN, attributes). */
    listenerConfigurations?: ListenerConfiguration[];
    /** Load balancer attributes, e.g. `access_logs.s3.enabled` / `access_logs.s3.bucket` / `access_logs.s3.prefix`. */
    loadBalancerAttributes?: ElbAttribute[];
    /** Explicit subnets; take precedence over `loadBalancerSubnetsSelector`. */
    loadBalancerSubnets?: SubnetConfiguration[];
    /** Subnets whose tag (map key) has one of the listed values. */
    loadBalancerSubnetsSelector?: Record<string, string[]>;
    /** Security group ids or names for the load balancer (instead of a managed one). */
    securityGroups?: string[];
    /** Prefix lists allowed to reach the load balancer. */
    securityGroupPrefixes?: string[];
    /** CIDRs allowed to reach the load balancer. */
    sourceRanges?: string[];
    /** Whether the controller manages backend security group rules when `securityGroups` is given. */
    manageBackendSecurityGroupRules?: boolean;
    /** [NLB] Provision without security groups. */
    disableSecurityGroup?: boolean;
    /** [NLB] Allow ICMP for Path MTU discovery. */
    enableICMP?: boolean;
    /** [NLB] Whether inbound rules apply to PrivateLink traffic (`on`/`off`). */
    enforceSecurityGroupInboundRulesOnPrivateLinkTraffic?: string;
    /** [ALB on Outposts] Customer-owned IPv4 pool id. */
    customerOwnedIpv4Pool?: string;
    /** [ALB] IPAM pool id for IPv4 addresses. */
    ipv4IPAMPoolId?: string;
    /** Reserved load balancer capacity. */
    minimumLoadBalancerCapacity?: { /** Capacity units (int32). */ capacityUnits: number };
    /** Name of a TargetGroupConfiguration in the same namespace providing defaults for every Service backend. */
    defaultTargetGroupConfiguration?: { /** TargetGroupConfiguration name. */ name: string };
    /** Merge behaviour of Gateway- and GatewayClass-level configurations (honoured on the GatewayClass one only). */
    mergingMode?: MergingMode;
    /** [ALB] AWS Shield Advanced. */
    shieldConfiguration?: { /** Enable Shield Advanced. */ enabled?: boolean };
    /** [ALB] WAFv2 web ACL. */
    wafV2?: { /** Web ACL ARN. */ webACL: string };
    /** AWS tags on all resources made for the Gateway. */
    tags?: Record<string, string>;
}

/** A `gateway.k8s.aws/v1` LoadBalancerConfiguration object. */
export interface LoadBalancerConfiguration {
    apiVersion: AwsGatewayApiVersion;
    kind: typeof AWS_GATEWAY_KINDS.loadBalancerConfiguration;
    metadata: AwsGatewayObjectMeta;
    spec: LoadBalancerConfigurationSpec;
}

// ---------------------------------------------------------------------------------------------------------------------
// ListenerRuleConfiguration
// ---------------------------------------------------------------------------------------------------------------------

/**
 * A condition added to the listener rules built from an HTTPRoute rule. The CRD supports `source-ip` only: host,
 * path, header, query and method conditions come from the route's own matches.
 */
export interface SourceIpRuleCondition {
    field: "source-ip";
    /** Source networks; the condition holds when the client's address is in one of them. */
    sourceIPConfig: {
        /** CIDRs (IPv4 or IPv6), at least one. The `X-Forwarded-For` header is never consulted. */
        values: string[];
    };
    /** Indexes of the route rule's matches to add the condition to; all of them when unset. */
    matchIndexes?: number[];
}

export type ListenerRuleCondition = SourceIpRuleCondition;

/** What happens when a user has not authenticated (`authenticate`, the default, starts the flow). */
export type OnUnauthenticatedRequest = "deny" | "allow" | "authenticate";

/** `authenticate-cognito` action settings. */
export interface AuthenticateCognitoConfig {
    userPoolArn: string;
    userPoolClientId: string;
    userPoolDomain: string;
    /** At most 10 query parameters added to the authorization endpoint redirect. */
    authenticationRequestExtraParams?: Record<string, string>;
    onUnauthenticatedRequest?: OnUnauthenticatedRequest;
    /** Default `openid`. */
    scope?: string;
    /** Default `AWSELBAuthSessionCookie`. */
    sessionCookieName?: string;
    /** Seconds, 1–604800 (default 604800, seven days). */
    sessionTimeout?: number;
}

/** `authenticate-oidc` action settings; the client id and secret come from a Secret in the same namespace. */
export interface AuthenticateOidcConfig {
    authorizationEndpoint: string;
    issuer: string;
    tokenEndpoint: string;
    userInfoEndpoint: string;
    /** Secret holding `clientID` and `clientSecret`. */
    secret: { name: string };
    authenticationRequestExtraParams?: Record<string, string>;
    onUnauthenticatedRequest?: OnUnauthenticatedRequest;
    scope?: string;
    sessionCookieName?: string;
    sessionTimeout?: number;
    useExistingClientSecret?: boolean;
}

/** `jwt-validation` action settings. */
export interface JwtValidationConfig {
    /** At most 256 characters. */
    issuer: string;
    /** HTTPS URL of the JWKS, at most 256 characters. */
    jwksEndpoint: string;
    additionalClaims?: {
        format: "single-string" | "string-array" | "space-separated-values";
        /** Not `exp`, `iss`, `nbf` or `iat` (always validated). */
        name: string;
        /** 1–10 values of at most 256 characters. */
        values: string[];
    }[];
}

/** A listener rule action. At most one routing action (forward, redirect, fixed-response) and one pre-routing one. */
export type ListenerRuleAction =
    | { type: "fixed-response"; fixedResponseConfig: { statusCode: number; contentType?: "text/plain" | "text/css" | "text/html" | "application/javascript" | "application/json"; messageBody?: string } }
    | { type: "forward"; forwardConfig: { targetGroupStickinessConfig?: { enabled?: boolean; durationSeconds?: number } } }
    | { type: "redirect"; redirectConfig: { query?: string } }
    | { type: "authenticate-cognito"; authenticateCognitoConfig: AuthenticateCognitoConfig }
    | { type: "authenticate-oidc"; authenticateOIDCConfig: AuthenticateOidcConfig }
    | { type: "jwt-validation"; jwtValidationConfig: JwtValidationConfig };

/**
 * `spec` of a ListenerRuleConfiguration, attached to an HTTPRoute rule by an `ExtensionRef` filter (group
 * `gateway.k8s.aws`, kind `ListenerRuleConfiguration`, same namespace as the route).
 */
export interface ListenerRuleConfigurationSpec {
    /** At least one when set. */
    conditions?: ListenerRuleCondition[];
    /** One or two when set. */
    actions?: ListenerRuleAction[];
    /** AWS tags on the rules built for the route rule. */
    tags?: Record<string, string>;
}

/** A `gateway.k8s.aws/v1` ListenerRuleConfiguration object. */
export interface ListenerRuleConfiguration {
    apiVersion: AwsGatewayApiVersion;
    kind: typeof AWS_GATEWAY_KINDS.listenerRuleConfiguration;
    metadata: AwsGatewayObjectMeta;
    spec: ListenerRuleConfigurationSpec;
}
