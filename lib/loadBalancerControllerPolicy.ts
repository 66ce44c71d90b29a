/**
 * IAM permissions of the AWS Load Balancer Controller v3.5.0, as typed statements.
 *
 * Same actions, resources and conditions as upstream's `docs/install/iam_policy.json` at tag v3.5.0, grouped the
 * same way. Write access is scoped by the `elbv2.k8s.aws/cluster` tag the controller puts on everything it creates:
 * it may create tagged resources, and change or delete only resources that carry the tag.
 */
import { PolicyStatement } from "./iam";

/** Tag the controller sets on the security groups, load balancers and target groups it owns. */
export const CONTROLLER_OWNERSHIP_TAG = "elbv2.k8s.aws/cluster";

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

/**
 * The controller's permissions. `partition` only changes the ARNs (`aws-cn`, `aws-us-gov`); with the default `aws`
 * the statements are upstream's.
 */
export function loadBalancerControllerStatements(partition = "aws"): PolicyStatement[] {
    const requestTagged = { [`aws:RequestTag/${CONTROLLER_OWNERSHIP_TAG}`]: "false" };
    const resourceTagged = { [`aws:ResourceTag/${CONTROLLER_OWNERSHIP_TAG}`]: "false" };
    /** Tagging an existing owned resource without adding the ownership tag in the same request. */
    const ownedAndNotRetagged = {
        [`aws:RequestTag/${CONTROLLER_OWNERSHIP_TAG}`]: "true",
        [`aws:ResourceTag/${CONTROLLER_OWNERSHIP_TAG}`]: "false",
    };
    const securityGroups = `arn:${partition}:ec2:*:*:security-group/*`;
    const elb = (resource: string) => `arn:${partition}:elasticloadbalancing:*:*:${resource}`;
    const taggableLoadBalancers = [elb("targetgroup/*/*"), elb("loadbalancer/net/*/*"), elb("loadbalancer/app/*/*")];

    return [
        {
            Effect: "Allow",
            Action: ["iam:CreateServiceLinkedRole"],
            Resource: "*",
            Condition: { StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } },
        },
        { Effect: "Allow", Action: DESCRIBE_ACTIONS, Resource: "*" },
        { Effect: "Allow", Action: INTEGRATION_ACTIONS, Resource: "*" },
        { Effect: "Allow", Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"], Resource: "*" },
        { Effect: "Allow", Action: ["ec2:CreateSecurityGroup"], Resource: "*" },
        {
            Effect: "Allow",
            Action: ["ec2:CreateTags"],
            Resource: securityGroups,
            Condition: { StringEquals: { "ec2:CreateAction": "CreateSecurityGroup" }, Null: requestTagged },
        },
        {
            Effect: "Allow",
            Action: ["ec2:CreateTags", "ec2:DeleteTags"],
            Resource: securityGroups,
            Condition: { Null: ownedAndNotRetagged },
        },
        {
            Effect: "Allow",
            Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"],
            Resource: "*",
            Condition: { Null: resourceTagged },
        },
        {
            Effect: "Allow",
            Action: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"],
            Resource: "*",
            Condition: { Null: requestTagged },
        },
        {
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
            Effect: "Allow",
            Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
            Resource: taggableLoadBalancers,
            Condition: { Null: ownedAndNotRetagged },
        },
        {
            Effect: "Allow",
            Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
            Resource: [
                elb("listener/net/*/*/*"),
                elb("listener/app/*/*/*"),
                elb("listener-rule/net/*/*/*"),
                elb("listener-rule/app/*/*/*"),
            ],
        },
        { Effect: "Allow", Action: OWNED_ELB_MODIFY_ACTIONS, Resource: "*", Condition: { Null: resourceTagged } },
        {
            Effect: "Allow",
            Action: ["elasticloadbalancing:AddTags"],
            Resource: taggableLoadBalancers,
            Condition: {
                StringEquals: { "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"] },
                Null: requestTagged,
            },
        },
        {
            Effect: "Allow",
            Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
            Resource: elb("targetgroup/*/*"),
        },
        {
            Effect: "Allow",
            Action: [
                "elasticloadbalancing:SetWebAcl",
                "elasticloadbalancing:ModifyListener",
                "elasticloadbalancing:AddListenerCertificates",
                "elasticloadbalancing:RemoveListenerCertificates",
                "elasticloadbalancing:ModifyRule",
                "elasticloadbalancing:SetRulePriorities",
            ],
            Resource: "*",
        },
    ];
}
