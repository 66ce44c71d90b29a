/**
 * IAM permissions of the AWS Load Balancer Controller v3.5.0, as typed statements.
 *
 * Same statements and actions as upstream's `docs/install/iam_policy.json` at tag v3.5.0, in upstream's order, each
 * named by a Sid. Upstream scopes write access by the mere presence of the `elbv2.k8s.aws/cluster` tag, which every
 * cluster's controller sets: in an account with two clusters, one controller may change or delete the other's load
 * balancers. Here the tag must hold this cluster's name, security-group changes are held to this cluster's VPC, and
 * attaching or removing a web ACL is held to this cluster's load balancers. `LOAD_BALANCER_CONTROLLER_DEVIATIONS`
 * lists every difference from upstream.
 */
import { PolicyStatement, UpstreamDeviation } from "./iam";

/** Tag the controller sets on the security groups, load balancers and target groups it owns (value: the cluster name). */
export const CONTROLLER_OWNERSHIP_TAG = "elbv2.k8s.aws/cluster";

/** What the statements are scoped to. */
export interface LoadBalancerControllerScope {
    /** The controller's `--cluster-name`: the value of the ownership tag on everything it creates. */
    readonly clusterName: string;
    /** The cluster's VPC: the only VPC whose security groups the controller may change. */
    readonly vpcId: string;
    readonly region: string;
    readonly accountId: string;
    /** `aws`, `aws-cn`, `aws-us-gov`… Default `aws`. */
    readonly partition?: string;
}

/** Sids of the statements, in upstream's order (upstream has none; the names are this project's). */
export const LOAD_BALANCER_CONTROLLER_SIDS = {
    serviceLinkedRole: "CreateElbServiceLinkedRole",
    describe: "Describe",
    integrations: "Integrations",
    securityGroupIngress: "SecurityGroupIngressInClusterVpc",
    createSecurityGroup: "CreateSecurityGroupInClusterVpc",
    tagNewSecurityGroup: "TagSecurityGroupOnCreate",
    tagOwnedSecurityGroup: "TagOwnedSecurityGroup",
    manageOwnedSecurityGroup: "ManageOwnedSecurityGroup",
    createLoadBalancer: "CreateOwnedLoadBalancerAndTargetGroup",
    listenersAndRules: "CreateDeleteListenersAndRules",
    tagOwnedLoadBalancer: "TagOwnedLoadBalancerAndTargetGroup",
    tagListenersAndRules: "TagListenersAndRules",
    modifyOwnedLoadBalancer: "ModifyOwnedLoadBalancerAndTargetGroup",
    tagOnCreate: "TagLoadBalancerAndTargetGroupOnCreate",
    registerTargets: "RegisterTargets",
    modifyListenersAndRules: "ModifyListenersAndRules",
    webAcl: "SetWebAclOnOwnedLoadBalancer",
} as const;

const SID = LOAD_BALANCER_CONTROLLER_SIDS;

/** Every difference from upstream's policy, by id. */
export const LOAD_BALANCER_CONTROLLER_DEVIATIONS: readonly UpstreamDeviation[] = [
    {
        id: "ownership-tag-value",
        statements: [
            SID.tagNewSecurityGroup,
            SID.tagOwnedSecurityGroup,
            SID.manageOwnedSecurityGroup,
            SID.createLoadBalancer,
            SID.tagOwnedLoadBalancer,
            SID.modifyOwnedLoadBalancer,
            SID.tagOnCreate,
        ],
        upstream: `Null conditions: the ${CONTROLLER_OWNERSHIP_TAG} tag is present (any value) on the resource or in the request`,
        here: `StringEquals: the ${CONTROLLER_OWNERSHIP_TAG} tag is this cluster's name`,
        why: "another cluster's controller in the same account can neither create resources tagged as this cluster's nor change or delete them",
    },
    {
        id: "security-groups-in-cluster-vpc",
        statements: [SID.securityGroupIngress, SID.createSecurityGroup, SID.manageOwnedSecurityGroup],
        upstream: "security-group ingress changes and CreateSecurityGroup on every resource (*)",
        here: "security groups of this account and region whose ec2:Vpc is the cluster's VPC; new security groups only in that VPC",
        why: "the controller cannot open ports on security groups of other VPCs (other environments, databases) in the account",
    },
    {
        id: "web-acl-on-owned-load-balancers",
        statements: [SID.modifyListenersAndRules, SID.webAcl],
        upstream: "elasticloadbalancing:SetWebAcl on every resource (*), with the listener and rule changes",
        here: `SetWebAcl in its own statement, only on application load balancers whose ${CONTROLLER_OWNERSHIP_TAG} tag is this cluster's name`,
        why: "another cluster's controller cannot detach or replace this cluster's WAF web ACL",
    },
];

/** Read-only discovery (VPC, subnets, security groups, load balancers, target health). */
const DESCRIBE_ACTIONS = [
    "ec2:DescribeAccountAttributes",
    "ec2:DescribeAddresses",
    "ec2:DescribeAvailabilityZones",
    "ec2:DescribeInternetGateways",
    "ec2:DescribeVpcs",
    "ec2:DescribeVpcPeeringConnections",
    "ec2:DescribeSubnets",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeInstances",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeTags",
    "ec2:GetCoipPoolUsage",
    "ec2:DescribeCoipPools",
    "ec2:GetSecurityGroupsForVpc",
    "ec2:DescribeIpamPools",
    "ec2:DescribeRouteTables",
    "elasticloadbalancing:DescribeLoadBalancers",
    "elasticloadbalancing:DescribeLoadBalancerAttributes",
    "elasticloadbalancing:DescribeListeners",
    "elasticloadbalancing:DescribeListenerCertificates",
    "elasticloadbalancing:DescribeSSLPolicies",
    "elasticloadbalancing:DescribeRules",
    "elasticloadbalancing:DescribeTargetGroups",
    "elasticloadbalancing:DescribeTargetGroupAttributes",
    "elasticloadbalancing:DescribeTargetHealth",
    "elasticloadbalancing:DescribeTags",
    "elasticloadbalancing:DescribeTrustStores",
    "elasticloadbalancing:DescribeListenerAttributes",
    "elasticloadbalancing:DescribeCapacityReservation",
];

/** Integrations: Cognito auth, certificates (ACM and IAM), WAF Classic, WAFv2, Shield Advanced. */
const INTEGRATION_ACTIONS = [
    "cognito-idp:DescribeUserPoolClient",
    "acm:ListCertificates",
    "acm:DescribeCertificate",
    "iam:ListServerCertificates",
    "iam:GetServerCertificate",
    "waf-regional:GetWebACL",
    "waf-regional:GetWebACLForResource",
    "waf-regional:AssociateWebACL",
    "waf-regional:DisassociateWebACL",
    "wafv2:GetWebACL",
    "wafv2:GetWebACLForResource",
    "wafv2:AssociateWebACL",
    "wafv2:DisassociateWebACL",
    "shield:GetSubscriptionState",
    "shield:DescribeProtection",
    "shield:CreateProtection",
    "shield:DeleteProtection",
];

/** Changes allowed only on load balancers and target groups tagged as the controller's. */
const OWNED_ELB_MODIFY_ACTIONS = [
    "elasticloadbalancing:ModifyLoadBalancerAttributes",
    "elasticloadbalancing:SetIpAddressType",
    "elasticloadbalancing:SetSecurityGroups",
    "elasticloadbalancing:SetSubnets",
    "elasticloadbalancing:DeleteLoadBalancer",
    "elasticloadbalancing:ModifyTargetGroup",
    "elasticloadbalancing:ModifyTargetGroupAttributes",
    "elasticloadbalancing:DeleteTargetGroup",
    "elasticloadbalancing:ModifyListenerAttributes",
    "elasticloadbalancing:ModifyCapacityReservation",
    "elasticloadbalancing:ModifyIpPools",
];

/** The controller's permissions, scoped to one cluster, its VPC, account and region. */
export function loadBalancerControllerStatements(scope: LoadBalancerControllerScope): PolicyStatement[] {
    const partition = scope.partition ?? "aws";
    const ownedByThisCluster = (context: "RequestTag" | "ResourceTag") => ({ [`aws:${context}/${CONTROLLER_OWNERSHIP_TAG}`]: scope.clusterName });
    /** Tagging an owned resource must not add or change the ownership tag (upstream's own rule). */
    const notRetagged = { [`aws:RequestTag/${CONTROLLER_OWNERSHIP_TAG}`]: "true" };
    const vpcArn = `arn:${partition}:ec2:${scope.region}:${scope.accountId}:vpc/${scope.vpcId}`;
    const inClusterVpc = { ArnEquals: { "ec2:Vpc": vpcArn } };
    const accountSecurityGroups = `arn:${partition}:ec2:${scope.region}:${scope.accountId}:security-group/*`;
    const securityGroups = `arn:${partition}:ec2:*:*:security-group/*`;
    const elb = (resource: string) => `arn:${partition}:elasticloadbalancing:*:*:${resource}`;
    const taggableLoadBalancers = [elb("targetgroup/*/*"), elb("loadbalancer/net/*/*"), elb("loadbalancer/app/*/*")];

    return [
        {
            Sid: SID.serviceLinkedRole,
            Effect: "Allow",
            Action: ["iam:CreateServiceLinkedRole"],
            Resource: "*",
            Condition: { StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } },
        },
        { Sid: SID.describe, Effect: "Allow", Action: DESCRIBE_ACTIONS, Resource: "*" },
        { Sid: SID.integrations, Effect: "Allow", Action: INTEGRATION_ACTIONS, Resource: "*" },
        {
            // Upstream: on "*". The controller opens the cluster's node security groups to its load balancers.
            Sid: SID.securityGroupIngress,
            Effect: "Allow",
            Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"],
            Resource: accountSecurityGroups,
            Condition: inClusterVpc,
        },
        {
            // Upstream: on "*". CreateSecurityGroup authorizes both the new group and the VPC it is created in.
            Sid: SID.createSecurityGroup,
            Effect: "Allow",
            Action: ["ec2:CreateSecurityGroup"],
            Resource: [accountSecurityGroups, vpcArn],
        },
        {
            Sid: SID.tagNewSecurityGroup,
            Effect: "Allow",
            Action: ["ec2:CreateTags"],
            Resource: securityGroups,
            Condition: { StringEquals: { "ec2:CreateAction": "CreateSecurityGroup", ...ownedByThisCluster("RequestTag") } },
        },
        {
            Sid: SID.tagOwnedSecurityGroup,
            Effect: "Allow",
            Action: ["ec2:CreateTags", "ec2:DeleteTags"],
            Resource: securityGroups,
            Condition: { Null: notRetagged, StringEquals: ownedByThisCluster("ResourceTag") },
        },
        {
            Sid: SID.manageOwnedSecurityGroup,
            Effect: "Allow",
            Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"],
            Resource: accountSecurityGroups,
            Condition: { StringEquals: ownedByThisCluster("ResourceTag"), ...inClusterVpc },
        },
        {
            Sid: SID.createLoadBalancer,
            Effect: "Allow",
            Action: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"],
            Resource: "*",
            Condition: { StringEquals: ownedByThisCluster("RequestTag") },
        },
        {
            Sid: SID.listenersAndRules,
            Effect: "Allow",
            Action: [
                "elasticloadbalancing:CreateListener",
                "elasticloadbalancing:DeleteListener",
                "elasticloadbalancing:CreateRule",
                "elasticloadbalancing:DeleteRule",
            ],
            Resource: "*",
        },
        {
            Sid: SID.tagOwnedLoadBalancer,
            Effect: "Allow",
            Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
            Resource: taggableLoadBalancers,
            Condition: { Null: notRetagged, StringEquals: ownedByThisCluster("ResourceTag") },
        },
        {
            Sid: SID.tagListenersAndRules,
            Effect: "Allow",
            Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
            Resource: [
                elb("listener/net/*/*/*"),
                elb("listener/app/*/*/*"),
                elb("listener-rule/net/*/*/*"),
                elb("listener-rule/app/*/*/*"),
            ],
        },
        {
            Sid: SID.modifyOwnedLoadBalancer,
            Effect: "Allow",
            Action: OWNED_ELB_MODIFY_ACTIONS,
            Resource: "*",
            Condition: { StringEquals: ownedByThisCluster("ResourceTag") },
        },
        {
            Sid: SID.tagOnCreate,
            Effect: "Allow",
            Action: ["elasticloadbalancing:AddTags"],
            Resource: taggableLoadBalancers,
            Condition: {
                StringEquals: {
                    "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"],
                    ...ownedByThisCluster("RequestTag"),
                },
            },
        },
        {
            Sid: SID.registerTargets,
            Effect: "Allow",
            Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
            Resource: elb("targetgroup/*/*"),
        },
        {
            Sid: SID.modifyListenersAndRules,
            Effect: "Allow",
            Action: [
                "elasticloadbalancing:ModifyListener",
                "elasticloadbalancing:AddListenerCertificates",
                "elasticloadbalancing:RemoveListenerCertificates",
                "elasticloadbalancing:ModifyRule",
                "elasticloadbalancing:SetRulePriorities",
            ],
            Resource: "*",
        },
        {
            // Upstream grants SetWebAcl with the listener changes on "*": associating or removing a WAF web ACL needs it
            // on the load balancer, so holding it to this cluster's load balancers keeps their WAF out of others' reach.
            Sid: SID.webAcl,
            Effect: "Allow",
            Action: ["elasticloadbalancing:SetWebAcl"],
            Resource: elb("loadbalancer/app/*/*"),
            Condition: { StringEquals: ownedByThisCluster("ResourceTag") },
        },
    ];
}
